import NN
import Tensor

/// A stacked GRU followed by the same linear layer at every step, optionally squashed by a sigmoid: the shape
/// of all five TimeGAN networks (and of the recurrent-GAN baseline's two).
public final class RecurrentNetwork: Module {
    public let rnn: GRU
    public let head: Linear
    /// Whether the head's output goes through a sigmoid (every network but the discriminator).
    public let appliesSigmoid: Bool

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, layerCount: Int, appliesSigmoid: Bool,
                rng: RandomGenerator) {
        rnn = GRU(inputSize: inputSize, hiddenSize: hiddenSize, layerCount: layerCount, rng: rng)
        head = Linear(inputSize: hiddenSize, outputSize: outputSize, rng: rng)
        self.appliesSigmoid = appliesSigmoid
        super.init()
    }

    /// [N, T, inputSize] → [N, T, outputSize].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let y = head(rnn(input).output)
        return appliesSigmoid ? y.sigmoid() : y
    }
}

/// TimeGAN's five networks (reference `timegan.py`), each a `layerCount`-deep GRU with a per-step head:
/// - embedder X → H and recovery H → X̃ (the autoencoder into the latent space),
/// - generator Z → E (latent sequences from noise), supervisor H → Ĥ (one layer fewer; predicts the next latent step),
/// - discriminator H → logit per step (no sigmoid).
public final class TimeGANNetworks: Module {
    public let embedder: RecurrentNetwork
    public let recovery: RecurrentNetwork
    public let generator: RecurrentNetwork
    public let supervisor: RecurrentNetwork
    public let discriminator: RecurrentNetwork

    public init(features: Int, noiseSize: Int, hiddenSize: Int, layerCount: Int, rng: RandomGenerator) {
        check(layerCount >= 2, "TimeGAN: the supervisor has layerCount − 1 layers, so layerCount must be at least 2")
        embedder = RecurrentNetwork(inputSize: features, hiddenSize: hiddenSize, outputSize: hiddenSize,
                                    layerCount: layerCount, appliesSigmoid: true, rng: rng.derived(1))
        recovery = RecurrentNetwork(inputSize: hiddenSize, hiddenSize: hiddenSize, outputSize: features,
                                    layerCount: layerCount, appliesSigmoid: true, rng: rng.derived(2))
        generator = RecurrentNetwork(inputSize: noiseSize, hiddenSize: hiddenSize, outputSize: hiddenSize,
                                     layerCount: layerCount, appliesSigmoid: true, rng: rng.derived(3))
        supervisor = RecurrentNetwork(inputSize: hiddenSize, hiddenSize: hiddenSize, outputSize: hiddenSize,
                                      layerCount: layerCount - 1, appliesSigmoid: true, rng: rng.derived(4))
        discriminator = RecurrentNetwork(inputSize: hiddenSize, hiddenSize: hiddenSize, outputSize: 1,
                                         layerCount: layerCount, appliesSigmoid: false, rng: rng.derived(5))
        super.init()
    }
}
