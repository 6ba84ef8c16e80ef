import Foundation
import Tensor

/// A GP kernel over integer time steps 0..<T, as the reference defines its four (ratschlab/GP-VAE lib/gp_kernel.py).
public struct GPKernel: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// σ / (1 + (i − j)²/ℓ²) + jitter·δᵢⱼ: the reference's default.
        case cauchy
        /// exp(−(i − j)²/ℓ²) (no σ, as the reference).
        case rbf
        /// exp(−|i − j|/√ℓ): the reference divides by √ℓ, not ℓ; kept.
        case matern
        /// Tridiagonal: 1 on the diagonal, ℓ beside it; needs ℓ < 0.5 to stay diagonally dominant.
        case diffusion
    }

    public var kind: Kind
    /// σ, used by the Cauchy kernel only.
    public var sigma: Double
    public var lengthScale: Double
    /// Added to the diagonal. The reference adds 0.001 to the Cauchy kernel and nothing to the others.
    public var jitter: Double

    public init(kind: Kind = .cauchy, sigma: Double = 1, lengthScale: Double = 2, jitter: Double? = nil) {
        self.kind = kind
        self.sigma = sigma
        self.lengthScale = lengthScale
        self.jitter = jitter ?? (kind == .cauchy ? 1e-3 : 0)
    }

    /// The T×T kernel matrix, row-major.
    public func matrix(length t: Int) throws -> [Double] {
        try validate()
        var k = [Double](repeating: 0, count: t * t)
        for i in 0..<t {
            for j in 0..<t {
                let d = Double(i - j)
                let v: Double
                switch kind {
                case .cauchy: v = sigma / (1 + d * d / (lengthScale * lengthScale))
                case .rbf: v = Foundation.exp(-d * d / (lengthScale * lengthScale))
                case .matern: v = Foundation.exp(-Swift.abs(d) / lengthScale.squareRoot())
                case .diffusion: v = i == j ? 1 : (Swift.abs(i - j) == 1 ? lengthScale : 0)
                }
                k[i * t + j] = v + (i == j ? jitter : 0)
            }
        }
        return k
    }

    func validate() throws {
        guard lengthScale > 0, lengthScale.isFinite else { throw GPVAEError.invalidKernel("length scale must be positive, got \(lengthScale)") }
        guard sigma > 0, sigma.isFinite else { throw GPVAEError.invalidKernel("σ must be positive, got \(sigma)") }
        guard jitter >= 0 else { throw GPVAEError.invalidKernel("jitter must not be negative, got \(jitter)") }
        if kind == .diffusion, lengthScale >= 0.5 {
            throw GPVAEError.invalidKernel("the diffusion kernel needs a length scale below 0.5, got \(lengthScale)")
        }
    }

    /// The prior over `latent` channels of length T. With `scales` > 1 the channels fall into groups of
    /// ⌈latent/scales⌉ (the last takes the rest), group g using length scale ℓ/2ᵍ, as the reference does.
    public func prior(latent: Int, length t: Int, scales: Int = 1) throws -> DenseGaussianPrior {
        guard scales >= 1, scales <= latent else {
            throw GPVAEError.invalidKernel("kernel scales must lie in 1...\(latent), got \(scales)")
        }
        if scales == 1 {
            return try wrapped { try DenseGaussianPrior(covariances: [matrix(length: t)], length: t) }
        }
        let perGroup = Int((Double(latent) / Double(scales)).rounded(.up))
        guard perGroup * (scales - 1) < latent else {
            throw GPVAEError.invalidKernel("\(scales) kernel scales leave the last group of \(latent) channels empty")
        }
        var covariances: [[Double]] = []
        var assigned = 0
        for g in 0..<scales {
            var scaled = self
            scaled.lengthScale = lengthScale / Foundation.pow(2, Double(g))
            let count = g == scales - 1 ? latent - assigned : perGroup
            assigned += count
            let k = try scaled.matrix(length: t)
            covariances += Array(repeating: k, count: count)
        }
        return try wrapped { try DenseGaussianPrior(covariances: covariances, length: t) }
    }

    private func wrapped(_ body: () throws -> DenseGaussianPrior) throws -> DenseGaussianPrior {
        do { return try body() } catch let error as DenseGaussianPriorError {
            throw GPVAEError.invalidKernel("\(kind.rawValue) kernel (ℓ = \(lengthScale)): \(error)")
        }
    }
}
