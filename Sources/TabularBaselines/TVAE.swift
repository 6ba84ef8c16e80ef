import Datasets
import NN
import Tensor

/// TVAE's settings; the defaults are the reference's (sdv-dev/CTGAN `TVAESynthesizer`).
public struct TVAEConfig: Codable, Equatable, Sendable {
    /// Optimizer steps, as tab-ddpm's fork counts its `epochs` (the loader cycles through shuffled passes).
    /// sdv's `epochs` are full passes: its 300 epochs at batch 500 are 300·⌈rows/500⌉ steps, which on a small
    /// table is too few to train; a budget in steps is the same work on every table.
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Adam's L2 penalty (`l2scale`).
    public var weightDecay: Float
    public var embeddingSize: Int
    public var compressSizes: [Int]
    public var decompressSizes: [Int]
    /// The reconstruction term's weight against the KL term.
    public var lossFactor: Float

    public init(steps: Int = 300, batchSize: Int = 500, learningRate: Float = 1e-3, weightDecay: Float = 1e-5,
                embeddingSize: Int = 128, compressSizes: [Int] = [128, 128], decompressSizes: [Int] = [128, 128],
                lossFactor: Float = 2) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.embeddingSize = embeddingSize
        self.compressSizes = compressSizes
        self.decompressSizes = decompressSizes
        self.lossFactor = lossFactor
    }
}

/// Linear + ReLU layers of the given widths.
func reluStack(inputSize: Int, widths: [Int], rng: RandomGenerator) -> Sequential {
    var layers: [any Layer] = []
    var size = inputSize
    for w in widths {
        layers.append(Linear(inputSize: size, outputSize: w, rng: rng))
        layers.append(ReLU())
        size = w
    }
    return Sequential(layers)
}

/// x → (μ, log σ²) of the posterior over the embedding.
final class TVAEEncoder: Module {
    let body: Sequential
    let mean: Linear
    let logVariance: Linear

    init(inputSize: Int, widths: [Int], embeddingSize: Int, rng: RandomGenerator) {
        body = reluStack(inputSize: inputSize, widths: widths, rng: rng)
        mean = Linear(inputSize: widths.last ?? inputSize, outputSize: embeddingSize, rng: rng)
        logVariance = Linear(inputSize: widths.last ?? inputSize, outputSize: embeddingSize, rng: rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        let h = body(x)
        return (mean(h), logVariance(h))
    }
}

/// z → the encoded row's logits, with a learned σ per encoded column (only α columns use theirs).
final class TVAEDecoder: Module {
    let body: Sequential
    let output: Linear
    let sigma: Tensor

    init(embeddingSize: Int, widths: [Int], outputSize: Int, rng: RandomGenerator) {
        body = reluStack(inputSize: embeddingSize, widths: widths, rng: rng)
        output = Linear(inputSize: widths.last ?? embeddingSize, outputSize: outputSize, rng: rng)
        sigma = Initialization.constant(0.1, shape: [outputSize])
        super.init()
    }

    func callAsFunction(_ z: Tensor) -> Tensor { output(body(z)) }
}

/// TVAE (Xu et al., NeurIPS 2019) as sdv-dev/CTGAN's `tvae.py` trains it, on mode-specific normalised rows.
///
/// Loss per batch of B rows: lossFactor/B · [Σ_α (α − tanh(α̂))²/(2σ²) + B·Σ_α log σ + Σ_spans cross-entropy]
/// + KL(q(z|x) ‖ N(0, I))/B, minimised by Adam; σ is clamped to [0.01, 1] after every step. Sampling decodes
/// z ~ N(0, I), takes tanh, adds N(0, σ²) noise to each α and decodes modes and categories by argmax.
public final class TVAE {
    public let config: TVAEConfig
    public let transformer: ModeSpecificNormalization
    let layout: SpanLayout
    let encoder: TVAEEncoder
    let decoder: TVAEDecoder

    init(config: TVAEConfig, transformer: ModeSpecificNormalization, rng: RandomGenerator) {
        self.config = config
        self.transformer = transformer
        layout = SpanLayout(spans: transformer.spans, width: transformer.width)
        encoder = TVAEEncoder(inputSize: transformer.width, widths: config.compressSizes,
                              embeddingSize: config.embeddingSize, rng: rng)
        decoder = TVAEDecoder(embeddingSize: config.embeddingSize, widths: config.decompressSizes,
                              outputSize: transformer.width, rng: rng)
    }

    /// Fits the transformer and trains for `config.steps` batches drawn from shuffled passes (the last batch of
    /// a pass may be short). `progress(step, totalSteps, loss)` is called after every step.
    public static func train(on train: TabularFrame, config: TVAEConfig, seed: UInt64,
                             progress: ((Int, Int, Double) -> Void)? = nil) throws -> TVAE {
        check(train.rowCount > 0, "TVAE: the training frame is empty")
        let rng = RandomGenerator(seed: seed)
        let transformer = ModeSpecificNormalization(fitting: train, seed: rng.derived(1).seed)
        let model = TVAE(config: config, transformer: transformer, rng: rng.derived(3))
        let data = Tensor(transformer.transform(train, seed: rng.derived(2).seed).map(Float.init),
                          shape: [train.rowCount, transformer.width])
        try model.fit(data, rng: rng.derived(4), progress: progress)
        return model
    }

    func fit(_ data: Tensor, rng: RandomGenerator, progress: ((Int, Int, Double) -> Void)?) throws {
        let n = data.shape[0], batch = max(1, min(config.batchSize, n))
        let total = config.steps
        let optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: config.learningRate,
                             weightDecay: config.weightDecay)
        var step = 0
        while step < total {
            let order = rng.permutation(n)
            for start in stride(from: 0, to: n, by: batch) where step < total {
                step += 1
                let x = data.gathering(Array(order[start..<min(start + batch, n)]))
                optimizer.zeroGrad()
                let loss = self.loss(x, noise: rng.normal([x.shape[0], config.embeddingSize]))
                let value = Double(loss.item)
                guard value.isFinite else {
                    throw NonFiniteLossError(model: "TVAE", step: step, totalSteps: total, quantity: "loss", value: value)
                }
                loss.backward()
                optimizer.step()
                decoder.sigma.withMutableBuffer { s in for i in s.indices { s[i] = min(max(s[i], 0.01), 1) } }
                progress?(step, total, value)
            }
        }
    }

    /// The batch's loss with reparameterisation noise `noise` ([rows, embeddingSize]).
    func loss(_ x: Tensor, noise: Tensor) -> Tensor {
        let rows = Float(x.shape[0])
        let (mean, logVariance) = encoder(x)
        let z = noise * (logVariance * 0.5).exp() + mean
        let reconstruction = decoder(z)
        var total = (layout.logSumExp(reconstruction) * layout.softmaxSegmentMask).sum()
            - (reconstruction * (x * layout.softmaxMask)).sum()
        if !layout.alphaColumns.isEmpty {
            let sigma = decoder.sigma.gathering(layout.alphaColumns)
            let residual = x.gathering(layout.alphaColumns, axis: 1) - reconstruction.gathering(layout.alphaColumns, axis: 1).tanh()
            total = total + (residual.squared() / (sigma.squared() * 2)).sum() + sigma.log().sum() * rows
        }
        let kl = gaussianKL(mean: mean, logVariance: logVariance, reduction: .sum)
        return total * (config.lossFactor / rows) + kl * (1 / rows)
    }

    /// `count` synthetic rows; the same seed gives the same rows.
    public func sample(count: Int, seed: UInt64) -> TabularFrame {
        let rng = RandomGenerator(seed: seed)
        let chunk = 4096
        var encoded: [Double] = []
        encoded.reserveCapacity(count * transformer.width)
        withoutGrad {
            for start in stride(from: 0, to: count, by: chunk) {
                let z = rng.normal([min(chunk, count - start), config.embeddingSize])
                encoded += decoder(z).tanh().scalars.map(Double.init)
            }
        }
        let sigmas = decoder.sigma.scalars.map(Double.init)
        return transformer.inverse(encoded, alphaNoise: (sigmas, rng))
    }
}
