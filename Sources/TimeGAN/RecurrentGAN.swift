import Datasets
import NN
import Tensor

/// The recurrent-GAN baseline's settings: RCGAN's as its authors train it (Esteban, Hyland & Rätsch 2017, code
/// github.com/ratschlab/RGAN: `model.py` and `experiments/settings/test.txt`), with a GRU where they use an LSTM.
public struct RecurrentGANConfiguration: Codable, Sendable, Equatable {
    /// Hidden units of the generator's and the discriminator's recurrent layer (RCGAN: 100 each, one layer).
    public var hiddenSize = 100
    public var layerCount = 1
    /// Gaussian noise per step (RCGAN's `latent_dim`).
    public var noiseSize = 5
    public var batchSize = 28
    /// Discriminator steps, each on its own minibatch, before every generator step (RCGAN's `D_rounds`).
    public var discriminatorRounds = 5
    /// Passes over the data (RCGAN: 100).
    public var epochs = 100
    /// Plain gradient descent for the discriminator (RCGAN: 0.1) and Adam for the generator (TensorFlow's default 1e-3).
    public var discriminatorLearningRate: Float = 0.1
    public var generatorLearningRate: Float = 1e-3

    public init(epochs: Int = 100) { self.epochs = epochs }

    /// Generator steps in training on `count` sequences: one per group of `discriminatorRounds` minibatches.
    public func generatorSteps(count: Int) -> Int {
        epochs * Swift.max(1, count / batchSize / discriminatorRounds)
    }
}

/// The baseline for claim T.3: a plain recurrent GAN in data space, trained as RCGAN (without its conditioning
/// labels). The generator is a recurrent network over per-step noise Z ~ N(0, 1) with a tanh head into the data
/// scaled to [−1, 1]; the discriminator a recurrent network with a logit per step, BCE averaged over steps. Every
/// generator step (non-saturating loss, Adam) follows `discriminatorRounds` discriminator steps (gradient descent).
/// No embedding, supervised or moment loss.
public final class RecurrentGAN {
    public let configuration: RecurrentGANConfiguration
    public let features: Int
    public let sequenceLength: Int
    public let generator: Network
    public let discriminator: Network
    public private(set) var scaler: MinMaxScaler
    let rng: RandomGenerator
    let generatorSolver: Adam
    let discriminatorSolver: SGD

    /// A GRU stack with the same linear layer at every step, its output optionally through tanh.
    public final class Network: Module {
        public let rnn: GRU
        public let head: Linear
        let appliesTanh: Bool

        init(inputSize: Int, hiddenSize: Int, outputSize: Int, layerCount: Int, appliesTanh: Bool, rng: RandomGenerator) {
            rnn = GRU(inputSize: inputSize, hiddenSize: hiddenSize, layerCount: layerCount, rng: rng)
            head = Linear(inputSize: hiddenSize, outputSize: outputSize, rng: rng)
            self.appliesTanh = appliesTanh
            super.init()
        }

        public func callAsFunction(_ input: Tensor) -> Tensor {
            let y = head(rnn(input).output)
            return appliesTanh ? y.tanh() : y
        }
    }

    public init(data: Tensor, configuration: RecurrentGANConfiguration = .init(), rng: RandomGenerator) {
        check(data.rank == 3, "RecurrentGAN: data \(data.shape) is not [N, T, D]")
        let c = configuration
        self.configuration = c
        features = data.shape[2]
        sequenceLength = data.shape[1]
        scaler = MinMaxScaler(fitting: data, epsilon: MinMaxScaler.timeGANEpsilon)
        self.rng = rng.derived(200)
        generator = Network(inputSize: c.noiseSize, hiddenSize: c.hiddenSize, outputSize: features,
                            layerCount: c.layerCount, appliesTanh: true, rng: rng.derived(201))
        discriminator = Network(inputSize: features, hiddenSize: c.hiddenSize, outputSize: 1,
                                layerCount: c.layerCount, appliesTanh: false, rng: rng.derived(202))
        generatorSolver = Adam(parameters: generator.parameters, learningRate: c.generatorLearningRate)
        discriminatorSolver = SGD(parameters: discriminator.parameters, learningRate: c.discriminatorLearningRate)
    }

    public func noise(_ count: Int) -> Tensor { rng.normal([count, sequenceLength, configuration.noiseSize]) }

    /// Trains on `data` ([N, T, D], unscaled), reporting every generator step (with the last discriminator loss).
    public func train(on data: Tensor, progress: (TrainingEvent) -> Void = { _ in }) {
        let c = configuration
        let scaled = scaler.transform(data) * 2 - 1
        let n = scaled.shape[0], batch = Swift.min(c.batchSize, n)
        let batches = n / batch, groups = Swift.max(1, batches / c.discriminatorRounds)
        let total = c.generatorSteps(count: n)
        let discriminatorParameters = discriminator.parameters
        var step = 0
        for _ in 0..<c.epochs {
            let order = rng.permutation(n)
            for g in 0..<groups {
                var dLoss: Float = 0
                for k in 0..<c.discriminatorRounds {
                    // Fewer minibatches than discriminator rounds (tiny data): the epoch's minibatches come round again.
                    let start = (g * c.discriminatorRounds + k) % batches * batch
                    let x = scaled.gathering(Array(order[start..<(start + batch)]))
                    let fake = withoutGrad { generator(noise(batch)) }
                    let loss = TimeGANLoss.adversarial(logits: discriminator(x), target: 1)
                        + TimeGANLoss.adversarial(logits: discriminator(fake), target: 0)
                    discriminator.zeroGrad()
                    loss.backward()
                    discriminatorSolver.step()
                    discriminator.zeroGrad()
                    dLoss = loss.item
                }
                // The discriminator is only differentiated through, never updated, in the generator's step.
                for p in discriminatorParameters { p.requiresGrad = false }
                let gLoss = TimeGANLoss.adversarial(logits: discriminator(generator(noise(batch))), target: 1)
                generator.zeroGrad()
                gLoss.backward()
                generatorSolver.step()
                generator.zeroGrad()
                for p in discriminatorParameters { p.requiresGrad = true }
                step += 1
                progress(TrainingEvent(phase: .adversarial, step: step, total: total,
                                       losses: [("G_loss", gLoss.item), ("D_loss", dLoss)]))
            }
        }
    }

    public func generate(count: Int, chunk: Int = 1024) -> Tensor {
        let parts = stride(from: 0, to: count, by: chunk).map { start in
            withoutGrad { (generator(noise(Swift.min(chunk, count - start))) + 1) * 0.5 }
        }
        return scaler.inverse(Tensor.concat(parts, axis: 0))
    }
}
