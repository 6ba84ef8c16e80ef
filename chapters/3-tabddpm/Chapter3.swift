import ArgumentParser
import Artifacts
import Datasets
import Evaluation
import Experiment
import Foundation
import TabularDiffusion
import Tensor

/// `make chapter3`: TabDDPM against TVAE, CTGAN, CTAB-GAN, CTAB-GAN+ and SMOTE on real tables, judged as the paper judges them —
/// machine-learning efficiency (train on synthetic, test on real) and privacy (distance to the closest record).
///
/// Steps, in order: `data` (load, check, split every set), `cells` (train, sample and score each model on each
/// set; every cell cached), `ablation` (TabDDPM's reference quirks switched one at a time), `tables` (Tables 4
/// and 5 analogues, fidelity, timings, audit numbers and claim verdicts), `figures` (Figures 7 and 8 analogues).
@main
struct Chapter3: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter3",
        abstract: "TabDDPM, its baselines and the paper's evaluation (ML efficiency and DCR) on real tables.")

    @OptionGroup var options: ChapterOptions

    @Option(help: "Data sets to run (comma-separated; default: the profile's).",
            transform: OptionValue.list(allowed: DatasetSpec.catalog.map(\.name)))
    var datasets: [String]?

    @Option(help: "Models to run (comma-separated): tabddpm, tvae, ctgan, ctabgan, ctabgan-plus, smote, real.",
            transform: OptionValue.list(of: ModelKind.self))
    var models: [ModelKind]?

    @Option(help: "Your own table: a CSV file with a header row (runs instead of the catalog's data sets).")
    var csv: String?

    @Option(help: "Schema for --csv (JSON: columns with kind numeric/categorical, target, task); inferred when absent.")
    var schema: String?

    @Option(help: "Target column for --csv when the schema is inferred (default: the last column).")
    var target: String?

    @Option(help: "Write each data set's real train/validation/test split as CSV + schema.json under this folder, then stop.")
    var exportSplits: String?

    @Option(help: "Compare the kit's evaluator on the real data with CatBoost scores from scripts/verify_evaluator.py (JSON), then stop.")
    var compareCatboost: String?

    @Option(help: "Score the authors' TVAE and CTGAN samples written by scripts/verify_baselines.py (this folder) beside the kit's, write reports/baselines-check.md, then stop.")
    var compareBaselines: String?

    @Option(help: "Time TabDDPM instead of running the experiment: this many training steps and 1,000 sampled rows per data set, with the profile's and the paper's configs.",
            transform: OptionValue.integer(atLeast: 1))
    var benchmarkSteps: Int?

    func validate() throws {
        if csv == nil, schema != nil { throw ValidationError("--schema needs --csv") }
        if csv == nil, target != nil { throw ValidationError("--target needs --csv") }
        if csv != nil, datasets != nil { throw ValidationError("--csv and --datasets cannot be combined") }
    }

    func run() throws {
        let (profile, seed) = (options.profile, options.seed)
        Threading.setThreadCount(options.threads)
        let rootURL = options.rootURL
        var settings = try ChapterSettings(profile: profile, seed: seed, datasets: datasets, models: models)
        let codeHash = try CodeVersion.digest(chapterFolder: "3-tabddpm")
        // Load (and for --csv, check) the data before anything is written.
        let own = try csv.map { try OwnTable.load(csv: $0, schema: schema, target: target) }
        if let own { settings.datasets = [own.spec]; settings.ablations = false }
        let catboost = try compareCatboost.map {
            try EvaluatorCheck.loadScores(URL(fileURLWithPath: $0), datasets: settings.datasets.map(\.name))
        }
        let chapter = own == nil ? "3-tabddpm" : "3-tabddpm-own"
        let run = try ExperimentRun(
            chapter: chapter, profile: profile, config: settings,
            seeds: ["train": [seed], "sample": Seeds.derive(base: seed, purpose: .sample, count: settings.samples),
                    "evaluator": Seeds.derive(base: seed, purpose: .evaluator, count: settings.evaluatorSeeds)],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount), root: rootURL,
            codeVersion: codeHash)
        for deviation in settings.deviations { run.recordDeviation(deviation) }

        let prepared: [PreparedData] = try run.step("data") {
            if let own {
                let hash = try run.recordInput(own.url)
                return [try PreparedData.load(own.spec, table: own.table, inputHash: hash, seed: seed)]
            }
            return try settings.datasets.map { spec in
                let input = try run.catalogTable(named: spec.name)
                return try PreparedData.load(spec, table: input.table, inputHash: input.inputHash, seed: seed)
            }
        }
        if let benchmarkSteps {
            try TabDDPMBenchmark.run(prepared, settings: settings, steps: benchmarkSteps)
            return
        }
        if let exportSplits {
            try EvaluatorCheck.exportSplits(prepared, to: URL(fileURLWithPath: exportSplits))
            printToStandardError("chapter3: wrote the splits of \(prepared.map(\.spec.name).joined(separator: ", ")) to \(exportSplits)\n")
            return
        }
        if let catboost {
            let ours = try prepared.map { data in
                let runner = DatasetRunner(data: data, settings: settings, run: run, codeHash: codeHash)
                let seeds = Seeds.derive(base: seed, purpose: .evaluator, count: catboost[data.spec.name]!.n)
                return EvaluatorCheck.KitScores(data: data, defaults: try EvaluatorCheck.defaultScores(data, seeds: seeds),
                                                tuned: try runner.cell(.real, evaluator: runner.tunedEvaluator()).allScores)
            }
            let table = EvaluatorCheck.compare(ours: ours, catboost: catboost)
            let out = rootURL.appendingPathComponent("reports/evaluator-check.md")
            try AtomicFile.write(table, to: out)
            print(table, terminator: "")
            printToStandardError("chapter3: wrote \(out.path)\n")
            return
        }
        if let compareBaselines {
            let check = BaselinesCheck(settings: settings, run: run, codeHash: codeHash,
                                       directory: URL(fileURLWithPath: compareBaselines))
            let report = try check.report(prepared)
            let out = rootURL.appendingPathComponent("reports/baselines-check.md")
            try AtomicFile.write(report, to: out)
            print(report, terminator: "")
            printToStandardError("chapter3: wrote \(out.path)\n")
            return
        }
        var results: [DatasetResults] = []
        try run.step("cells") {
            for data in prepared {
                let runner = DatasetRunner(data: data, settings: settings, run: run, codeHash: codeHash)
                let evaluator = try runner.tunedEvaluator()
                var cells: [ModelKind: CellResult] = [:]
                for model in settings.models { cells[model] = try runner.cell(model, evaluator: evaluator) }
                results.append(DatasetResults(data: data, evaluator: evaluator, cells: cells))
            }
        }
        var ablation: AblationResults? = nil
        if settings.ablations, settings.models.contains(.tabddpm),
           let index = results.indices.filter({ !results[$0].data.train.categoricalNames.isEmpty })
            .min(by: { ablationCost(results[$0].data) < ablationCost(results[$1].data) }) {
            ablation = try run.step("ablation") {
                let entry = results[index]
                let runner = DatasetRunner(data: entry.data, settings: settings, run: run, codeHash: codeHash)
                let main = settings.tabddpmConfig(for: entry.data.spec, trainRows: entry.data.train.rowCount)
                let variants = AblationVariant.all.filter {
                    $0.logOneHotInput != main.logOneHotInput || $0.sampleFromEMA != main.sampleFromEMA
                }
                let cells = try variants.map { try runner.cell(.tabddpm, evaluator: entry.evaluator, variant: $0) }
                return AblationResults(dataset: entry.data, reference: entry.cells[.tabddpm]!, variants: zip(variants, cells).map { ($0, $1) })
            }
        }
        try run.step("tables") {
            try ChapterTables(settings: settings, results: results, ablation: ablation, run: run).write()
        }
        let figures = try run.step("figures") {
            try ChapterFigures(results: results, run: run).write()
        }
        try run.finish()
        if let own {
            let page = try OwnTablePage(own: own, settings: settings, figures: figures).write(root: rootURL, chapter: chapter)
            printToStandardError("chapter3: open \(page.path)\n")
        }
    }
}

/// A training step's cost grows with the batch (at most the training rows) times the network's input width.
func ablationCost(_ data: PreparedData) -> Int {
    min(data.train.rowCount, 1_024) * (data.train.numericNames.count + data.train.cardinalities.reduce(0, +))
}

/// Everything one data set produced.
struct DatasetResults {
    var data: PreparedData
    var evaluator: BoostingConfig
    var cells: [ModelKind: CellResult]

    /// Up to 5,000 real training rows, the reference the generators' previews are compared with.
    var realPreview: TabularFrame {
        cells[.real]?.preview ?? data.train.rows(Array(0..<min(5_000, data.train.rowCount)))
    }
}

struct AblationResults {
    var dataset: PreparedData
    var reference: CellResult
    var variants: [(AblationVariant, CellResult)]
}

/// A practitioner's CSV, checked and described like a catalog data set.
struct OwnTable {
    var url: URL
    var table: Table
    var spec: DatasetSpec
    /// The --schema file, or nil when the schema was inferred.
    var schemaFile: String?

    static func load(csv path: String, schema schemaPath: String?, target: String?) throws -> OwnTable {
        let url = URL(fileURLWithPath: path)
        try FileProblem.checkReadable(url)
        let csv = try CSVReader.read(url)
        let schema: Schema
        let schemaFile: String
        if let schemaPath {
            schema = try Schema.load(URL(fileURLWithPath: schemaPath))
            schemaFile = schemaPath
        } else {
            schema = try Schema.infer(from: csv, target: target)
            schemaFile = "the schema inferred from \(path)"
            printToStandardError("chapter3: inferred schema for \(path): target \(schema.target!) (\(schema.task!.rawValue)); "
                + schema.columns.map { "\($0.name)=\($0.kind.rawValue)" }.joined(separator: ", ")
                + ". Pass --schema FILE to override.\n")
        }
        let table = try Table(csv: csv, schema: schema, schemaFile: schemaFile)
        let name = url.deletingPathExtension().lastPathComponent
        return OwnTable(url: url, table: table, spec: DatasetSpec(
            name: name, paperCode: nil, standsInFor: nil,
            paper: TabDDPMConfig(timesteps: 1000, widths: [256, 1024, 1024, 1024, 1024, 256], learningRate: 1e-3),
            paperSampleMultiple: 1), schemaFile: schemaPath)
    }
}
