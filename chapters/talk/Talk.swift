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

    @Option(help: "Your own series: a CSV file with a header row and one row per time step. Runs TimeGAN and the recurrent GAN on it instead of the talk's steps and writes reports/own/<name>-timegan.html.")
    var csv: String?

    @Option(help: "Feature columns of --csv (comma-separated; default: every column whose first value is a number).",
            transform: ColumnList.parse)
    var columns: [String]?

    @Option(help: "Date column of --csv: checked to rise from row to row (numbers, or ISO 8601 dates), not a feature.")
    var dateColumn: String?

    @Option(help: "Steps per window for --csv (default: 24, as the reference).", transform: OptionValue.integer(atLeast: 2))
    var sequenceLength: Int?

    func validate() throws {
        if csv == nil, columns != nil || dateColumn != nil || sequenceLength != nil {
            throw ValidationError("--columns, --date-column and --sequence-length need --csv")
        }
        if csv != nil, only != nil { throw ValidationError("--csv and --only cannot be combined") }
    }

    func run() throws {
        Threading.setThreadCount(options.threads)
        var config = TalkConfig(profile: options.profile, seed: options.seed, timeGANIterations: iterations)
        if let csv {
            config.timeGAN.sequenceLength = sequenceLength ?? config.timeGAN.sequenceLength
            try runOwn(csv, config: config)
            return
        }
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

    /// `--csv`: the file is read and checked before the run (and its output folders) exist.
    func runOwn(_ path: String, config: TalkConfig) throws {
        let own = try OwnSeries(path: path, columns: columns, dateColumn: dateColumn,
                                sequenceLength: config.timeGAN.sequenceLength)
        let chapter = "talk-own"
        let recorded = OwnSeries.Config(profile: config.profile, seed: config.seed, file: path, columns: own.series.columns,
                                        dateColumn: dateColumn, timeGAN: config.timeGAN)
        let run = try ExperimentRun(
            chapter: chapter, profile: options.profile, config: recorded, seeds: ["train": [options.seed]],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount), root: options.rootURL,
            codeVersion: try CodeVersion.digest(chapterFolder: "talk"))
        try run.step("timegan") { try own.run(TalkContext(run: run, config: config)) }
        try run.finish()
        let page = try own.page(settings: config.timeGAN, profile: config.profile, seed: config.seed,
                                root: options.rootURL, chapter: chapter)
        printToStandardError("talk: open \(page.path)\n")
    }
}

/// `--columns a,b,c`: distinct, non-empty names (checked against the file when it is read).
enum ColumnList {
    @Sendable static func parse(_ text: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains("") else { throw OptionValueError("an empty column name (two commas in a row, or one at an end)") }
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw OptionValueError("'\(twice)' is listed twice")
        }
        return names
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

    /// Writes a figure into `figures/talk/` (PNG, SVG, PDF and the JSON sidecar) and its slide copy into
    /// `figures/talk/slides/`: `slide` when the figure needs its own layout on a slide, else `figure` fitted.
    func write(_ figure: Figure, id: String, caption: String, slide: Figure? = nil) throws {
        try figure.write(to: run.figuresDirectory, id: id, caption: caption)
        let slides = run.figuresDirectory.appendingPathComponent(SlideFigure.folder)
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        try SlideFigure.fitted(slide ?? figure).write(to: slides, id: id, caption: caption)
    }
}
