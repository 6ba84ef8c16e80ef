import Foundation
import Tensor

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
        check(shape.reduce(1, *) == indices.count, "Embedding: \(indices.count) indices for shape \(shape)")
        return weight.gathering(indices, axis: 0).reshaped(shape + [dimension])
    }
}

/// The sinusoidal timestep embedding of DDPM and TabDDPM (after Vaswani et al. 2017): for `half = dimension / 2`
/// frequencies fᵢ = maxPeriod^(−i/half), i = 0..<half, the embedding of t is [sin(t·f₀), …, sin(t·f_{half−1}),
/// cos(t·f₀), …, cos(t·f_{half−1})] (cosines first when `cosineFirst`, as in TabDDPM's and guided-diffusion's
/// `timestep_embedding`), with one zero column appended when `dimension` is odd.
///
/// `timesteps` is [N] (or [N, 1]); the result is [N, dimension]. It is differentiable in `timesteps`.
public func sinusoidalEmbedding(_ timesteps: Tensor, dimension: Int, maxPeriod: Float = 10_000,
                                cosineFirst: Bool = false) -> Tensor {
    check(dimension >= 2, "sinusoidalEmbedding: dimension must be at least 2, got \(dimension)")
    check(timesteps.rank == 1 || (timesteps.rank == 2 && timesteps.shape[1] == 1),
                 "sinusoidalEmbedding: timesteps must be [N] or [N, 1], got \(timesteps.shape)")
    let n = timesteps.shape[0], half = dimension / 2
    let frequencies = (0..<half).map { i in Foundation.exp(-Foundation.log(maxPeriod) * Float(i) / Float(half)) }
    let args = timesteps.reshaped([n, 1]) * Tensor(frequencies, shape: [1, half])
    var parts = cosineFirst ? [args.cos(), args.sin()] : [args.sin(), args.cos()]
    if dimension % 2 == 1 { parts.append(Tensor(zeros: [n, 1])) }
    return Tensor.concat(parts, axis: 1)
}

/// `sinusoidalEmbedding` as a parameter-free layer.
public final class SinusoidalEmbedding: Module, Layer {
    public let dimension: Int
    public let maxPeriod: Float
    public let cosineFirst: Bool

    public init(dimension: Int, maxPeriod: Float = 10_000, cosineFirst: Bool = false) {
        self.dimension = dimension
        self.maxPeriod = maxPeriod
        self.cosineFirst = cosineFirst
        super.init()
    }

    public func callAsFunction(_ timesteps: Tensor) -> Tensor {
        sinusoidalEmbedding(timesteps, dimension: dimension, maxPeriod: maxPeriod, cosineFirst: cosineFirst)
    }
}
