import Tensor

/// Zeroes each value with probability `probability` in training mode and scales the rest by 1/(1 − p), so the
/// expected value is unchanged; the identity in evaluation mode. Masks come from the layer's own generator.
public final class Dropout: Module, Layer {
    public let probability: Float
    let rng: RandomGenerator

    public init(probability: Float, rng: RandomGenerator) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
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

/// A table of `count` learned vectors of size `dimension`, looked up by index (PyTorch's init: N(0, 1)).
public final class Embedding: Module {
    public let weight: Tensor

    public var count: Int { weight.shape[0] }
    public var dimension: Int { weight.shape[1] }

    public init(count: Int, dimension: Int, rng: RandomGenerator) {
        weight = Initialization.normal([count, dimension], rng: rng)
        super.init()
    }

    /// Rows for `indices`: shape [indices.count, dimension]. The gradient scatter-adds into the table.
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        weight.gathering(indices, axis: 0)
    }

    /// Rows for `indices` laid out in `shape` (e.g. [N, T]): shape `shape + [dimension]`.
    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor {
        precondition(shape.reduce(1, *) == indices.count, "Embedding: \(indices.count) indices for shape \(shape)")
        return weight.gathering(indices, axis: 0).reshaped(shape + [dimension])
    }
}
