import ArgumentParser
import Experiment
import Figures
import Foundation
import Tensor

/// `make talk`: every figure and number of the GAN → TimeGAN talk, computed by the kit.
///
/// The experiment is three named steps; each writes its figures to `figures/talk/` and records its numbers
/// and claim verdicts (T.1–T.3) in the run's `results.json`. `report build` then turns `slides.md` into the deck.
@main
struct Talk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talk",
        abstract: "Computes the talk's figures: GAN math, a 2-D GAN, and TimeGAN against a plain recurrent GAN.")

    @OptionGroup var options: ChapterOptions

    @Option(help: "Run only these steps (comma-separated): gan-math, ring-gan, timegan.",
            transform: OptionValue.list(of: TalkStep.self))
    var only: [TalkStep]?

    @Option(help: "TimeGAN iterations per training phase (overrides the profile).",
            transform: OptionValue.integer(atLeast: 1))
    var iterations: Int?

    func run() throws {
        Threading.setThreadCount(options.threads)
        let config = TalkConfig(profile: options.profile, seed: options.seed, timeGANIterations: iterations)
        let run = try ExperimentRun(
            chapter: "talk", profile: options.profile, config: config, seeds: ["train": [options.seed]],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount), root: options.rootURL,
            codeVersion: try CodeVersion.digest(chapterFolder: "talk"))
        let context = TalkContext(run: run, config: config)
        let selected = only ?? TalkStep.allCases
        for step in TalkStep.allCases where selected.contains(step) {
            try run.step(step.rawValue) { try step.perform(context) }
        }
        try run.finish()
    }
}

enum TalkStep: String, CaseIterable {
    case ganMath = "gan-math"
    case ringGAN = "ring-gan"
    case timeGAN = "timegan"

    func perform(_ context: TalkContext) throws {
        switch self {
        case .ganMath: try GANMathSteps.run(context)
        case .ringGAN: try RingGANSteps.run(context)
        case .timeGAN: try TimeGANSteps.run(context)
        }
    }
}

/// The resolved configuration of a talk run (recorded with its hash in the manifest).
struct TalkConfig: Codable {
    var profile: Profile
    var seed: UInt64
    var ganMath: GANMathSettings
    var ring: RingGANSettings
    var timeGAN: TimeGANSettings

    init(profile: Profile, seed: UInt64, timeGANIterations: Int?) {
        self.profile = profile
        self.seed = seed
        ganMath = GANMathSettings(profile: profile)
        ring = RingGANSettings(profile: profile)
        timeGAN = TimeGANSettings(profile: profile, iterations: timeGANIterations)
    }
}

/// What every step gets: the run (for recording numbers, claims and deviations) and the configuration.
struct TalkContext {
    let run: ExperimentRun
    let config: TalkConfig

    /// A generator for one named part of the run, independent of what the other parts drew.
    func rng(_ stream: UInt64) -> RandomGenerator { RandomGenerator(seed: config.seed).derived(stream) }

    /// Writes a figure into `figures/talk/` (PNG, SVG, PDF and the JSON sidecar).
    func write(_ figure: Figure, id: String, caption: String) throws {
        try figure.write(to: run.figuresDirectory, id: id, caption: caption)
    }
}
