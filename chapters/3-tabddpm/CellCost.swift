import Evaluation
import Experiment
import Foundation
import Tensor

/// The measured parts of a cell's cost on this machine at the run's thread count, cached like a result so that a
/// second `--plan` is instant.
struct MeasuredCost: Codable {
    /// Time before the first step (the model's data transform, e.g. CTAB-GAN's mode-specific normalisation).
    var setupSeconds: Double
    var stepSeconds: Double
    var sampleSecondsPerRow: Double
}

extension GeneratorConfig {
    /// The configured optimizer steps (nil for SMOTE, which does not train).
    var steps: Int? {
        switch self {
        case .tabddpm(let c): c.steps
        case .tvae(let c): c.steps
        case .ctgan(let c): c.steps
        case .ctabgan(let c): c.steps
        case .smote: nil
        }
    }

    /// The same configuration cut to `steps` steps.
    func cut(to steps: Int) -> GeneratorConfig {
        switch self {
        case .tabddpm(var c): c.steps = min(c.steps, steps); return .tabddpm(c)
        case .tvae(var c): c.steps = min(c.steps, steps); return .tvae(c)
        case .ctgan(var c): c.steps = min(c.steps, steps); return .ctgan(c)
        case .ctabgan(var c): c.steps = min(c.steps, steps); return .ctabgan(c)
        case .smote: return self
        }
    }
}

/// Estimates a cell's wall time from short measurements of its own work: `--plan` prints these.
struct CellCostEstimator {
    let cells: ChapterCells
    let threads: Int

    static let measuredSteps = 5
    static let measuredRows = 500

    static func method(threads: Int) -> String {
        "measured on this machine at \(threads) thread\(threads == 1 ? "" : "s"): each cell's generator trains "
            + "\(measuredSteps) steps on its data set (time before the first step, and the time per step from the steps' "
            + "timestamps, × the configured steps) and samples \(measuredRows) rows (× the rows the cell draws); one evaluator "
            + "fit on the real training split (× the cell's fits, scaled by their rows). A tuned model's cell counts one "
            + "training (its kept trial trained again when the trial ran as another job). The distance to the closest record, "
            + "the trials' other hyper-parameters and the evaluator's early stopping are not modelled"
    }

    func seconds(_ cell: ChapterCell) throws -> Double {
        let data = cell.data
        let fit = try evaluatorFitSeconds(data)
        let runner = cells.runner(data)
        let work: DatasetRunner.CellWork
        switch cell {
        case .evaluator: return Double(cells.settings.tuningTrials) * fit
        case .trial(_, let model, _), .model(_, let model): work = try runner.work(model, evaluator: BoostingConfig(), variant: nil)
        case .ablation(_, let variant): work = try runner.work(.tabddpm, evaluator: BoostingConfig(), variant: variant)
        }
        let fitPerRow = fit / Double(data.train.rowCount)
        guard let generator = work.generator else {
            return Double(cells.settings.evaluatorSeeds) * fit
        }
        let cost = try measured(generator, data: data, runner: runner)
        let training = cost.setupSeconds + Double(generator.steps ?? 0) * cost.stepSeconds
        let sets: Int, fits: Int
        if case .trial = cell {
            (sets, fits) = (1, 1)
        } else {
            (sets, fits) = (work.samples, work.samples * cells.settings.evaluatorSeeds)
        }
        return training + Double(sets * work.rows) * cost.sampleSecondsPerRow + Double(fits * work.rows) * fitPerRow
    }

    private func key(_ name: String, data: PreparedData, config: some Encodable) throws -> CacheKey {
        try CacheKey(name: "plan-cost-\(name)-\(data.spec.name)", codeVersion: cells.codeHash, config: config,
                     inputHashes: [data.inputHash, data.splitHash], seed: cells.settings.seed)
    }

    /// One fit of the untuned evaluator on the real training split, early-stopped and scored on validation.
    private func evaluatorFitSeconds(_ data: PreparedData) throws -> Double {
        try cells.cache.cached(key: key("evaluator", data: data, config: ["threads": threads])) {
            let clock = ContinuousClock()
            let started = clock.now
            _ = try BoostingEvaluator().score(train: data.train, validation: data.validation, test: data.validation,
                                              seed: cells.settings.seed)
            return Experiment.seconds(clock.now - started)
        }
    }

    private struct MeasuredConfig: Encodable {
        var generator: GeneratorConfig
        var threads: Int
        var steps: Int
        var rows: Int
    }

    private func measured(_ generator: GeneratorConfig, data: PreparedData, runner: DatasetRunner) throws -> MeasuredCost {
        let short = generator.cut(to: Self.measuredSteps)
        let config = MeasuredConfig(generator: short, threads: threads, steps: Self.measuredSteps, rows: Self.measuredRows)
        return try cells.cache.cached(key: key("generator", data: data, config: config)) {
            let clock = ContinuousClock()
            let started = clock.now
            var stamps: [ContinuousClock.Instant] = []
            let trained = try runner.train(short, seed: cells.settings.seed, rows: Self.measuredRows,
                                           label: "plan: \(data.spec.name) cost", onStep: { _ in stamps.append(clock.now) })
            let sampleStart = clock.now
            _ = try trained.generate(cells.settings.seed)
            let sampleSeconds = Experiment.seconds(clock.now - sampleStart)
            var step = 0.0, setup = 0.0
            if let first = stamps.first, let last = stamps.last {
                step = stamps.count > 1 ? Experiment.seconds(last - first) / Double(stamps.count - 1) : Experiment.seconds(first - started)
                setup = max(0, Experiment.seconds(first - started) - step)
            }
            return MeasuredCost(setupSeconds: setup, stepSeconds: step,
                                sampleSecondsPerRow: sampleSeconds / Double(Self.measuredRows))
        }
    }
}
