import Datasets
import Foundation
import NN
import Tensor

/// CTAB-GAN's and CTAB-GAN+'s settings. The defaults are upstream CTAB-GAN+'s (`CTABGANSynthesizer.__init__`)
/// except `steps`, which counts generator updates as tab-ddpm's copies count their `epochs`.
public struct CTABGANConfig: Codable, Equatable, Sendable {
    public enum Variant: String, Codable, Sendable {
        /// Zhao et al. 2021: BatchNorm, a sigmoid discriminator and the GAN cross-entropy.
        case ctabgan
        /// Zhao et al. 2022: LayerNorm, a Wasserstein critic with a gradient penalty, the general transform.
        case ctabganPlus
    }

    public var variant: Variant
    /// Generator updates, each after `criticSteps` critic updates (tab-ddpm ran 10,000).
    public var steps: Int
    /// Rows per step (at most the training rows, as tab-ddpm clamps it).
    public var batchSize: Int
    public var randomDimension: Int
    /// Channels of the first convolutional rung (`num_channels`).
    public var channels: Int
    /// Hidden widths of the auxiliary classifier (`class_dim`).
    public var classifierSizes: [Int]
    public var learningRate: Float
    /// Adam's L2 penalty (`l2scale`), for the generator, the critic and the classifier.
    public var weightDecay: Float
    /// Critic updates per generator update (1 in tab-ddpm's copy; upstream CTAB-GAN+ uses 5 since May 2024).
    public var criticSteps: Int
    /// λ of CTAB-GAN+'s gradient penalty.
    public var gradientPenaltyWeight: Float

    public init(variant: Variant, steps: Int = 10_000, batchSize: Int = 500, randomDimension: Int = 100, channels: Int = 64,
                classifierSizes: [Int] = [256, 256, 256, 256], learningRate: Float = 2e-4, weightDecay: Float = 1e-5,
                criticSteps: Int = 1, gradientPenaltyWeight: Float = 10) {
        self.variant = variant
        self.steps = steps
        self.batchSize = batchSize
        self.randomDimension = randomDimension
        self.channels = channels
        self.classifierSizes = classifierSizes
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.criticSteps = criticSteps
        self.gradientPenaltyWeight = gradientPenaltyWeight
    }

    var isPlus: Bool { variant == .ctabganPlus }
    var name: String { isPlus ? "CTAB-GAN+" : "CTAB-GAN" }
}

/// Sampling gave no row inside the training ranges (CTAB-GAN+ drops the others).
public struct CTABGANSamplingError: Error, CustomStringConvertible, LocalizedError {
    public var drawn: Int
    public var description: String {
        "CTAB-GAN+: none of \(drawn) generated rows has every continuous value inside its training range"
    }
    public var errorDescription: String? { description }
}

/// CTAB-GAN (Zhao et al., ACML 2021) and CTAB-GAN+ (Zhao et al., 2022) as tab-ddpm's copies train them.
///
/// Rows are encoded by `CTABGANTransformer`, padded and reshaped into square images for a convolutional
/// generator and discriminator (`CTABGANNetworks`), and trained by sampling: each row is conditioned on one slot of
/// one one-hot span (`CTABGANConditions`). Per step: one critic update on real rows matching the conditions
/// against generated ones; one generator update on the adversarial loss, the conditional cross-entropy and the
/// information loss (L1 distance of the means and of the standard deviations of the critic's last features,
/// fake against real); then, with the auxiliary model, a generator update on its loss for generated rows and a
/// classifier update on real rows. CTAB-GAN's losses are the GAN cross-entropy (+1e-4 inside the logarithms);
/// CTAB-GAN+'s are Wasserstein with the slerp gradient penalty of `ctabganGradientPenalty`. All three optimisers
/// are Adam with β = (0.5, 0.9), ε = 10⁻³ and L2 `weightDecay`.
public final class CTABGAN {
    public let config: CTABGANConfig
    public let transformer: CTABGANTransformer
    let layout: SpanLayout
    let conditions: CTABGANConditions
    let generator: CTABGANGenerator
    let discriminator: CTABGANDiscriminator
    let classifier: CTABGANClassifier
    /// For each span of the conditional vector, its segment in `layout`.
    let conditionSegments: [Int]

    static let gumbelTemperature: Float = 0.2
    static let samplingChunk = 1024
    /// CTAB-GAN+ draws again for rows outside the training ranges, at most this many times the rows asked for.
    static let maximumDrawFactor = 50

    init(config: CTABGANConfig, transformer: CTABGANTransformer, encoded: [Double], rng: RandomGenerator) {
        self.config = config
        self.transformer = transformer
        layout = SpanLayout(spans: transformer.spans, width: transformer.width)
        conditions = CTABGANConditions(encoded: encoded, encodedWidth: transformer.width, spans: transformer.spans)
        check(!conditions.isEmpty, "\(config.name): the encoded table has no one-hot span to condition on")
        conditionSegments = transformer.spans.indices.filter { transformer.spans[$0].activation == .softmax }
        let normalization: CTABGANNormalization = config.isPlus ? .layer : .batch
        generator = CTABGANGenerator(side: ctabganSide(for: transformer.width), inputSize: config.randomDimension + conditions.width,
                                     channels: config.channels, normalization: normalization, rng: rng.derived(1))
        discriminator = CTABGANDiscriminator(side: ctabganSide(for: transformer.width + conditions.width), channels: config.channels,
                                             normalization: normalization, wasserstein: config.isPlus, rng: rng.derived(2))
        classifier = CTABGANClassifier(width: transformer.width, target: transformer.targetSpan, hidden: config.classifierSizes,
                                       rng: rng.derived(3))
    }

    /// Fits the encoding (`columns`: which columns are mixed, general, logged, whole) and trains for
    /// `config.steps` steps. `progress(step, totalSteps, generatorLoss)`.
    public static func train(on train: TabularFrame, config: CTABGANConfig, columns: CTABGANColumns, seed: UInt64,
                             progress: ((Int, Int, Double) -> Void)? = nil) throws -> CTABGAN {
        check(train.rowCount > 1, "\(config.name): the training frame needs at least two rows")
        let rng = RandomGenerator(seed: seed)
        let transformer = CTABGANTransformer(fitting: train, columns: columns, generalTransform: config.isPlus,
                                             seed: rng.derived(1).seed)
        let encoded = transformer.transform(train, seed: rng.derived(1).seed)
        let model = CTABGAN(config: config, transformer: transformer, encoded: encoded, rng: rng.derived(3))
        try model.fit(Tensor(encoded.map(Float.init), shape: [train.rowCount, transformer.width]), rng: rng.derived(4),
                      progress: progress)
        return model
    }

    func noise(_ batch: Int, condition: Tensor, rng: RandomGenerator) -> Tensor {
        Tensor.concat([rng.normal([batch, config.randomDimension]), condition], axis: 1)
    }

    func criticInput(_ rows: Tensor, _ condition: Tensor) -> Tensor {
        ctabganImage(Tensor.concat([rows, condition], axis: 1), side: discriminator.side)
    }

    func fit(_ data: Tensor, rng: RandomGenerator, progress: ((Int, Int, Double) -> Void)?) throws {
        let batch = min(config.batchSize, data.shape[0]), total = config.steps, width = transformer.width
        func adam(_ parameters: [Tensor]) -> Adam {
            Adam(parameters: parameters, learningRate: config.learningRate, beta1: 0.5, beta2: 0.9, epsilon: 1e-3,
                 weightDecay: config.weightDecay)
        }
        let generatorParameters = generator.parameters, criticParameters = discriminator.parameters
        let classifierParameters = classifier.parameters
        let generatorOptimizer = adam(generatorParameters), criticOptimizer = adam(criticParameters)
        let classifierOptimizer = adam(classifierParameters)
        func update(_ loss: Tensor, _ optimizer: Adam, step: Int, quantity: String) throws {
            let value = Double(loss.item)
            guard value.isFinite else {
                throw NonFiniteLossError(model: config.name, step: step, totalSteps: total, quantity: quantity, value: value)
            }
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        func frozen<T>(_ parameters: [Tensor], _ body: () throws -> T) rethrows -> T {
            for p in parameters { p.requiresGrad = false }
            defer { for p in parameters { p.requiresGrad = true } }
            return try body()
        }
        for step in 1...max(total, 1) where total > 0 {
            var real = data, realImages = data
            for _ in 0..<config.criticSteps {
                let c = conditions.trainingCondition(batch: batch, rng: rng)
                let z = noise(batch, condition: c.vector, rng: rng)
                let permutation = rng.permutation(batch)
                real = data.gathering(conditions.rows(spans: permutation.map { c.spans[$0] },
                                                      slots: permutation.map { c.slots[$0] }, rng: rng))
                let realCondition = c.vector.gathering(permutation)
                let fake = withoutGrad {
                    layout.activate(generator(z, width: width), temperature: Self.gumbelTemperature, rng: rng)
                }
                realImages = criticInput(real, realCondition)
                let fakeImages = criticInput(fake, c.vector)
                let realScores = discriminator(realImages).scores, fakeScores = discriminator(fakeImages).scores
                let loss: Tensor
                if config.isPlus {
                    loss = fakeScores.mean() - realScores.mean()
                        + gradientPenalty(real: Tensor.concat([real, realCondition], axis: 1),
                                          fake: Tensor.concat([fake, c.vector], axis: 1), rng: rng, parameters: criticParameters)
                } else {
                    loss = -(realScores + 1e-4).log().mean() - (1 - fakeScores + 1e-4).log().mean()
                }
                try update(loss, criticOptimizer, step: step, quantity: "critic loss")
            }
            let c = conditions.trainingCondition(batch: batch, rng: rng)
            let z = noise(batch, condition: c.vector, rng: rng)
            let generatorLoss = try frozen(criticParameters) { () throws -> Tensor in
                let raw = generator(z, width: width)
                let fake = layout.activate(raw, temperature: Self.gumbelTemperature, rng: rng)
                let (scores, features) = discriminator(criticInput(fake, c.vector))
                let realFeatures = withoutGrad { discriminator(realImages).features }
                let adversarial = config.isPlus ? -scores.mean() : -(scores + 1e-4).log().mean()
                let loss = adversarial + conditionLoss(raw, spans: c.spans, slots: c.slots)
                    + Self.informationLoss(fake: features, real: realFeatures)
                try update(loss, generatorOptimizer, step: step, quantity: "generator loss")
                return loss
            }
            try frozen(classifierParameters) {
                let fake = layout.activate(generator(z, width: width), temperature: Self.gumbelTemperature, rng: rng)
                try update(classifier.loss(fake), generatorOptimizer, step: step, quantity: "generator's classifier loss")
            }
            try update(classifier.loss(real), classifierOptimizer, step: step, quantity: "classifier loss")
            progress?(step, total, Double(generatorLoss.item))
        }
    }

    /// The slerp gradient penalty on images of rows interpolated between real and fake (α ~ U(0, 1) per row).
    func gradientPenalty(real: Tensor, fake: Tensor, rng: RandomGenerator, parameters: [Tensor]) -> Tensor {
        let alpha = rng.uniform([real.shape[0]]).scalars
        let mixed = Tensor(slerp(real.scalars, fake.scalars, width: real.shape[1], alpha: alpha), shape: real.shape)
        return ctabganGradientPenalty(at: ctabganImage(mixed, side: discriminator.side), weight: config.gradientPenaltyWeight,
                                      critic: { self.discriminator($0).scores }, parameters: parameters)
    }

    /// ‖mean(fake) − mean(real)‖₁ + ‖std(fake) − std(real)‖₁ over the batch, per feature (unbiased std, with
    /// 10⁻⁸ under the root so a constant feature keeps a finite gradient).
    static func informationLoss(fake: Tensor, real: Tensor) -> Tensor {
        func moments(_ x: Tensor) -> (Tensor, Tensor) {
            let mean = x.mean(axes: [0])
            let variance = (x - mean).squared().sum(axes: [0]) * (1 / Float(max(x.shape[0] - 1, 1)))
            return (mean, (variance + 1e-8).sqrt())
        }
        let (fakeMean, fakeStd) = moments(fake), (realMean, realStd) = moments(real)
        return (fakeMean - realMean).abs().sum() + (fakeStd - realStd).abs().sum()
    }

    /// `cond_loss`: per row, the cross-entropy of the conditioned span's raw logits against the conditioned slot,
    /// summed and divided by the batch size.
    func conditionLoss(_ logits: Tensor, spans: [Int], slots: [Int]) -> Tensor {
        let rows = logits.shape[0], segments = layout.segments.count, width = layout.width
        var chosenSegment = [Float](repeating: 0, count: rows * segments)
        var target = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows {
            chosenSegment[r * segments + conditionSegments[spans[r]]] = 1
            target[r * width + conditions.spans[spans[r]].lowerBound + slots[r]] = 1
        }
        let logNormaliser = (layout.logSumExp(logits) * Tensor(chosenSegment, shape: [rows, segments])).sum()
        return (logNormaliser - (logits * Tensor(target, shape: [rows, width])).sum()) * (1 / Float(rows))
    }

    /// `count` synthetic rows: conditions drawn by the training frequencies of a uniformly chosen span, the
    /// generator in evaluation mode. CTAB-GAN+ drops rows with a continuous value outside its training range and
    /// draws again (at most `maximumDrawFactor` × `count` rows in all; fewer rows come back if that runs out).
    /// The same seed gives the same rows.
    public func sample(count: Int, seed: UInt64) throws -> TabularFrame {
        let rng = RandomGenerator(seed: seed)
        generator.eval()
        defer { generator.train() }
        var kept: TabularFrame? = nil
        var drawn = 0
        while (kept?.rowCount ?? 0) < count && (drawn == 0 || (config.isPlus && drawn < Self.maximumDrawFactor * count)) {
            let rows = count - (kept?.rowCount ?? 0)
            var encoded: [Double] = []
            encoded.reserveCapacity(rows * transformer.width)
            withoutGrad {
                for start in stride(from: 0, to: rows, by: Self.samplingChunk) {
                    let n = min(Self.samplingChunk, rows - start)
                    let z = noise(n, condition: conditions.samplingCondition(batch: n, rng: rng), rng: rng)
                    encoded += layout.activate(generator(z, width: transformer.width), temperature: Self.gumbelTemperature,
                                               rng: rng).scalars.map(Double.init)
                }
            }
            drawn += rows
            let (frame, valid) = transformer.inverse(encoded)
            let accepted = config.isPlus ? frame.rows(valid.indices.filter { valid[$0] }) : frame
            kept = kept.map { $0.appending(accepted) } ?? accepted
        }
        guard let kept, kept.rowCount > 0 else { throw CTABGANSamplingError(drawn: drawn) }
        return kept.rowCount > count ? kept.rows(Array(0..<count)) : kept
    }
}
