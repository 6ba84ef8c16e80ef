import Foundation
import Tensor

/// PyTorch's default initialisations, drawn from the kit's counter-based generator.
public enum Initialization {
    /// U(−b, b) as a trainable parameter.
    public static func uniform(_ shape: [Int], bound: Float, rng: RandomGenerator) -> Tensor {
        let t = rng.uniform(shape, low: -bound, high: bound)
        t.requiresGrad = true
        return t
    }

    /// N(mean, std²) as a trainable parameter.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: RandomGenerator) -> Tensor {
        let t = rng.normal(shape, mean: mean, std: std)
        t.requiresGrad = true
        return t
    }

    /// A constant trainable parameter (norm scales start at 1, shifts at 0).
    public static func constant(_ value: Float, shape: [Int]) -> Tensor {
        Tensor(repeating: value, shape: shape, requiresGrad: true)
    }

    /// PyTorch's `kaiming_uniform_(w, a: √5)` for Linear and Conv weights, which works out to
    /// U(−1/√fanIn, 1/√fanIn): gain √(2/(1+a²)) = √(1/3), bound = gain·√(3/fanIn).
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, rng: RandomGenerator) -> Tensor {
        uniform(shape, bound: 1 / Float(max(fanIn, 1)).squareRoot(), rng: rng)
    }

    /// PyTorch's bias initialisation for Linear and Conv: U(−1/√fanIn, 1/√fanIn).
    public static func bias(_ count: Int, fanIn: Int, rng: RandomGenerator) -> Tensor {
        uniform([count], bound: 1 / Float(max(fanIn, 1)).squareRoot(), rng: rng)
    }
}
