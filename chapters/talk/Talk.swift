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

    @Option(help: "Profile: smoke (CI, under a minute), default (under 20 minutes), paper (the reference's settings).")
    var profile = "default"

    @Option(help: "Seed for every random draw of the run.")
    var seed: UInt64 = 0

    @Option(help: "Threads for OpenBLAS and the core's kernels (results do not depend on it).")
    var threads = 1

    @Option(help: "Repository root (figures/, reports/ and .cache/ live under it).")
    var root = "."

    @Option(help: "Run only these steps (comma-separated): gan-math, ring-gan, timegan.")
    var only: String?

    @Option(help: "TimeGAN iterations per training phase (overrides the profile).")
    var iterations: Int?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        for step in selectedSteps where !TalkStep.allCases.map(\.rawValue).contains(step) {
            throw ValidationError("--only: unknown step '\(step)' (known: \(TalkStep.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    var selectedSteps: [String] {
        only.map { $0.split(separator: ",").map(String.init) } ?? TalkStep.allCases.map(\.rawValue)
    }

    func run() throws {
        let profile = try Profile(parsing: profile)
        Threading.setThreadCount(threads)
        let config = TalkConfig(profile: profile, seed: seed, timeGANIterations: iterations)
        let run = try ExperimentRun(
            chapter: "talk", profile: profile, config: config, seeds: ["train": [seed]],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount),
            root: URL(fileURLWithPath: root))
        let context = TalkContext(run: run, config: config)
        for step in TalkStep.allCases where selectedSteps.contains(step.rawValue) {
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
