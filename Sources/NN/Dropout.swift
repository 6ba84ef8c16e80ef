import Tensor

/// Zeroes each value with probability `probability` in training mode and scales the rest by 1/(1 − p), so the
/// expected value is unchanged; the identity in evaluation mode. Masks come from the layer's own generator.
public final class Dropout: Module, Layer {
    public let probability: Float
    let rng: RandomGenerator

    public init(probability: Float, rng: RandomGenerator) {
        check(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.rng = rng
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        let keep = 1 - probability
        let mask = rng.bernoulli(input.shape, probability: keep) * (1 / keep)
        return input * mask
    }
}
