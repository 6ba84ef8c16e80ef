import Datasets
import Evaluation
import Experiment
import Foundation
import TabularBaselines
import TabularDiffusion
import Tensor

/// A data set ready for the experiment: the encoded table, its fixed split and the hashes that identify both.
struct PreparedData {
    var spec: DatasetSpec
    var train: TabularFrame
    var validation: TabularFrame
    var test: TabularFrame
    var inputHash: String
    var splitHash: String

    /// Reads and checks the table, then makes the seeded 70/15/15 split (stratified for classification).
    static func load(_ spec: DatasetSpec, table: Table, inputHash: String, seed: UInt64) throws -> PreparedData {
        try table.checkSupervised()
        let frame = try TabularFrame(table)
        let labels = frame.isClassification ? frame.labels.map { frame.classNames[$0] } : nil
        let split = try DataSplit.make(count: frame.rowCount, labels: labels, seed: seed)
        return PreparedData(spec: spec, train: frame.rows(split.train), validation: frame.rows(split.validation),
                            test: frame.rows(split.test), inputHash: inputHash, splitHash: split.sha256)
    }

    var metric: String { train.isClassification ? "f1" : "r2" }
    var label: String { spec.standsInFor.map { "\(spec.name) (stand-in for \($0))" } ?? spec.name }
}

/// What one (data set, model) cell produced: every evaluator score, the privacy distances, timings, and a
/// subsample of the first synthetic set for the figures.
struct CellResult: Codable {
    var model: ModelKind
    /// `scores[sample][evaluatorSeed]`: macro-F1 or R² on the real test split.
    var scores: [[Double]]
    /// Median DCR of each synthetic sample (empty for the real data).
    var medianDCR: [Double]
    var trainSeconds: Double
    var trainSteps: Int
    var sampledRows: Int
    var sampleSeconds: Double
    /// TabDDPM's loss curve (empty for other models).
    var losses: [TabDDPMLoss]
    /// Up to 5,000 rows of the first synthetic sample (the real training rows for `real`).
    var preview: TabularFrame

    var allScores: [Double] { scores.flatMap { $0 } }
}

/// One variant of TabDDPM for the quirk ablation.
struct AblationVariant: Codable, Equatable {
    var name: String
    var logOneHotInput: Bool
    var sampleFromEMA: Bool

    /// The two quirks' four combinations; the reference's is log one-hot input with raw weights.
    static let all = [
        AblationVariant(name: "log-one-hot", logOneHotInput: true, sampleFromEMA: false),
        AblationVariant(name: "log-one-hot-ema", logOneHotInput: true, sampleFromEMA: true),
        AblationVariant(name: "one-hot", logOneHotInput: false, sampleFromEMA: false),
        AblationVariant(name: "one-hot-ema", logOneHotInput: false, sampleFromEMA: true),
    ]

    var description: String {
        (logOneHotInput ? "log one-hot input" : "plain one-hot input") + ", "
            + (sampleFromEMA ? "EMA weights" : "raw weights") + (logOneHotInput && !sampleFromEMA ? " (the reference)" : "")
    }
}

/// Runs the cells of one data set, each cached under a key of code, settings, data, split and seed.
struct DatasetRunner {
    let data: PreparedData
    let settings: ChapterSettings
    let run: ExperimentRun
    let codeHash: String

    /// The evaluator's hyper-parameters, tuned once on the real data (cached).
    func tunedEvaluator() throws -> BoostingConfig {
        let key = try CacheKey(name: "tune-evaluator-\(data.spec.name)", codeVersion: codeHash,
                               config: ["trials": settings.tuningTrials], inputHashes: [data.inputHash, data.splitHash],
                               seed: settings.seed)
        return try run.cache.cached(key: key) {
            try BoostingConfig.tuned(train: data.train, validation: data.validation, trials: settings.tuningTrials,
                                     seed: settings.seed)
        }
    }

    struct CellKey: Encodable {
        var model: ModelKind
        var samples: Int
        var evaluatorSeeds: Int
        var sampleRows: Int
        var tabddpm: TabDDPMConfig?
        var tvae: TVAEConfig?
        var ctgan: CTGANConfig?
        var evaluator: BoostingConfig
        var variant: AblationVariant?
    }

    /// Trains `model`, draws the synthetic samples and scores them; reuses a finished cell.
    func cell(_ model: ModelKind, evaluator: BoostingConfig, variant: AblationVariant? = nil) throws -> CellResult {
        let rows = settings.sampleRows(for: data.spec, trainRows: data.train.rowCount)
        var config = settings.tabddpmConfig(for: data.spec, trainRows: data.train.rowCount)
        if let variant {
            config.logOneHotInput = variant.logOneHotInput
            config.sampleFromEMA = variant.sampleFromEMA
        }
        let samples = model == .real ? 1 : (variant == nil ? settings.samples : min(settings.samples, 2))
        let keyConfig = CellKey(model: model, samples: samples, evaluatorSeeds: settings.evaluatorSeeds,
                                sampleRows: model == .real ? data.train.rowCount : rows,
                                tabddpm: model == .tabddpm ? config : nil, tvae: model == .tvae ? settings.tvae : nil,
                                ctgan: model == .ctgan ? settings.ctgan : nil, evaluator: evaluator, variant: variant)
        let name = "cell-\(data.spec.name)-\(model.rawValue)" + (variant.map { "-\($0.name)" } ?? "")
        let key = try CacheKey(name: name, codeVersion: codeHash, config: keyConfig,
                               inputHashes: [data.inputHash, data.splitHash], seed: settings.seed)
        return try run.cache.cached(key: key) {
            try compute(model, config: config, samples: samples, rows: rows, evaluator: evaluator, label: name)
        }
    }

    private func compute(_ model: ModelKind, config: TabDDPMConfig, samples: Int, rows: Int,
                         evaluator: BoostingConfig, label: String) throws -> CellResult {
        let seed = settings.seed
        let clock = ContinuousClock()
        let started = clock.now
        var losses: [TabDDPMLoss] = []
        var steps = 0
        let generate: (UInt64) throws -> TabularFrame
        switch model {
        case .tabddpm:
            let progress = Experiment.Progress(total: config.steps, label: "\(label) train")
            let ddpm = try TabDDPM.train(on: data.train, config: config, seed: seed) { step, _, loss in
                progress.update(step: step, loss: loss)
            }
            progress.finish()
            losses = ddpm.losses
            steps = config.steps
            generate = { try ddpm.sample(count: rows, seed: $0) }
        case .tvae:
            let progress = TrainingProgress(label: "\(label) train")
            let tvae = try TVAE.train(on: data.train, config: settings.tvae, seed: seed, progress: progress.update)
            progress.finish()
            steps = progress.total
            generate = { tvae.sample(count: rows, seed: $0) }
        case .ctgan:
            let progress = TrainingProgress(label: "\(label) train")
            let ctgan = try CTGAN.train(on: data.train, config: settings.ctgan, seed: seed, progress: progress.update)
            progress.finish()
            steps = progress.total
            generate = { ctgan.sample(count: rows, seed: $0) }
        case .smote:
            generate = { SMOTE().sample(from: data.train, count: rows, seed: $0) }
        case .real:
            generate = { _ in data.train }
        }
        let trainSeconds = Experiment.seconds(clock.now - started)

        var scores: [[Double]] = []
        var dcr: [Double] = []
        var sampleSeconds = 0.0
        var preview: TabularFrame? = nil
        let evaluations = Experiment.Progress(total: samples * settings.evaluatorSeeds, label: "\(label) evaluate")
        for s in 0..<samples {
            let sampleStart = clock.now
            let synthetic = try generate(Seeds.derive(base: seed, purpose: .sample, index: s))
            sampleSeconds += Experiment.seconds(clock.now - sampleStart)
            if preview == nil { preview = synthetic.rows(Array(0..<min(5_000, synthetic.rowCount))) }
            if model != .real {
                dcr.append(DistanceToClosestRecord.median(synthetic: synthetic, real: data.train, seed: seed))
            }
            var row: [Double] = []
            for e in 0..<settings.evaluatorSeeds {
                let score = try BoostingEvaluator(config: evaluator).score(
                    train: synthetic, validation: data.validation, test: data.test,
                    seed: Seeds.derive(base: seed, purpose: .evaluator, index: e))
                row.append(score.value)
                evaluations.update(step: s * settings.evaluatorSeeds + e + 1)
            }
            scores.append(row)
        }
        evaluations.finish()
        return CellResult(model: model, scores: scores, medianDCR: dcr, trainSeconds: trainSeconds, trainSteps: steps,
                          sampledRows: model == .real ? 0 : rows * samples, sampleSeconds: sampleSeconds, losses: losses,
                          preview: preview ?? data.train)
    }
}

/// A progress bar for trainers that report (step, total steps, loss) and know the total only once they start.
final class TrainingProgress {
    let label: String
    private(set) var total = 0
    private var bar: Experiment.Progress?

    init(label: String) { self.label = label }

    func update(step: Int, total: Int, loss: Double) {
        if bar == nil { bar = Experiment.Progress(total: total, label: label) }
        self.total = total
        bar?.update(step: step, loss: loss)
    }

    func finish() { bar?.finish() }
}
