import Foundation

/// Gaussians over T time steps whose precision is tridiagonal: Λ = B·Bᵀ with B upper-bidiagonal, so the
/// covariance is Σ = B⁻ᵀB⁻¹ (GP-VAE's banded posterior, Fortuin et al. 2020, in the reference's orientation:
/// its scale factor is B⁻ᵀ). Every leading index of the tensors is one independent Gaussian.
///
/// Sampling, log-density and entropy cost O(T) per Gaussian; the KL against a dense prior costs O(T²) for the
/// trace term and never forms Σ or an inverse of Λ.
public struct BandedGaussian {
    /// μ, [..., T].
    public let mean: Tensor
    /// B's diagonal, [..., T]; must be positive.
    public let diagonal: Tensor
    /// B's superdiagonal, [..., T − 1].
    public let superdiagonal: Tensor

    public init(mean: Tensor, diagonal: Tensor, superdiagonal: Tensor) {
        check(mean.shape == diagonal.shape, "BandedGaussian: mean \(mean.shape) and diagonal \(diagonal.shape) differ")
        self.mean = mean
        self.diagonal = diagonal
        self.superdiagonal = superdiagonal
    }

    /// T, the number of time steps.
    public var length: Int { mean.shape.last! }

    /// μ + B⁻ᵀε for standard-normal `noise` ε of the mean's shape (the reparameterised sample).
    public func sample(noise: Tensor) -> Tensor {
        mean + Tensor.bidiagonalSolve(diagonal: diagonal, superdiagonal: superdiagonal, rhs: noise, transposed: true)
    }

    /// One reparameterised sample with fresh noise from `rng`.
    public func sample(rng: RandomGenerator) -> Tensor { sample(noise: rng.normal(mean.shape)) }

    /// log det Σ = −2 Σₜ log dₜ, [...].
    public var logDeterminant: Tensor { diagonal.log().sum(axes: [-1]) * -2 }

    /// log q(z) = −(T/2)·log 2π + Σₜ log dₜ − ½‖Bᵀ(z − μ)‖², [...].
    public func logDensity(_ z: Tensor) -> Tensor {
        check(z.shape == mean.shape, "BandedGaussian.logDensity: z \(z.shape) for mean \(mean.shape)")
        let t = length
        let v = z - mean
        // (Bᵀv)ₜ = dₜvₜ + sₜ₋₁vₜ₋₁.
        var bv = diagonal * v
        if t > 1 {
            let shifted = superdiagonal * v.sliced(axis: -1, 0..<(t - 1))
            bv = bv + Tensor.concat([Tensor(zeros: Array(mean.shape.dropLast()) + [1]), shifted], axis: -1)
        }
        let constant = -0.5 * Float(t) * Float(Foundation.log(2 * Double.pi))
        return diagonal.log().sum(axes: [-1]) - bv.squared().sum(axes: [-1]) * 0.5 + constant
    }

    /// Differential entropy ½·T·(1 + log 2π) + ½·log det Σ, [...].
    public var entropy: Tensor {
        let t = Double(length)
        return logDeterminant * 0.5 + Float(0.5 * t * (1 + Foundation.log(2 * Double.pi)))
    }

    /// KL(q ‖ p) against a zero-mean Gaussian prior with dense covariance K, [...]:
    /// ½[tr(K⁻¹Σ) + μᵀK⁻¹μ − T + log det K − log det Σ]. The prior has one covariance per channel (the
    /// second-to-last axis of `mean`) or one shared by all.
    public func klDivergence(to prior: DenseGaussianPrior) -> Tensor {
        let t = length
        check(prior.length == t, "BandedGaussian.klDivergence: prior over \(prior.length) steps for T = \(t)")
        let channels = mean.rank >= 2 ? mean.shape[mean.rank - 2] : 1
        check(prior.groups == 1 || prior.groups == channels,
              "BandedGaussian.klDivergence: \(prior.groups) prior covariances for \(channels) channels")
        let factors = prior.inverseFactorTensor
        let trace = Tensor.bidiagonalInverseFrobenius(diagonal: diagonal, superdiagonal: superdiagonal, factors: factors)
        // μᵀK⁻¹μ = ‖L⁻¹μ‖² = ‖μᵀR‖² with R = L⁻ᵀ: one GEMM when the prior is shared, a batched one per channel else.
        let projected: Tensor
        if prior.groups == 1 {
            projected = mean.reshaped([-1, t]).matmul(factors.reshaped([t, t])).reshaped(mean.shape)
        } else {
            let lead = Array(mean.shape.dropLast(2))
            let byChannel = mean.reshaped([-1, channels, t]).permuted([1, 0, 2])
            projected = byChannel.matmul(factors).permuted([1, 0, 2]).reshaped(lead + [channels, t])
        }
        let quadratic = projected.squared().sum(axes: [-1])
        let logDetK = prior.logDeterminantTensor(channels: channels, like: mean)
        return (trace + quadratic - logDeterminant + logDetK - Float(t)) * 0.5
    }

    /// The marginal variances diag(Σ), [..., T], without history (uncertainty bands). O(T²) per Gaussian.
    public func marginalVariances() -> Tensor {
        let t = length, systems = mean.count / t
        let out = Tensor(zeros: mean.shape)
        let pd = diagonal.storage.pointer, ps = superdiagonal.storage.pointer, po = out.storage.pointer
        var column = [Double](repeating: 0, count: t)
        for n in 0..<systems {
            let d = pd + n * t, s = ps + n * (t - 1)
            // Σₜₜ = ‖column t of B⁻¹‖²; that column solves B·c = eₜ and is zero below row t.
            for j in 0..<t {
                var total = 0.0
                for i in stride(from: j, through: 0, by: -1) {
                    let carry = i < j ? Double(s[i]) * column[i + 1] : 0
                    column[i] = ((i == j ? 1 : 0) - carry) / Double(d[i])
                    total += column[i] * column[i]
                }
                po[n * t + j] = Float(total)
            }
        }
        return out
    }
}

/// A zero-mean Gaussian over T steps with a dense covariance K (a GP prior on a time grid), factored once in
/// Double: K = L·Lᵀ, R = L⁻ᵀ and log det K. It has no parameters, so nothing here is recorded on the tape.
/// `groups` covariances may be given at once (one per latent channel, or one for all).
public struct DenseGaussianPrior: Sendable {
    public let length: Int
    public let groups: Int
    /// R = L⁻ᵀ per group, row-major [groups, T, T].
    public let inverseFactor: [Float]
    /// log det K per group.
    public let logDeterminants: [Double]

    /// Fails with a message naming the group when a covariance is not positive definite.
    public init(covariances: [[Double]], length t: Int) throws {
        check(!covariances.isEmpty, "DenseGaussianPrior: no covariance given")
        var factor: [Float] = [], logDets: [Double] = []
        for (g, k) in covariances.enumerated() {
            check(k.count == t * t, "DenseGaussianPrior: covariance \(g) has \(k.count) values for T = \(t)")
            let l = try Self.cholesky(k, t, group: g)
            logDets.append((0..<t).reduce(0.0) { $0 + 2 * Foundation.log(l[$1 * t + $1]) })
            // Lᵀ·R = I column by column: back-substitution with the upper factor Lᵀ.
            var r = [Double](repeating: 0, count: t * t)
            for j in 0..<t {
                for i in stride(from: t - 1, through: 0, by: -1) {
                    var v = i == j ? 1.0 : 0.0
                    for k2 in (i + 1)..<Swift.max(t, i + 1) { v -= l[k2 * t + i] * r[k2 * t + j] }
                    r[i * t + j] = v / l[i * t + i]
                }
            }
            factor += r.map(Float.init)
        }
        length = t
        groups = covariances.count
        inverseFactor = factor
        logDeterminants = logDets
    }

    var inverseFactorTensor: Tensor { Tensor(inverseFactor, shape: [groups, length, length]) }

    /// log det K broadcast to the leading shape of `like` (without its last axis).
    func logDeterminantTensor(channels: Int, like mean: Tensor) -> Tensor {
        let lead = Array(mean.shape.dropLast())
        if groups == 1 { return Tensor(Float(logDeterminants[0])) }
        return Tensor(logDeterminants.map(Float.init), shape: [channels]).broadcasted(to: lead)
    }

    /// Lower Cholesky factor of a row-major T×T matrix.
    static func cholesky(_ a: [Double], _ t: Int, group: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: t * t)
        for i in 0..<t {
            for j in 0...i {
                var v = a[i * t + j]
                for k in 0..<j { v -= l[i * t + k] * l[j * t + k] }
                if i == j {
                    guard v > 0, v.isFinite else { throw DenseGaussianPriorError.notPositiveDefinite(group: group, step: i) }
                    l[i * t + i] = v.squareRoot()
                } else {
                    l[i * t + j] = v / l[j * t + j]
                }
            }
        }
        return l
    }
}

public enum DenseGaussianPriorError: Error, Equatable, CustomStringConvertible {
    case notPositiveDefinite(group: Int, step: Int)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(group, step):
            "prior covariance \(group) is not positive definite (Cholesky pivot \(step) ≤ 0); add jitter or change the kernel"
        }
    }
}
