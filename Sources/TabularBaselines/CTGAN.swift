import Datasets
import Foundation
import NN
import Tensor

/// CTGAN's settings; the defaults are the reference's (sdv-dev/CTGAN `CTGAN.__init__`).
public struct CTGANConfig: Codable, Equatable, Sendable {
    /// Generator updates (each after `discriminatorSteps` critic updates). sdv's `epochs` are max(rows/batch, 1)
    /// steps each, so its 300 epochs are 300 steps on a table of fewer than 1,000 rows; a budget in steps is the
    /// same work on every table.
    public var steps: Int
    /// Rows per step; must be a multiple of `pac`.
    public var batchSize: Int
    public var embeddingSize: Int
    public var generatorSizes: [Int]
    public var discriminatorSizes: [Int]
    public var generatorLearningRate: Float
    public var generatorWeightDecay: Float
    public var discriminatorLearningRate: Float
    public var discriminatorWeightDecay: Float
    /// Discriminator updates per generator update.
    public var discriminatorSteps: Int
    /// Rows the discriminator judges together (PacGAN).
    public var pac: Int
    /// Condition categories by log(1 + count) rather than count.
    public var logFrequency: Bool
    /// λ of the gradient penalty.
    public var gradientPenaltyWeight: Float

    public init(steps: Int = 300, batchSize: Int = 500, embeddingSize: Int = 128, generatorSizes: [Int] = [256, 256],
                discriminatorSizes: [Int] = [256, 256], generatorLearningRate: Float = 2e-4,
                generatorWeightDecay: Float = 1e-6, discriminatorLearningRate: Float = 2e-4,
                discriminatorWeightDecay: Float = 1e-6, discriminatorSteps: Int = 1, pac: Int = 10,
                logFrequency: Bool = true, gradientPenaltyWeight: Float = 10) {
        self.steps = steps
        self.batchSize = batchSize
        self.embeddingSize = embeddingSize
        self.generatorSizes = generatorSizes
        self.discriminatorSizes = discriminatorSizes
        self.generatorLearningRate = generatorLearningRate
        self.generatorWeightDecay = generatorWeightDecay
        self.discriminatorLearningRate = discriminatorLearningRate
        self.discriminatorWeightDecay = discriminatorWeightDecay
        self.discriminatorSteps = discriminatorSteps
        self.pac = pac
        self.logFrequency = logFrequency
        self.gradientPenaltyWeight = gradientPenaltyWeight
    }
}

/// Linear → BatchNorm → ReLU, concatenated with its input (the generator grows by `outputSize` per block).
final class CTGANResidual: Module {
    let linear: Linear
    let norm: BatchNorm

    init(inputSize: Int, outputSize: Int, rng: RandomGenerator) {
        linear = Linear(inputSize: inputSize, outputSize: outputSize, rng: rng)
        norm = BatchNorm(featureCount: outputSize)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { Tensor.concat([norm(linear(x)).relu(), x], axis: 1) }
}

final class CTGANGenerator: Module {
    let blocks: [CTGANResidual]
    let output: Linear

    init(inputSize: Int, widths: [Int], outputSize: Int, rng: RandomGenerator) {
        var size = inputSize
        blocks = widths.map { w in
            defer { size += w }
            return CTGANResidual(inputSize: size, outputSize: w, rng: rng)
        }
        output = Linear(inputSize: size, outputSize: outputSize, rng: rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { output(blocks.reduce(x) { $1($0) }) }
}

/// PacGAN critic: `pac` consecutive rows are flattened into one input, then Linear → LeakyReLU(0.2) →
/// Dropout(0.5) per hidden layer and a linear score. Dropout masks are passed in, so the gradient penalty can
/// evaluate one network at several points.
final class CTGANDiscriminator: Module {
    let hidden: [Linear]
    let output: Linear
    let pac: Int
    static let dropout: Float = 0.5

    init(inputSize: Int, widths: [Int], pac: Int, rng: RandomGenerator) {
        self.pac = pac
        var size = inputSize * pac
        hidden = widths.map { w in
            defer { size = w }
            return Linear(inputSize: size, outputSize: w, rng: rng)
        }
        output = Linear(inputSize: size, outputSize: 1, rng: rng)
        super.init()
    }

    /// Fresh inverted-dropout masks for `packs` packs (all ones in evaluation mode).
    func masks(packs: Int, rng: RandomGenerator) -> [Tensor] {
        let keep = 1 - Self.dropout
        return hidden.map { layer in
            isTraining ? rng.bernoulli([packs, layer.outputSize], probability: keep) * (1 / keep)
                : Tensor(repeating: 1, shape: [packs, layer.outputSize])
        }
    }

    /// Scores for packed input [packs, pac·width] → [packs, 1].
    func scores(packed x: Tensor, masks: [Tensor]) -> Tensor {
        output(zip(hidden, masks).reduce(x) { h, layer in layer.0(h).leakyRelu(slope: 0.2) * layer.1 })
    }

    /// Packs rows [batch, width] (batch a multiple of pac) and scores them with fresh masks.
    func callAsFunction(_ x: Tensor, rng: RandomGenerator) -> Tensor {
        let packs = x.shape[0] / pac
        return scores(packed: x.reshaped([packs, pac * x.shape[1]]), masks: masks(packs: packs, rng: rng))
    }
}

/// CTGAN (Xu et al., NeurIPS 2019) as sdv-dev/CTGAN's `ctgan.py` trains it: a conditional WGAN-GP on
/// mode-specific normalised rows with training-by-sampling, a residual generator whose α outputs go through
/// tanh and whose one-hot spans go through Gumbel-softmax (τ = 0.2), a PacGAN critic, and a cross-entropy term
/// that makes the generator honour its condition.
///
/// One deviation: the gradient penalty. The kit's tape cannot differentiate a gradient (its backward pass is
/// not recorded), so ‖∇ₓD(x̂)‖ is replaced by a central difference of D along the detached unit gradient
/// direction u = ∇ₓD/‖∇ₓD‖: s = (D(x̂ + hu) − D(x̂ − hu))/2h with h = 10⁻², the same dropout masks at both
/// points. For fixed u, ∂s/∂θ → uᵀ∂(∇ₓD)/∂θ = ∂‖∇ₓD‖/∂θ as h → 0, so λ·mean((s − 1)²) has the reference
/// penalty's value and parameter gradient up to O(h²) (exactly, for a critic that is linear between x̂ ± hu).
public final class CTGAN {
    public let config: CTGANConfig
    public let transformer: ModeSpecificNormalization
    let layout: SpanLayout
    let sampler: ConditionalSampler
    let generator: CTGANGenerator
    let discriminator: CTGANDiscriminator
    let generatorParameters: [Tensor], discriminatorParameters: [Tensor]
    /// For each discrete column, the index of its span among the layout's segments.
    let discreteSegments: [Int]

    static let gumbelTemperature: Float = 0.2
    static let penaltyStep: Float = 1e-2

    init(config: CTGANConfig, frame: TabularFrame, transformer: ModeSpecificNormalization, rng: RandomGenerator) {
        check(config.pac > 0 && config.batchSize % config.pac == 0,
              "CTGAN: batch size \(config.batchSize) is not a multiple of pac \(config.pac)")
        self.config = config
        self.transformer = transformer
        let layout = SpanLayout(spans: transformer.spans, width: transformer.width)
        self.layout = layout
        sampler = ConditionalSampler(frame: frame, transformer: transformer, logFrequency: config.logFrequency)
        generator = CTGANGenerator(inputSize: config.embeddingSize + sampler.width, widths: config.generatorSizes,
                                   outputSize: transformer.width, rng: rng)
        discriminator = CTGANDiscriminator(inputSize: transformer.width + sampler.width,
                                           widths: config.discriminatorSizes, pac: config.pac, rng: rng)
        generatorParameters = generator.parameters
        discriminatorParameters = discriminator.parameters
        discreteSegments = transformer.discrete.map { column in layout.segments.firstIndex(of: column.span)! }
    }

    /// Fits the transformer and trains for `config.steps` steps, each `discriminatorSteps` critic updates and one
    /// generator update. `progress(step, totalSteps, generatorLoss)`.
    public static func train(on train: TabularFrame, config: CTGANConfig, seed: UInt64,
                             progress: ((Int, Int, Double) -> Void)? = nil) throws -> CTGAN {
        check(train.rowCount > 0, "CTGAN: the training frame is empty")
        let rng = RandomGenerator(seed: seed)
        let transformer = ModeSpecificNormalization(fitting: train, seed: rng.derived(1).seed)
        let model = CTGAN(config: config, frame: train, transformer: transformer, rng: rng.derived(3))
        let data = Tensor(transformer.transform(train, seed: rng.derived(2).seed).map(Float.init),
                          shape: [train.rowCount, transformer.width])
        try model.fit(data, rng: rng.derived(4), progress: progress)
        return model
    }

    /// The generator's input: N(0, I) noise, then the conditional vector.
    func generatorInput(_ rows: Int, condition: Tensor?, rng: RandomGenerator) -> Tensor {
        let z = rng.normal([rows, config.embeddingSize])
        return condition.map { Tensor.concat([z, $0], axis: 1) } ?? z
    }

    func withCondition(_ x: Tensor, _ condition: Tensor?) -> Tensor {
        condition.map { Tensor.concat([x, $0], axis: 1) } ?? x
    }

    func fit(_ data: Tensor, rng: RandomGenerator, progress: ((Int, Int, Double) -> Void)?) throws {
        let batch = config.batchSize, total = config.steps
        let generatorOptimizer = Adam(parameters: generatorParameters, learningRate: config.generatorLearningRate,
                                      beta1: 0.5, beta2: 0.9, weightDecay: config.generatorWeightDecay)
        let discriminatorOptimizer = Adam(parameters: discriminatorParameters,
                                          learningRate: config.discriminatorLearningRate, beta1: 0.5, beta2: 0.9,
                                          weightDecay: config.discriminatorWeightDecay)
        for step in 1...max(total, 1) where total > 0 {
            for _ in 0..<config.discriminatorSteps {
                let loss = discriminatorLoss(data, batch: batch, rng: rng)
                let value = Double(loss.item)
                guard value.isFinite else {
                    throw NonFiniteLossError(model: "CTGAN", step: step, totalSteps: total,
                                             quantity: "discriminator loss", value: value)
                }
                discriminatorOptimizer.zeroGrad()
                loss.backward()
                discriminatorOptimizer.step()
            }
            for p in discriminatorParameters { p.requiresGrad = false }
            let loss = generatorLoss(batch: batch, rng: rng)
            for p in discriminatorParameters { p.requiresGrad = true }
            let value = Double(loss.item)
            guard value.isFinite else {
                throw NonFiniteLossError(model: "CTGAN", step: step, totalSteps: total, quantity: "generator loss", value: value)
            }
            generatorOptimizer.zeroGrad()
            loss.backward()
            generatorOptimizer.step()
            progress?(step, total, value)
        }
    }

    /// −(mean D(real) − mean D(fake)) + gradient penalty. Real rows match the conditions, shuffled against the
    /// fake rows' order as the reference shuffles them.
    func discriminatorLoss(_ data: Tensor, batch: Int, rng: RandomGenerator) -> Tensor {
        var condition: Tensor? = nil, realCondition: Tensor? = nil
        let real: Tensor
        if sampler.isEmpty {
            real = data.gathering((0..<batch).map { _ in rng.integer(below: data.shape[0]) })
        } else {
            let c = sampler.trainingCondition(batch: batch, rng: rng)
            let permutation = rng.permutation(batch)
            real = data.gathering(sampler.rows(columns: permutation.map { c.columns[$0] },
                                               categories: permutation.map { c.categories[$0] }, rng: rng))
            condition = c.vector
            realCondition = c.vector.gathering(permutation)
        }
        let fake = withoutGrad {
            layout.activate(generator(generatorInput(batch, condition: condition, rng: rng)),
                            temperature: Self.gumbelTemperature, rng: rng)
        }
        let fakeRows = withCondition(fake, condition), realRows = withCondition(real, realCondition)
        let wasserstein = discriminator(fakeRows, rng: rng).mean() - discriminator(realRows, rng: rng).mean()
        return wasserstein + gradientPenalty(real: realRows, fake: fakeRows, rng: rng)
    }

    /// The finite-difference gradient penalty described on the type, on x̂ = αx + (1 − α)x̃ with α ~ U(0, 1)
    /// per pack.
    func gradientPenalty(real: Tensor, fake: Tensor, rng: RandomGenerator) -> Tensor {
        let packs = real.shape[0] / config.pac, packWidth = config.pac * real.shape[1]
        let alpha = rng.uniform([packs, 1])
        let mixed = withoutGrad {
            real.reshaped([packs, packWidth]) * alpha + fake.reshaped([packs, packWidth]) * (1 - alpha)
        }
        return gradientPenalty(at: mixed, masks: discriminator.masks(packs: packs, rng: rng))
    }

    func gradientPenalty(at mixed: Tensor, masks: [Tensor]) -> Tensor {
        let packs = mixed.shape[0]
        let point = mixed.copy()
        point.requiresGrad = true
        let frozen = discriminatorParameters.map(\.requiresGrad)
        for p in discriminatorParameters { p.requiresGrad = false }
        discriminator.scores(packed: point, masks: masks).sum().backward()
        for (p, f) in zip(discriminatorParameters, frozen) { p.requiresGrad = f }
        let gradient = point.grad!
        let h = Self.penaltyStep
        let step = withoutGrad { () -> Tensor in
            let norms = gradient.squared().sum(axes: [1], keepingDims: true).sqrt()
            let safe = Tensor(norms.scalars.map { $0 > 0 ? h / $0 : 0 }, shape: [packs, 1])
            return gradient * safe
        }
        let slope = (discriminator.scores(packed: mixed + step, masks: masks)
            - discriminator.scores(packed: mixed - step, masks: masks)) * (1 / (2 * h))
        return (slope - 1).squared().mean() * config.gradientPenaltyWeight
    }

    /// −mean D(G(z, c)) + the cross-entropy of the conditioned column's logits against its condition.
    func generatorLoss(batch: Int, rng: RandomGenerator) -> Tensor {
        let c = sampler.isEmpty ? nil : sampler.trainingCondition(batch: batch, rng: rng)
        let raw = generator(generatorInput(batch, condition: c?.vector, rng: rng))
        let fake = layout.activate(raw, temperature: Self.gumbelTemperature, rng: rng)
        let adversarial = -discriminator(withCondition(fake, c?.vector), rng: rng).mean()
        guard let c else { return adversarial }
        return adversarial + conditionLoss(raw, columns: c.columns, categories: c.categories)
    }

    /// `_cond_loss`: per row, cross-entropy of the chosen discrete column's logits against the chosen category,
    /// summed and divided by the batch size.
    func conditionLoss(_ logits: Tensor, columns: [Int], categories: [Int]) -> Tensor {
        let rows = logits.shape[0], segments = layout.segments.count, width = layout.width
        var chosenSegment = [Float](repeating: 0, count: rows * segments)
        var target = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows {
            chosenSegment[r * segments + discreteSegments[columns[r]]] = 1
            target[r * width + sampler.columns[columns[r]].start + categories[r]] = 1
        }
        let logNormaliser = (layout.logSumExp(logits) * Tensor(chosenSegment, shape: [rows, segments])).sum()
        return (logNormaliser - (logits * Tensor(target, shape: [rows, width])).sum()) * (1 / Float(rows))
    }

    /// `count` synthetic rows: conditions drawn from the data's own category frequencies, the generator in
    /// training mode (batch statistics, whole batches of `batchSize`) as the reference samples, α and
    /// Gumbel-softmax outputs decoded by clipping and argmax. The same seed gives the same rows.
    public func sample(count: Int, seed: UInt64) -> TabularFrame {
        let rng = RandomGenerator(seed: seed)
        let batch = config.batchSize
        var encoded: [Double] = []
        encoded.reserveCapacity((count / batch + 1) * batch * transformer.width)
        withoutGrad {
            for _ in 0..<(count / batch + 1) {
                let condition = sampler.isEmpty ? nil : sampler.originalCondition(batch: batch, rng: rng)
                let raw = generator(generatorInput(batch, condition: condition, rng: rng))
                encoded += layout.activate(raw, temperature: Self.gumbelTemperature, rng: rng).scalars.map(Double.init)
            }
        }
        return transformer.inverse(Array(encoded.prefix(count * transformer.width)))
    }
}
