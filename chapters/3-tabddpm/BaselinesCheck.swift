import Artifacts
import Datasets
import Evaluation
import Experiment
import Foundation
import TabularBaselines

/// `make verify-baselines`: the kit's TVAE and CTGAN against the authors' (PyPI ctgan, run by
/// scripts/verify_baselines.py on the exported splits). Every synthetic set, theirs and ours, is scored by the same
/// evaluator on the same real test split, so the table compares generators only.
struct BaselinesCheck {
    let settings: ChapterSettings
    let cache: ContentCache
    let codeHash: String
    /// scripts/verify_baselines.py's output: `<data set>/<model>-<seed>.csv` and `versions.json`.
    let directory: URL

    struct Versions: Decodable {
        var ctgan: String
        var epochs: Int
        var seeds: Int
    }

    /// The Markdown report for the data sets that have synthetic files under `directory`.
    func report(_ prepared: [PreparedData]) throws -> String {
        let versions = try readVersions()
        let covered = prepared.filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0.spec.name).path) }
        guard !covered.isEmpty else {
            throw DataError.unreadable(file: directory.path, reason: "no folder for any of \(prepared.map(\.spec.name).joined(separator: ", "))")
        }
        var lines = [
            "# The kit's TVAE and CTGAN against the authors' (ctgan \(versions.ctgan))", "",
            "Each synthetic set has as many rows as the real training split and is scored by the kit's evaluator (tuned on the real "
                + "data) with \(settings.evaluatorSeeds) seeds on the real test split: macro-F1 or R², mean ± sample std over sets × seeds. "
                + "*Authors*: ctgan's TVAE and CTGAN at the package's defaults (\(versions.epochs) epochs of batch 500), \(versions.seeds) "
                + "training seeds. *Kit at sdv's settings*: the kit's models with the same hyper-parameters and sdv's step count "
                + "(TVAE 300·⌈rows/500⌉ steps, CTGAN 300·max(rows/500, 1)), \(versions.seeds) training seeds. *Kit, chapter "
                + "(\(settings.profile.rawValue))*: the cell `make chapter3` scores (its step budget and tuning; \(settings.samples) "
                + "synthetic sets of one model). *Within spread*: |kit − authors| ≤ 2 × the authors' std.", "",
            "| Data set | model | authors | kit at sdv's settings | within spread | kit, chapter (\(settings.profile.rawValue)) | within spread |",
            "|---|---|---:|---:|---|---:|---|",
        ]
        for data in covered {
            let runner = DatasetRunner(data: data, settings: settings, cache: cache, codeHash: codeHash)
            let evaluator = try runner.tunedEvaluator()
            for model in [ModelKind.tvae, .ctgan] {
                let theirs = try (0..<versions.seeds).map { seed in
                    try Self.frame(csv: directory.appendingPathComponent("\(data.spec.name)/\(model.rawValue)-\(seed).csv"), like: data.train)
                }
                let theirScores = try score(theirs, data: data, evaluator: evaluator)
                let sdv = try sdvSettingsScores(model, seeds: versions.seeds, data: data, runner: runner, evaluator: evaluator)
                let chapter = try runner.cell(model, evaluator: evaluator).allScores
                lines.append("| \(data.label) | \(model.paperName) | \(Self.summary(theirScores)) | \(Self.summary(sdv)) | "
                    + "\(Self.within(sdv, theirScores)) | \(Self.summary(chapter)) | \(Self.within(chapter, theirScores)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func readVersions() throws -> Versions {
        let file = directory.appendingPathComponent("versions.json")
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw DataError.unreadable(file: file.path, reason: FileProblem.unreadable(file, error: error))
        }
        do { return try JSONDecoder().decode(Versions.self, from: data) } catch let error as DecodingError {
            throw DataError.unreadable(file: file.path, reason: FileProblem.explain(error, in: data)
                + " (expected {\"ctgan\", \"epochs\", \"seeds\"}, as scripts/verify_baselines.py writes)")
        }
    }

    /// The kit's model trained with sdv's defaults and sdv's number of steps, one model per training seed.
    func sdvSettingsScores(_ model: ModelKind, seeds: Int, data: PreparedData, runner: DatasetRunner,
                           evaluator: BoostingConfig) throws -> [Double] {
        let rows = data.train.rowCount
        let config: GeneratorConfig = model == .tvae
            ? .tvae(TVAEConfig(steps: 300 * ((rows + 499) / 500))) : .ctgan(CTGANConfig(steps: 300 * max(rows / 500, 1)))
        let frames = try (0..<seeds).map { i in
            try runner.train(config, seed: settings.seed &+ UInt64(i), rows: rows, label: "sdv-\(data.spec.name)-\(model.rawValue) seed \(i)")
                .generate(Seeds.derive(base: settings.seed, purpose: .sample, index: i))
        }
        return try score(frames, data: data, evaluator: evaluator)
    }

    func score(_ frames: [TabularFrame], data: PreparedData, evaluator: BoostingConfig) throws -> [Double] {
        try frames.flatMap { frame in
            try (0..<settings.evaluatorSeeds).map { e in
                try BoostingEvaluator(config: evaluator).score(train: frame, validation: data.validation, test: data.test,
                                                               seed: Seeds.derive(base: settings.seed, purpose: .evaluator, index: e)).value
            }
        }
    }

    /// A synthetic CSV read with the training split's schema, its categories coded by the training split's levels.
    static func frame(csv url: URL, like train: TabularFrame) throws -> TabularFrame {
        try FileProblem.checkReadable(url)
        let schema = Schema(
            columns: train.numericNames.map { .init(name: $0, kind: .numeric) }
                + train.categoricalNames.map { .init(name: $0, kind: .categorical) }
                + [.init(name: train.targetName, kind: train.isClassification ? .categorical : .numeric)],
            target: train.targetName, task: train.task)
        let read = try TabularFrame(Table(csv: CSVReader.read(url), schema: schema, schemaFile: "the training split's schema"))
        func recode(_ codes: [Int], from levels: [String], to known: [String], column: String) throws -> [Int] {
            let index = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, $0) })
            let map = try levels.map { level -> Int in
                guard let code = index[level] else {
                    throw DataError.schema(file: url.path, reason: "column \(column): value \"\(level)\" is not in the training split")
                }
                return code
            }
            return codes.map { map[$0] }
        }
        let categorical = try train.categoricalNames.indices.map { f in
            try recode(read.categorical[f], from: read.levels[f], to: train.levels[f], column: train.categoricalNames[f])
        }
        let y = train.isClassification
            ? try recode(read.labels, from: read.classNames, to: train.classNames, column: train.targetName).map(Double.init)
            : read.y
        return train.replacingRows(numeric: read.numeric, categorical: categorical, y: y)
    }

    static func summary(_ scores: [Double]) -> String {
        "\(formatFixed(Statistics.mean(scores), decimals: 3)) ± \(formatFixed(Statistics.sampleStandardDeviation(scores), decimals: 3)) (n = \(scores.count))"
    }

    static func within(_ ours: [Double], _ theirs: [Double]) -> String {
        abs(Statistics.mean(ours) - Statistics.mean(theirs)) <= 2 * Statistics.sampleStandardDeviation(theirs) ? "yes" : "no"
    }
}
