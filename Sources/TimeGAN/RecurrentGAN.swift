import Datasets
import NN
import Tensor

/// The baseline for claim T.3: a plain recurrent GAN in data space. The generator is a GRU over the same noise
/// Z ~ U(0, 1) with a per-step sigmoid head into the (scaled) data; the discriminator is a per-step GRU with
/// a linear logit. Only the adversarial BCE losses: no embedding, no supervised loss, no moment loss, no
/// discriminator gate. Each iteration is one discriminator step and one generator step (non-saturating loss).
public final class RecurrentGAN {
    public let configuration: TimeGANConfiguration
    public let features: Int
    public let sequenceLength: Int
    public let generator: RecurrentNetwork
    public let discriminator: RecurrentNetwork
    public private(set) var scaler: MinMaxScaler
    let rng: RandomGenerator
    let generatorSolver, discriminatorSolver: Adam

    /// Uses `hiddenSize`, `layerCount`, `batchSize`, `iterations` and `learningRate` of `configuration`.
    public init(data: Tensor, configuration: TimeGANConfiguration = .init(), rng: RandomGenerator) {
        check(data.rank == 3, "RecurrentGAN: data \(data.shape) is not [N, T, D]")
        self.configuration = configuration
        features = data.shape[2]
        sequenceLength = data.shape[1]
        scaler = MinMaxScaler(fitting: data, epsilon: MinMaxScaler.timeGANEpsilon)
        self.rng = rng.derived(200)
        generator = RecurrentNetwork(inputSize: features, hiddenSize: configuration.hiddenSize, outputSize: features,
                                     layerCount: configuration.layerCount, appliesSigmoid: true, rng: rng.derived(201))
        discriminator = RecurrentNetwork(inputSize: features, hiddenSize: configuration.hiddenSize, outputSize: 1,
                                         layerCount: configuration.layerCount, appliesSigmoid: false,
                                         rng: rng.derived(202))
        generatorSolver = Adam(parameters: generator.parameters, learningRate: configuration.learningRate)
        discriminatorSolver = Adam(parameters: discriminator.parameters, learningRate: configuration.learningRate)
    }

    public func noise(_ count: Int) -> Tensor { rng.uniform([count, sequenceLength, features]) }

    public func train(on data: Tensor, progress: (TrainingEvent) -> Void = { _ in }) {
        let scaled = scaler.transform(data)
        let total = configuration.iterations
        for i in 1...total {
            let x = scaled.gathering(SequenceData.drawWithoutReplacement(configuration.batchSize,
                                                                        from: scaled.shape[0], rng: rng))
            let fake = generator(noise(x.shape[0]))
            let dLoss = TimeGANLoss.adversarial(logits: discriminator(x), target: 1)
                + TimeGANLoss.adversarial(logits: discriminator(fake.detached()), target: 0)
            discriminator.zeroGrad()
            dLoss.backward()
            discriminatorSolver.step()
            discriminator.zeroGrad()
            let gLoss = TimeGANLoss.adversarial(logits: discriminator(generator(noise(x.shape[0]))), target: 1)
            generator.zeroGrad()
            gLoss.backward()
            generatorSolver.step()
            generator.zeroGrad()
            discriminator.zeroGrad()
            progress(TrainingEvent(phase: .adversarial, step: i, total: total,
                                   losses: [("G_loss", gLoss.item), ("D_loss", dLoss.item)]))
        }
    }

    public func generate(count: Int, chunk: Int = 1024) -> Tensor {
        let parts = stride(from: 0, to: count, by: chunk).map { start in
            withoutGrad { generator(noise(Swift.min(chunk, count - start))) }
        }
        return scaler.inverse(Tensor.concat(parts, axis: 0))
    }
}
