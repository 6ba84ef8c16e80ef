import Datasets
import Evaluation
import Experiment
import Foundation
import GPVAE
import Tensor

/// One data set ready for the experiment: the sequences a model trains on, the ones it is scored on, and the
/// hash that identifies both (for cache keys).
struct PreparedSequences {
    var data: SequenceData
    var train: SequenceSet
    /// The evaluation set. For the clinical series it is the training set itself, scored on the values hidden
    /// artificially, as the reference evaluates Physionet (the model never sees them).
    var evaluation: SequenceSet
    var inputHash: String
    /// The features' names where they have them (the clinical series, a practitioner's CSV), for the figures.
    var featureNames: [String] = []
    /// What the series' times are, for the figures' time axis.
    var timeLabel = "days since the first visit"
    /// A practitioner's series with every observed value shown (the evaluation set hides some to score on):
    /// GP-VAE imputes it for the imputed CSV.
    var complete: SequenceSet? = nil

    /// HMNIST pixels are binary: predictions are rounded before the MSE and the downstream classifier.
    var binary: Bool { data == .hmnist }
}

/// What one (data set, method, seed) cell produced.
struct CellResult: Codable {
    var method: Method
    var seed: UInt64
    /// MSE on the scored entries (HMNIST: predictions rounded to {0, 1}, as the reference).
    var mse: Double
    /// NLL per scored entry (variational models only).
    var nll: Double?
    /// Downstream AUROC: logistic regression fitted on the first half of the imputed evaluation set, scored on the
    /// second (HMNIST: macro one-vs-rest over 10 digits). Nil for SPRITES, which has no downstream task.
    var auroc: Double?
    /// Mean squared change between consecutive steps of the imputed sequences (smoothness over time).
    var roughness: Double
    var trainSeconds: Double
    var trainSteps: Int
    /// The imputations of the first `SequenceData.previewCount` evaluation sequences, for the figures.
    var preview: [Float]
    /// GP-VAE's spread over posterior samples at the same entries (empty for other methods).
    var previewSpread: [Float]
    /// GP-VAE on a practitioner's series: its imputation of the complete set and the spread over posterior
    /// samples, `[N][T][D]` in standardised units (nil otherwise).
    var output: [Float]? = nil
    var outputSpread: [Float]? = nil
    /// HMNIST: MSE on the missing pixels when the evaluation set's mask is replaced by a random one hiding each
    /// pixel with the probabilities of `ChapterSettings.sweepFractions` (the model trained on MNAR masks as usual).
    var sweepMSE: [Double]? = nil
}

/// Runs the cells of one data set, each cached under a key of code, settings, data and seed.
struct SequenceRunner {
    let prepared: PreparedSequences
    let settings: ChapterSettings
    let run: ExperimentRun
    let codeVersion: String

    struct CellKey: Encodable {
        var data: SequenceData
        var method: Method
        var gpvae: GPVAEConfig?
        var brits: BRITSConfig?
        var train: Int
        var evaluation: Int
        var bandSamples: Int
        var sweepFractions: [Double]
    }

    func cell(_ method: Method, seed: UInt64) throws -> CellResult {
        let config = modelConfig(method)
        let key = try CacheKey(
            name: "cell-\(prepared.data.rawValue)-\(method.rawValue)", codeVersion: codeVersion,
            config: CellKey(data: prepared.data, method: method, gpvae: config,
                            brits: method == .brits ? settings.brits : nil, train: prepared.train.count,
                            evaluation: prepared.evaluation.count, bandSamples: settings.bandSamples,
                            sweepFractions: settings.sweepFractions),
            inputHashes: [prepared.inputHash], seed: seed)
        return try run.cache.cached(key: key) { try compute(method, config: config, seed: seed) }
    }

    /// The networks' settings for a variational method on this data set (nil for the others).
    func modelConfig(_ method: Method) -> GPVAEConfig? {
        let base = switch prepared.data {
        case .hmnist: settings.hmnist
        case .sprites: settings.sprites
        case .clinical: settings.clinical
        case .own: settings.own
        }
        switch method {
        case .vae: return base.with(model: .vae)
        case .hiVAE: return base.with(model: .hiVAE)
        case .gpVAE: return base
        default: return nil
        }
    }

    private func compute(_ method: Method, config: GPVAEConfig?, seed: UInt64) throws -> CellResult {
        let train = try prepared.train.incomplete(), evaluation = try prepared.evaluation.incomplete()
        let label = "\(prepared.data.rawValue) \(method.rawValue) seed \(seed)"
        let clock = ContinuousClock(), started = clock.now
        var steps = 0, nll: Double? = nil, spread: [Float] = [], output: [Float]? = nil, outputSpread: [Float]? = nil
        let impute: (IncompleteSeries) throws -> [Float]
        switch method {
        case .mean:
            let means = try SimpleImputers.featureMeans(train)
            impute = { try SimpleImputers.meanImputation($0, means: means) }
        case .forward:
            let means = try SimpleImputers.featureMeans(train)
            impute = { try SimpleImputers.forwardImputation($0, fallback: means) }
        case .gp:
            let model = try GaussianProcessImputer.fit(train)
            impute = { try model.impute($0).values }
        case .brits:
            let progress = Experiment.Progress(total: settings.brits.steps, label: "\(label) train")
            let model = try BRITS.train(on: train, config: settings.brits, seed: seed) { step, _, loss in progress.update(step: step, loss: loss) }
            progress.finish()
            steps = settings.brits.steps
            impute = model.impute
        case .vae, .hiVAE, .gpVAE:
            let config = config!
            steps = config.stepCount(trainingSize: train.count)
            let progress = Experiment.Progress(total: steps, label: "\(label) train")
            let model = try GPVAE.train(on: train, config: config, seed: seed) { step, _, loss in
                progress.update(step: step, loss: loss.loss)
            }
            progress.finish()
            impute = model.impute
            nll = try model.negativeLogLikelihood(evaluation, truth: prepared.evaluation.values,
                                                  mask: prepared.evaluation.scoredMask, seed: Seeds.derive(base: seed, purpose: .posterior, index: 0))
            if method == .gpVAE {
                spread = try model.imputationDeviations(prepared.evaluation.head(prepared.data.previewCount).incomplete(),
                                                        count: settings.bandSamples,
                                                        seed: Seeds.derive(base: seed, purpose: .posterior, index: 1))
                if let complete = try prepared.complete?.incomplete() {
                    output = try model.impute(complete)
                    outputSpread = try model.imputationDeviations(complete, count: settings.bandSamples,
                                                                  seed: Seeds.derive(base: seed, purpose: .posterior, index: 2))
                }
            }
        }
        let imputed = try impute(evaluation)
        let sweep = prepared.data == .hmnist ? try sweepMSE(impute) : nil
        let trainSeconds = seconds(clock.now - started)
        let mse = try ImputationMetrics.meanSquaredError(predicted: imputed, truth: prepared.evaluation.values,
                                                         mask: prepared.evaluation.scoredMask, rounded: prepared.binary)
        let auroc = prepared.data.hasDownstreamTask ? try downstreamAUROC(imputed) : nil
        let previewSize = prepared.data.previewCount * prepared.evaluation.length * prepared.evaluation.features
        return CellResult(method: method, seed: seed, mse: mse, nll: nll, auroc: auroc,
                          roughness: prepared.evaluation.roughness(imputed), trainSeconds: trainSeconds,
                          trainSteps: steps, preview: Array(imputed.prefix(previewSize)), previewSpread: spread,
                          output: output, outputSpread: outputSpread, sweepMSE: sweep)
    }

    /// MSE on the missing entries of the evaluation set re-masked at random, once per sweep fraction; the masks
    /// come from an evaluator's seed, the same for every method and training seed.
    func sweepMSE(_ impute: (IncompleteSeries) throws -> [Float]) throws -> [Double] {
        let set = prepared.evaluation
        return try ImputationMetrics.errorByMissingFraction(
            truth: set.values, fractions: settings.sweepFractions,
            seed: Seeds.derive(base: settings.seed, purpose: .evaluator, index: 100), rounded: prepared.binary) { missing in
            try impute(IncompleteSeries(count: set.count, length: set.length, features: set.features, values: set.values,
                                        missing: missing))
        }
    }

    /// The reference's downstream protocol: a logistic regression on the flattened imputed sequences (HMNIST
    /// rounded to {0, 1}; padding after a short clinical series set to 0), fitted on the first half of the
    /// evaluation set and scored on the second.
    func downstreamAUROC(_ imputed: [Float]) throws -> Double {
        let set = prepared.evaluation
        let width = set.length * set.features
        var x = imputed
        for i in x.indices {
            if prepared.binary { x[i] = x[i].rounded(.toNearestOrEven) }
            if set.present[i / set.features] == 0 { x[i] = 0 }
        }
        let half = set.count / 2
        let fitRows = Array(x[0..<(half * width)]), scoreRows = Array(x[(half * width)...])
        let fitLabels = Array(set.labels[0..<half]), scoreLabels = Array(set.labels[half...])
        if set.classes > 2 {
            let model = try LogisticRegression.fit(features: fitRows, rows: half, labels: fitLabels, classes: set.classes,
                                                   settings: .init(kind: .multinomial))
            return try ROC.macroAUC(probabilities: model.probabilities(features: scoreRows, rows: set.count - half),
                                    labels: scoreLabels)
        }
        let model = try LogisticRegression.fit(features: fitRows, rows: half, labels: fitLabels, classes: 2,
                                               settings: .init(kind: .binaryPenalizedIntercept))
        let probabilities = try model.probabilities(features: scoreRows, rows: set.count - half)
        return try ROC.auc(scores: probabilities.map { $0[1] }, labels: scoreLabels.map { $0 == 1 })
    }
}

extension SequenceSet {
    /// The model's view: observed values, and every other entry (hidden, a real gap, padding) missing.
    func incomplete() throws -> IncompleteSeries {
        try IncompleteSeries(count: count, length: length, features: features, values: values,
                             missing: missing)
    }

    /// Mean over consecutive real steps of the mean squared change per feature, for sequences shaped like this set.
    func roughness(_ x: [Float]) -> Double {
        var total = 0.0, pairs = 0
        for n in 0..<count {
            for t in 1..<Swift.max(length, 1) where present[n * length + t] > 0 && present[n * length + t - 1] > 0 {
                var sum = 0.0
                for d in 0..<features {
                    let change = Double(x[(n * length + t) * features + d] - x[(n * length + t - 1) * features + d])
                    sum += change * change
                }
                total += sum / Double(features)
                pairs += 1
            }
        }
        return pairs > 0 ? total / Double(pairs) : 0
    }

    /// The sequences in a seeded random order: a split lists them by class, and both a head of the set and the
    /// downstream protocol's halves must mix the classes.
    func shuffled(seed: UInt64) -> SequenceSet {
        subset(RandomGenerator(seed: seed).derived(0x6f72_6465_72).permutation(count))
    }

    /// The first `n` sequences.
    func head(_ n: Int) -> SequenceSet { subset(Array(0..<Swift.min(n, count))) }
}
