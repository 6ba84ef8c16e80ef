import Datasets
import Foundation
import NN
import Tensor

/// The settings of one TabDDPM model, defaulting to the reference's choices (yandex-research/tab-ddpm).
public struct TabDDPMConfig: Codable, Equatable, Sendable {
    /// Diffusion steps T (the tuned configs use 100 or 1000).
    public var timesteps: Int
    /// Hidden widths of the denoiser MLP (the reference's d_layers).
    public var widths: [Int]
    public var learningRate: Double
    public var weightDecay: Double
    /// Optimiser steps; the learning rate decays linearly to 0 over them.
    public var steps: Int
    public var batchSize: Int
    public var schedule: NoiseSchedule.Kind
    public var normalization: TabularEncoder.Normalization
    /// The reference feeds each categorical block to the network as log one-hot (≈ −69 for the zeros, 0 for the
    /// category); `false` feeds the plain one-hot instead.
    public var logOneHotInput: Bool
    /// The reference keeps an EMA of the weights (0.999) but samples from the raw ones; `true` samples from the EMA.
    public var sampleFromEMA: Bool
    public var emaDecay: Double
    public var embeddingWidth: Int

    public init(timesteps: Int = 1000, widths: [Int] = [256, 1024, 1024, 1024, 1024, 256], learningRate: Double = 2e-3,
                weightDecay: Double = 0, steps: Int = 30_000, batchSize: Int = 4096, schedule: NoiseSchedule.Kind = .cosine,
                normalization: TabularEncoder.Normalization = .quantile, logOneHotInput: Bool = true,
                sampleFromEMA: Bool = false, emaDecay: Double = 0.999, embeddingWidth: Int = 128) {
        self.timesteps = timesteps
        self.widths = widths
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.steps = steps
        self.batchSize = batchSize
        self.schedule = schedule
        self.normalization = normalization
        self.logOneHotInput = logOneHotInput
        self.sampleFromEMA = sampleFromEMA
        self.emaDecay = emaDecay
        self.embeddingWidth = embeddingWidth
    }
}

public enum TabularDiffusionError: Error, Equatable, CustomStringConvertible {
    case nonFinite(step: Int, tensor: String)
    case nonFiniteSample(step: Int, column: String)
    case noRows

    public var description: String {
        switch self {
        case let .nonFinite(step, tensor):
            "TabDDPM: the \(tensor) became non-finite at training step \(step); lower the learning rate or check the data"
        case let .nonFiniteSample(step, column):
            "TabDDPM: sampling produced a non-finite value in \(column) at reverse step \(step)"
        case .noRows:
            "TabDDPM: the training data has no rows"
        }
    }
}

/// One loss reading of a training run.
public struct TabDDPMLoss: Codable, Equatable, Sendable {
    public var step: Int
    public var gaussian: Double
    public var multinomial: Double
}

/// TabDDPM (Kotelnikov et al. 2023): Gaussian diffusion on the quantile-normalised numeric columns and
/// multinomial diffusion on the categorical ones, one MLP denoising both.
public final class TabDDPM {
    public let config: TabDDPMConfig
    public let encoder: TabularEncoder
    public let model: TabularDenoiser
    public let ema: ExponentialMovingAverage
    public let schedule: NoiseSchedule
    public let multinomial: MultinomialDiffusion
    /// Training class frequencies: sampled labels follow them, as the reference's do.
    public let classFrequencies: [Double]
    /// The loss every 1% of training (and at the last step).
    public private(set) var losses: [TabDDPMLoss] = []
    let template: TabularFrame

    init(config: TabDDPMConfig, train: TabularFrame, seed: UInt64) {
        self.config = config
        encoder = TabularEncoder(fitting: train, normalization: config.normalization)
        schedule = NoiseSchedule(config.schedule, steps: config.timesteps)
        multinomial = MultinomialDiffusion(schedule: schedule, layout: CategoricalLayout(cardinalities: train.cardinalities))
        model = TabularDenoiser(inputWidth: encoder.numericWidth + multinomial.layout.width, widths: config.widths,
                                classCount: train.isClassification ? train.classCount : 0,
                                embeddingWidth: config.embeddingWidth, rng: RandomGenerator(seed: seed).derived(1))
        ema = ExponentialMovingAverage(of: model, decay: Float(config.emaDecay))
        classFrequencies = train.isClassification ? train.classFrequencies : []
        template = train.rows([])
    }

    /// Trains on `train`. `progress(step, steps, loss)` is called after every step.
    public static func train(on train: TabularFrame, config: TabDDPMConfig, seed: UInt64,
                             progress: ((Int, Int, Double) -> Void)? = nil) throws -> TabDDPM {
        guard train.rowCount > 0 else { throw TabularDiffusionError.noRows }
        let ddpm = TabDDPM(config: config, train: train, seed: seed)
        try ddpm.fit(train, rng: RandomGenerator(seed: seed).derived(2), progress: progress)
        return ddpm
    }

    var numericWidth: Int { encoder.numericWidth }

    func fit(_ train: TabularFrame, rng: RandomGenerator, progress: ((Int, Int, Double) -> Void)?) throws {
        let n = train.rowCount, d = numericWidth
        let numericColumns = encoder.encodeNumeric(train)
        var numeric = [Float](repeating: 0, count: n * d)
        for f in 0..<d { for r in 0..<n { numeric[r * d + f] = Float(numericColumns[f][r]) } }
        let codes = (0..<n).map { r in train.categorical.map { $0[r] } }
        let labels = train.isClassification ? train.labels : nil
        let optimizer = AdamW(for: model, learningRate: Float(config.learningRate), weightDecay: Float(config.weightDecay))
        let batch = min(config.batchSize, n)
        var order = rng.permutation(n), cursor = 0
        let every = max(config.steps / 100, 1)
        for step in 0..<config.steps {
            if cursor + batch > n { order = rng.permutation(n); cursor = 0 }
            let rows = Array(order[cursor..<(cursor + batch)])
            cursor += batch
            optimizer.learningRate = Float(config.learningRate * (1 - Double(step) / Double(config.steps)))
            let (gaussian, multinomialLoss) = try trainingLoss(
                numeric: rows.flatMap { numeric[($0 * d)..<($0 * d + d)] }, codes: rows.map { codes[$0] },
                labels: labels.map { l in rows.map { l[$0] } }, step: step, rng: rng)
            optimizer.step()
            optimizer.zeroGrad()
            ema.update()
            let total = gaussian + multinomialLoss
            if step % every == 0 || step == config.steps - 1 {
                losses.append(TabDDPMLoss(step: step, gaussian: gaussian, multinomial: multinomialLoss))
            }
            progress?(step + 1, config.steps, total)
        }
    }

    /// The loss of one batch, backpropagated into the model's gradients. Returns (Gaussian, multinomial) values.
    func trainingLoss(numeric x0: [Float], codes: [[Int]], labels: [Int]?, step: Int,
                      rng: RandomGenerator) throws -> (Double, Double) {
        let b = codes.count, d = numericWidth, w = multinomial.layout.width, c = multinomial.layout.count
        let t = (0..<b).map { _ in rng.integer(below: schedule.steps) }
        let noise = rng.normal([b, d]).scalars
        var noisy = [Float](repeating: 0, count: b * d)
        for r in 0..<b {
            let a = Float(schedule.alphasCumulative[t[r]].squareRoot())
            let s = Float((1 - schedule.alphasCumulative[t[r]]).squareRoot())
            for f in 0..<d { noisy[r * d + f] = a * x0[r * d + f] + s * noise[r * d + f] }
        }
        let current = multinomial.noised(codes, t: t, rng: rng)
        let output = model(networkInput(numeric: noisy, categorical: current), timesteps: t, labels: labels)

        var loss: Tensor? = nil
        var gaussianValue = 0.0, multinomialValue = 0.0
        if d > 0 {
            let gaussian = meanSquaredError(predicted: output.sliced(axis: 1, 0..<d), expected: Tensor(noise, shape: [b, d]))
            gaussianValue = Double(gaussian.item)
            guard gaussianValue.isFinite else { throw TabularDiffusionError.nonFinite(step: step, tensor: "Gaussian loss") }
            loss = gaussian
        }
        if c > 0 {
            // KL(q ‖ p) = Σ q·(log q − log p); only −Σ q·log p depends on the model. At t = 0 the term is the
            // decoder's −log p(x₀). Every row is scaled by 1/p(t) = T, the sum by 1/C, as in the reference.
            let logModel = multinomial.modelLogPosterior(logits: output.sliced(axis: 1, d..<(d + w)), current: current, t: t)
            let start = multinomial.oneHot(codes)
            let truth = multinomial.posterior(start: start, current: current, t: t)
            var target = [Float](repeating: 0, count: b * w)
            var entropyTerm = 0.0
            for r in 0..<b {
                for j in 0..<w {
                    let q = t[r] == 0 ? start[r * w + j] : truth[r * w + j]
                    target[r * w + j] = Float(q)
                    if t[r] > 0, q > 0 { entropyTerm += q * log(q) }
                }
            }
            let scale = Double(schedule.steps) / Double(c * b)
            let crossEntropy = (Tensor(target, shape: [b, w]) * logModel).sum() * Float(-scale)
            multinomialValue = Double(crossEntropy.item) + entropyTerm * scale + multinomial.priorKL / Double(c)
            guard multinomialValue.isFinite else {
                throw TabularDiffusionError.nonFinite(step: step, tensor: "multinomial loss")
            }
            loss = loss.map { $0 + crossEntropy } ?? crossEntropy
        }
        loss?.backward()
        return (gaussianValue, multinomialValue)
    }

    /// [numeric | categorical] rows for the network; categorical blocks as log one-hot or one-hot.
    func networkInput(numeric: [Float], categorical codes: [[Int]]) -> Tensor {
        let rows = codes.count, d = numericWidth, w = multinomial.layout.width
        let off = config.logOneHotInput ? Float(MultinomialDiffusion.logZero) : 0
        let on: Float = config.logOneHotInput ? 0 : 1
        var input = [Float](repeating: off, count: rows * (d + w))
        for r in 0..<rows {
            for f in 0..<d { input[r * (d + w) + f] = numeric[r * d + f] }
            for (f, code) in codes[r].enumerated() { input[r * (d + w) + d + multinomial.layout.offsets[f] + code] = on }
        }
        return Tensor(input, shape: [rows, d + w])
    }

    /// Draws `count` synthetic rows: labels from the training class frequencies, then T reverse steps from
    /// noise. `fromEMA` overrides the configuration's choice of weights.
    public func sample(count: Int, seed: UInt64, fromEMA: Bool? = nil, batchSize: Int = 4096) throws -> TabularFrame {
        let useEMA = fromEMA ?? config.sampleFromEMA
        if useEMA { ema.swap() }
        defer { if useEMA { ema.swap() } }
        let rng = RandomGenerator(seed: seed)
        var numeric = [[Double]](repeating: [], count: numericWidth)
        var codes: [[Int]] = []
        var labels: [Int] = []
        var start = 0
        while start < count {
            let rows = min(batchSize, count - start)
            let part = try sampleBatch(rows: rows, rng: rng.derived(UInt64(start)))
            for f in 0..<numericWidth { numeric[f] += (0..<rows).map { Double(part.numeric[$0 * numericWidth + f]) } }
            codes += part.codes
            labels += part.labels
            start += rows
        }
        let categorical = multinomial.layout.cardinalities.indices.map { f in codes.map { $0[f] } }
        return encoder.decode(numeric: numeric, categorical: categorical, labels: labels, like: template)
    }

    func sampleBatch(rows: Int, rng: RandomGenerator) throws -> (numeric: [Float], codes: [[Int]], labels: [Int]) {
        let d = numericWidth, w = multinomial.layout.width
        let labels = classFrequencies.isEmpty ? [] : rng.categorical(weights: classFrequencies, count: rows)
        var x = rng.normal([rows, d]).scalars
        let uniform = multinomial.layout.cardinalities.flatMap { [Double](repeating: 1 / Double($0), count: $0) }
        var codes = w > 0 ? multinomial.sample(probabilities: Array((0..<rows).map { _ in uniform }.joined()), rng: rng)
            : [[Int]](repeating: [], count: rows)
        for step in stride(from: schedule.steps - 1, through: 0, by: -1) {
            let t = [Int](repeating: step, count: rows)
            let output = withoutGrad {
                model(networkInput(numeric: x, categorical: codes), timesteps: t,
                      labels: labels.isEmpty ? nil : labels)
            }.scalars
            let width = d + w
            if d > 0 {
                let ab = schedule.alphasCumulative[step]
                let recip = Float((1 / ab).squareRoot()), recipMinusOne = Float((1 / ab - 1).squareRoot())
                let c0 = Float(schedule.posteriorCoefficientStart[step]), c1 = Float(schedule.posteriorCoefficientCurrent[step])
                let sigma = step > 0 ? Float(schedule.reverseVariance(step).squareRoot()) : 0
                let noise = rng.normal([rows, d]).scalars
                for r in 0..<rows {
                    for f in 0..<d {
                        let xt = x[r * d + f], eps = output[r * width + f]
                        let start = recip * xt - recipMinusOne * eps
                        let value = c0 * start + c1 * xt + sigma * noise[r * d + f]
                        guard value.isFinite else {
                            throw TabularDiffusionError.nonFiniteSample(step: step, column: "numeric column \(f)")
                        }
                        x[r * d + f] = value
                    }
                }
            }
            if w > 0 {
                var logits = [Float](repeating: 0, count: rows * w)
                for r in 0..<rows { for j in 0..<w { logits[r * w + j] = output[r * width + d + j] } }
                let start = multinomial.softmax(logits)
                guard start.allSatisfy({ $0.isFinite }) else {
                    throw TabularDiffusionError.nonFiniteSample(step: step, column: "categorical logits")
                }
                codes = multinomial.sample(probabilities: multinomial.posterior(start: start, current: codes, t: t), rng: rng)
            }
        }
        return (x, codes, labels)
    }
}
