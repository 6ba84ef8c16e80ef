import Foundation
import Tensor

/// A regular 1-D grid x₀ < x₁ < … < x_{n−1} over which densities are tabulated and integrated.
public struct Grid1D: Sendable, Equatable {
    public let lower: Double
    public let upper: Double
    public let count: Int

    public init(lower: Double, upper: Double, count: Int) {
        precondition(count >= 2 && upper > lower, "Grid1D: need count ≥ 2 and upper > lower")
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    public var step: Double { (upper - lower) / Double(count - 1) }
    public var points: [Double] { (0..<count).map { lower + Double($0) * step } }

    /// ∫ f dx by the trapezoidal rule over the grid's tabulated values.
    public func integrate(_ values: [Double]) -> Double {
        precondition(values.count == count, "Grid1D.integrate: \(values.count) values for \(count) points")
        var s = 0.0
        for i in 0..<count { s += (i == 0 || i == count - 1) ? values[i] / 2 : values[i] }
        return s * step
    }
}

/// A 1-D density that can be evaluated pointwise and sampled.
public protocol Density1D: Sendable {
    func pdf(_ x: Double) -> Double
    /// `n` independent draws, from `rng` only (deterministic).
    func sample(_ n: Int, rng: RandomGenerator) -> [Double]
}

extension Density1D {
    public func pdf(on grid: Grid1D) -> [Double] { grid.points.map(pdf) }
}

/// N(mean, std²).
public struct Gaussian1D: Density1D, Equatable {
    public var mean: Double
    public var std: Double

    public init(mean: Double, std: Double) {
        precondition(std > 0, "Gaussian1D: std must be positive, got \(std)")
        self.mean = mean
        self.std = std
    }

    public func pdf(_ x: Double) -> Double {
        let z = (x - mean) / std
        return Foundation.exp(-0.5 * z * z) / (std * (2 * Double.pi).squareRoot())
    }

    public func sample(_ n: Int, rng: RandomGenerator) -> [Double] {
        rng.normal([n]).scalars.map { mean + std * Double($0) }
    }
}

/// Σₖ wₖ N(meanₖ, stdₖ²) with weights summing to one.
public struct GaussianMixture1D: Density1D, Equatable {
    public var components: [Gaussian1D]
    public var weights: [Double]

    public init(_ components: [Gaussian1D], weights: [Double]? = nil) {
        precondition(!components.isEmpty, "GaussianMixture1D: no components")
        let w = weights ?? Array(repeating: 1, count: components.count)
        precondition(w.count == components.count && w.allSatisfy { $0 >= 0 }, "GaussianMixture1D: bad weights")
        let total = w.reduce(0, +)
        self.components = components
        self.weights = w.map { $0 / total }
    }

    public func pdf(_ x: Double) -> Double {
        zip(components, weights).reduce(0) { $0 + $1.1 * $1.0.pdf(x) }
    }

    public var mean: Double { zip(components, weights).reduce(0) { $0 + $1.1 * $1.0.mean } }
    public var variance: Double {
        let m = mean
        return zip(components, weights).reduce(0) { $0 + $1.1 * ($1.0.std * $1.0.std + ($1.0.mean - m) * ($1.0.mean - m)) }
    }

    public func sample(_ n: Int, rng: RandomGenerator) -> [Double] {
        let which = rng.categorical(weights: weights, count: n)
        let z = rng.normal([n]).scalars
        return (0..<n).map { components[which[$0]].mean + components[which[$0]].std * Double(z[$0]) }
    }
}

/// The uniform density on [lower, upper].
public struct Uniform1D: Density1D, Equatable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        precondition(upper > lower, "Uniform1D: need upper > lower")
        self.lower = lower
        self.upper = upper
    }

    public func pdf(_ x: Double) -> Double { (x >= lower && x <= upper) ? 1 / (upper - lower) : 0 }

    public func sample(_ n: Int, rng: RandomGenerator) -> [Double] {
        rng.uniform([n]).scalars.map { lower + (upper - lower) * Double($0) }
    }
}
