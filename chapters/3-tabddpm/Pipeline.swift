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
    /// The 0th, 0.5th, …, 100th percentiles of the first synthetic sample's DCRs; for the real data, of the real
    /// test rows' distances to the training rows, the level of records the generator never saw.
    var dcrQuantiles: [Double]
    /// Training time and optimizer steps of the configuration scored (tuning trials not included).
    var trainSeconds: Double
    var trainSteps: Int
    var sampledRows: Int
    var sampleSeconds: Double
    /// TabDDPM's two loss terms (empty for other models).
    var losses: [TabDDPMLoss]
    /// The scored generator's training loss (empty for SMOTE and the real data, which do not train).
    var curve: TrainingCurve
    /// The tuning trials on the validation split, in order (empty when the profile does not tune).
    var trials: [TuningTrial]
    /// The scored configuration's tuned settings (empty for the real data).
    var chosen: String
    /// Why the generator counts as not trained (one class in its rows, a loss that never moved), or nil.
    var untrained: String?
    /// Up to 5,000 rows of the first synthetic sample (the real training rows for `real`).
    var preview: TabularFrame

    var allScores: [Double] { scores.flatMap { $0 } }
}

/// One tuning trial: a configuration and the score of its synthetic set on the real validation split.
struct TuningTrial: Codable, Equatable {
    var settings: String
    var validationScore: Double
    var trainSeconds: Double
}

/// A generator trained in one configuration: draws a synthetic set by seed.
struct TrainedGenerator {
    var generate: (UInt64) throws -> TabularFrame
    var curve: TrainingCurve
    var losses: [TabDDPMLoss]
    var steps: Int
    var seconds: Double
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
    let cache: ContentCache
    let codeHash: String

    /// The evaluator's hyper-parameters, tuned once on the real data (cached).
    func tunedEvaluator() throws -> BoostingConfig {
        try cache.cached(key: evaluatorKey()) {
            try BoostingConfig.tuned(train: data.train, validation: data.validation, trials: settings.tuningTrials,
                                     seed: settings.seed)
        }
    }

    /// The tuned evaluator if it is cached, without tuning it.
    func cachedEvaluator() throws -> BoostingConfig? {
        cache.load(try evaluatorKey())
    }

    private func evaluatorKey() throws -> CacheKey {
        try CacheKey(name: "tune-evaluator-\(data.spec.name)", codeVersion: codeHash, config: ["trials": settings.tuningTrials],
                     inputHashes: [data.inputHash, data.splitHash], seed: settings.seed)
    }

    struct CellKey: Encodable {
        var model: ModelKind
        var samples: Int
        var evaluatorSeeds: Int
        var sampleRows: Int
        var generator: GeneratorConfig?
        var trials: Int
        var evaluator: BoostingConfig
        var variant: AblationVariant?
    }

    /// The profile's configuration of `model` (nil for the real data).
    func baseConfig(_ model: ModelKind, tabddpm: TabDDPMConfig) -> GeneratorConfig? {
        switch model {
        case .tabddpm: .tabddpm(tabddpm)
        case .tvae: .tvae(settings.tvae)
        case .ctgan: .ctgan(settings.ctgan)
        case .ctabgan: .ctabgan(settings.ctabgan)
        case .ctabganPlus: .ctabgan(settings.ctabganPlus)
        case .smote: .smote(settings.smote)
        case .real: nil
        }
    }

    /// What one cell computes, and the cache key that names its result.
    struct CellWork {
        var key: CacheKey
        var label: String
        var generator: GeneratorConfig?
        var trials: Int
        var samples: Int
        var rows: Int
    }

    func work(_ model: ModelKind, evaluator: BoostingConfig, variant: AblationVariant?) throws -> CellWork {
        let rows = settings.sampleRows(for: data.spec, trainRows: data.train.rowCount)
        var config = settings.tabddpmConfig(for: data.spec, trainRows: data.train.rowCount)
        if let variant {
            config.logOneHotInput = variant.logOneHotInput
            config.sampleFromEMA = variant.sampleFromEMA
        }
        let samples = model == .real ? 1 : (variant == nil ? settings.samples : min(settings.samples, 2))
        // The ablation re-runs one fixed TabDDPM configuration per quirk: it is not tuned.
        let trials = variant == nil ? settings.trials(for: model) : 1
        let generator = baseConfig(model, tabddpm: config)
        let keyConfig = CellKey(model: model, samples: samples, evaluatorSeeds: settings.evaluatorSeeds,
                                sampleRows: model == .real ? data.train.rowCount : rows, generator: generator,
                                trials: trials, evaluator: evaluator, variant: variant)
        let name = "cell-\(data.spec.name)-\(model.rawValue)" + (variant.map { "-\($0.name)" } ?? "")
        let key = try CacheKey(name: name, codeVersion: codeHash, config: keyConfig,
                               inputHashes: [data.inputHash, data.splitHash], seed: settings.seed)
        return CellWork(key: key, label: name, generator: generator, trials: trials, samples: samples, rows: rows)
    }

    /// Trains `model`, draws the synthetic samples and scores them; reuses a finished cell.
    func cell(_ model: ModelKind, evaluator: BoostingConfig, variant: AblationVariant? = nil) throws -> CellResult {
        let work = try work(model, evaluator: evaluator, variant: variant)
        return try cache.cached(key: work.key) {
            try compute(model, generator: work.generator, trials: work.trials, samples: work.samples, rows: work.rows,
                        evaluator: evaluator, label: work.label)
        }
    }

    /// The finished cell if it is cached, without computing it.
    func cachedCell(_ model: ModelKind, evaluator: BoostingConfig, variant: AblationVariant? = nil) throws -> CellResult? {
        cache.load(try work(model, evaluator: evaluator, variant: variant).key)
    }

    /// Trains one configuration with training seed `seed`; SMOTE and the real data return at once. `onStep` sees each
    /// finished step (the plan's cost estimate times them).
    func train(_ generator: GeneratorConfig?, seed: UInt64, rows: Int, label: String,
               onStep: ((Int) -> Void)? = nil) throws -> TrainedGenerator {
        let clock = ContinuousClock()
        let started = clock.now
        let recorder = CurveRecorder()
        let progress = TrainingProgress(label: "\(label) train")
        func record(step: Int, total: Int, loss: Double) {
            recorder.record(step: step, total: total, loss: loss)
            progress.update(step: step, total: total, loss: loss)
            onStep?(step)
        }
        var losses: [TabDDPMLoss] = []
        let generate: (UInt64) throws -> TabularFrame
        switch generator {
        case .tabddpm(let config):
            let ddpm = try TabDDPM.train(on: data.train, config: config, seed: seed, progress: record)
            losses = ddpm.losses
            generate = { try ddpm.sample(count: rows, seed: $0) }
        case .tvae(let config):
            let tvae = try TVAE.train(on: data.train, config: config, seed: seed, progress: record)
            generate = { tvae.sample(count: rows, seed: $0) }
        case .ctgan(let config):
            let ctgan = try CTGAN.train(on: data.train, config: config, seed: seed, progress: record)
            generate = { ctgan.sample(count: rows, seed: $0) }
        case .ctabgan(let config):
            let columns = data.spec.ctabganColumns ?? .inferred(from: data.train)
            let model = try CTABGAN.train(on: data.train, config: config, columns: columns, seed: seed, progress: record)
            generate = { try model.sample(count: rows, seed: $0) }
        case .smote(let config):
            generate = { config.smote.sample(from: data.train, count: rows, seed: $0) }
        case nil:
            generate = { _ in data.train }
        }
        progress.finish()
        return TrainedGenerator(generate: generate, curve: recorder.curve, losses: losses, steps: progress.total,
                                seconds: Experiment.seconds(clock.now - started))
    }

    /// The configurations `model`'s cell tries on the validation split; empty when the profile does not tune it.
    func candidates(_ model: ModelKind) -> [GeneratorConfig] {
        let trials = settings.trials(for: model)
        let config = settings.tabddpmConfig(for: data.spec, trainRows: data.train.rowCount)
        guard trials > 1, let generator = baseConfig(model, tabddpm: config) else { return [] }
        return generator.candidates(trials: trials, seed: settings.seed)
    }

    private struct TrialKey: Encodable {
        var candidate: GeneratorConfig
        var index: Int
        var rows: Int
        var evaluator: BoostingConfig
    }

    private func trialKey(_ model: ModelKind, index: Int, candidate: GeneratorConfig, evaluator: BoostingConfig) throws -> CacheKey {
        let rows = settings.sampleRows(for: data.spec, trainRows: data.train.rowCount)
        return try CacheKey(name: "trial-\(data.spec.name)-\(model.rawValue)", codeVersion: codeHash,
                            config: TrialKey(candidate: candidate, index: index, rows: rows, evaluator: evaluator),
                            inputHashes: [data.inputHash, data.splitHash], seed: settings.seed)
    }

    /// Tuning trial `index` of `model` (cached, so trials can run as jobs of their own): that candidate trained with
    /// its own seed, one synthetic set drawn and scored on the real validation split, each seed fixed per trial;
    /// the test split is never read here. The trained generator comes back too when this call trained it.
    func trial(_ model: ModelKind, index: Int, evaluator: BoostingConfig) throws -> (trial: TuningTrial, trained: TrainedGenerator?) {
        let candidates = candidates(model)
        let candidate = candidates[index]
        let rows = settings.sampleRows(for: data.spec, trainRows: data.train.rowCount)
        let seed = settings.seed
        var trained: TrainedGenerator? = nil
        let trial = try cache.cached(key: trialKey(model, index: index, candidate: candidate, evaluator: evaluator)) {
            let generator = try train(candidate, seed: Seeds.derive(base: seed, purpose: .train, index: index), rows: rows,
                                      label: "cell-\(data.spec.name)-\(model.rawValue) trial \(index + 1)/\(candidates.count)")
            trained = generator
            let synthetic = try generator.generate(Seeds.derive(base: seed, purpose: .sample, index: 100 + index))
            let score = try BoostingEvaluator(config: evaluator).score(
                train: synthetic, validation: data.validation, test: data.validation,
                seed: Seeds.derive(base: seed, purpose: .evaluator, index: 0)).value
            return TuningTrial(settings: candidate.summary, validationScore: score, trainSeconds: generator.seconds)
        }
        return (trial, trained)
    }

    /// The finished trial if it is cached, without computing it.
    func cachedTrial(_ model: ModelKind, index: Int, evaluator: BoostingConfig) throws -> TuningTrial? {
        cache.load(try trialKey(model, index: index, candidate: candidates(model)[index], evaluator: evaluator))
    }

    /// Runs (or reads) every trial of `model` and keeps the configuration whose synthetic set scores best on the
    /// validation split, with its trained generator. A best trial that another job ran is trained again here: the
    /// same configuration and seed give the same generator.
    func tune(_ model: ModelKind, rows: Int, evaluator: BoostingConfig,
              label: String) throws -> (TrainedGenerator, GeneratorConfig, [TuningTrial]) {
        let candidates = candidates(model)
        var trials: [TuningTrial] = []
        var best: (index: Int, trained: TrainedGenerator?, score: Double)? = nil
        for index in candidates.indices {
            let (trial, trained) = try self.trial(model, index: index, evaluator: evaluator)
            trials.append(trial)
            if best == nil || trial.validationScore > best!.score { best = (index, trained, trial.validationScore) }
        }
        let chosen = best!.index
        let trained = try best!.trained
            ?? train(candidates[chosen], seed: Seeds.derive(base: settings.seed, purpose: .train, index: chosen), rows: rows,
                     label: "\(label) trial \(chosen + 1) (kept) again")
        return (trained, candidates[chosen], trials)
    }

    private func compute(_ model: ModelKind, generator: GeneratorConfig?, trials: Int, samples: Int, rows: Int,
                         evaluator: BoostingConfig, label: String) throws -> CellResult {
        let seed = settings.seed
        let trained: TrainedGenerator
        var tuning: [TuningTrial] = []
        var chosen = generator
        if generator != nil, trials > 1 {
            (trained, chosen, tuning) = try tune(model, rows: rows, evaluator: evaluator, label: label)
        } else {
            trained = try train(generator, seed: seed, rows: rows, label: label)
        }
        let generate = trained.generate
        var untrained: String? = nil
        let clock = ContinuousClock()

        var scores: [[Double]] = []
        var dcr: [Double] = []
        var dcrQuantiles: [Double] = []
        var sampleSeconds = 0.0
        var preview: TabularFrame? = nil
        let evaluations = Experiment.Progress(total: samples * settings.evaluatorSeeds, label: "\(label) evaluate")
        for s in 0..<samples {
            let sampleStart = clock.now
            let synthetic = try generate(Seeds.derive(base: seed, purpose: .sample, index: s))
            sampleSeconds += Experiment.seconds(clock.now - sampleStart)
            if preview == nil {
                preview = synthetic.rows(Array(0..<min(5_000, synthetic.rowCount)))
                if model != .real { untrained = TrainingCheck.problem(curve: trained.curve, sample: synthetic, real: data.train) }
            }
            if model != .real {
                let distances = DistanceToClosestRecord.distances(synthetic: synthetic, real: data.train, seed: seed)
                dcr.append(DistanceToClosestRecord.median(of: distances))
                if s == 0 { dcrQuantiles = DistanceToClosestRecord.quantiles(of: distances, levels: 200) }
            } else {
                let distances = DistanceToClosestRecord.distances(synthetic: data.test, real: data.train, seed: seed)
                dcrQuantiles = DistanceToClosestRecord.quantiles(of: distances, levels: 200)
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
        return CellResult(model: model, scores: scores, medianDCR: dcr, dcrQuantiles: dcrQuantiles,
                          trainSeconds: trained.seconds, trainSteps: trained.steps, sampledRows: model == .real ? 0 : rows * samples,
                          sampleSeconds: sampleSeconds, losses: trained.losses, curve: trained.curve, trials: tuning,
                          chosen: chosen?.summary ?? "", untrained: untrained, preview: preview ?? data.train)
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
