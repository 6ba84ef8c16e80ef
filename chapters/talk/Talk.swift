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

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change one parameter, NAME=VALUE (repeatable): only the figures it feeds are drawn again, on top of the "
            + "published run of the same profile and seed; --list-parameters lists the names.", valueName: "name=value"))
    var assignments: [String] = []

    @Flag(help: "List the parameters --set takes, with their values at --profile and the figures each feeds, then stop.")
    var listParameters = false

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
        if csv != nil, !assignments.isEmpty { throw ValidationError("--csv and --set cannot be combined") }
    }

    func run() throws {
        Threading.setThreadCount(options.threads)
        var config = TalkConfig(profile: options.profile, seed: options.seed, timeGANIterations: iterations)
        if let csv {
            config.timeGAN.sequenceLength = sequenceLength ?? config.timeGAN.sequenceLength
            try runOwn(csv, config: config)
            return
        }
        if listParameters {
            print(TalkParameter.listing(config: config))
            return
        }
        var selected = only ?? TalkStep.allCases
        var drawn: Set<String>? = nil
        var published: PublishedTalk? = nil
        if !assignments.isEmpty {
            let changes = try assignments.map(Self.assignment)
            // Values are checked before the published run is looked for, so a typo is named first.
            var check = config
            for (parameter, text) in changes { try parameter.apply(&check, text) }
            let base = try PublishedTalk.load(root: options.rootURL, profile: options.profile, seed: options.seed)
            published = base
            config = base.config
            if let iterations { config.timeGAN.model.iterations = iterations }
            for (parameter, text) in changes { try parameter.apply(&config, text) }
            let asked = only ?? []
            drawn = Set(changes.flatMap { $0.0.figures } + asked.flatMap(\.figures))
            selected = TalkStep.allCases.filter { step in asked.contains(step) || changes.contains { $0.0.step == step } }
        }
        let run = try ExperimentRun(
            chapter: "talk", profile: options.profile, config: config, seeds: ["train": [options.seed]],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount, gemm: Threading.gemmName), root: options.rootURL,
            codeVersion: try CodeVersion.digest(chapterFolder: "talk"))
        let context = TalkContext(run: run, config: config, drawn: drawn)
        for step in TalkStep.allCases where selected.contains(step) {
            try run.step(step.rawValue) { try step.perform(context) }
        }
        if let published, let drawn {
            try published.carry(into: run, drawn: drawn, timeGANRan: selected.contains(.timeGAN))
        }
        try run.finish()
    }

    /// `name=value` of `--set`, the name checked.
    static func assignment(_ text: String) throws -> (TalkParameter, String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw ValidationError("--set \(text): expected NAME=VALUE, e.g. --set ring.modes=5")
        }
        return (try TalkParameter.named(String(text[..<equals]).trimmingCharacters(in: .whitespaces)),
                String(text[text.index(after: equals)...]))
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
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount, gemm: Threading.gemmName), root: options.rootURL,
            codeVersion: try CodeVersion.digest(chapterFolder: "talk"))
        try run.step("timegan") { try own.run(TalkContext(run: run, config: config, writesSlides: false)) }
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

    /// The figures the step draws.
    var figures: [String] {
        switch self {
        case .ganMath: ["optimal-discriminator", "one-line-proof", "jsd-criterion", "jsd-disjoint",
                        "generator-gradients", "wgan-critic", "kl-vs-reverse-kl", "xy-game", "adam-vs-sgd"]
        case .ringGAN: TalkParameter.ringFigures + ["mode-collapse"]
        case .timeGAN: TalkParameter.timeGANFigures
        }
    }

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
    /// The figures to draw (a `--set` run draws only those its parameters feed); nil draws every one.
    var drawn: Set<String>? = nil
    /// Whether figures also get a slide copy (the deck's; a `--csv` page has no slides).
    var writesSlides = true

    func draws(_ id: String) -> Bool { drawn?.contains(id) ?? true }

    /// A generator for one named part of the run, independent of what the other parts drew.
    func rng(_ stream: UInt64) -> RandomGenerator { RandomGenerator(seed: config.seed).derived(stream) }

    /// Writes a figure into `figures/talk/` (PNG, SVG, PDF and the JSON sidecar) and its slide copy into
    /// `figures/talk/slides/`: `slide` when the figure needs its own layout on a slide, else `figure` fitted.
    /// The caption ends with the parameters that feed the figure and their values; the slide copy shows them in
    /// its footer, since the deck's caption is the slide's own.
    func write(_ figure: Figure, id: String, caption: String, slide: Figure? = nil) throws {
        let caption = [caption, TalkParameter.caption(for: id, config: config)].compactMap { $0 }.joined(separator: " ")
        try figure.write(to: run.figuresDirectory, id: id, caption: caption)
        guard writesSlides else { return }
        let slides = run.figuresDirectory.appendingPathComponent(SlideFigure.folder)
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        var copy = SlideFigure.fitted(slide ?? figure, movesLegends: slide == nil)
        copy.footer = TalkParameter.assignments(for: id, config: config)
        try copy.write(to: slides, id: id, caption: caption)
    }
}
