import Foundation
import NN
import Tensor

/// The approximate posterior q(z | x) of one batch.
public enum GPVAEPosterior {
    /// One banded Gaussian per (series, latent channel) over the T steps, tensors [B, L, T].
    case banded(BandedGaussian)
    /// Independent Gaussians per (series, step, latent channel): mean and scale [B, T, L].
    case diagonal(mean: Tensor, scale: Tensor)

    /// The posterior mean as [B, T, L].
    public var mean: Tensor {
        switch self {
        case .banded(let q): q.mean.permuted([0, 2, 1])
        case .diagonal(let mean, _): mean
        }
    }

    /// A reparameterised sample as [B, T, L].
    public func sample(rng: RandomGenerator) -> Tensor {
        switch self {
        case .banded(let q): q.sample(rng: rng).permuted([0, 2, 1])
        case .diagonal(let mean, let scale): mean + scale * rng.normal(mean.shape)
        }
    }

    /// Marginal variances of z as [B, T, L], without history.
    public func marginalVariances() -> Tensor {
        switch self {
        case .banded(let q): q.marginalVariances().permuted([0, 2, 1])
        case .diagonal(_, let scale): withoutGrad { scale.squared() }
        }
    }
}

/// The networks of one GP-VAE family model: optional image preprocessor, encoder, decoder. Parameters are found
/// by reflection; the prior has none and is kept as plain numbers.
public final class GPVAENetwork: Module {
    public let preprocessor: ImagePreprocessor?
    public let jointEncoder: JointEncoder?
    public let stepEncoder: DenseStack?
    public let decoder: DenseStack
    public let config: GPVAEConfig
    public let features: Int
    public let length: Int
    /// The GP prior over each latent channel's path (GP-VAE only).
    public let prior: DenseGaussianPrior?

    public init(config: GPVAEConfig, features: Int, length: Int, rng: RandomGenerator) throws {
        try config.validate(features: features, length: length)
        self.config = config
        self.features = features
        self.length = length
        let latent = config.latentDimension
        preprocessor = config.image.map {
            ImagePreprocessor(image: $0, sizes: config.preprocessorSizes, kernelSize: config.preprocessorKernelSize,
                              rng: rng.derived(1))
        }
        switch config.model {
        case .gpVAE:
            jointEncoder = JointEncoder(inputSize: features, sizes: config.encoderSizes, window: config.windowSize,
                                        outputSize: 3 * latent, rng: rng.derived(2))
            stepEncoder = nil
            prior = try config.kernel.prior(latent: latent, length: length, scales: config.kernelScales)
        case .vae, .hiVAE:
            jointEncoder = nil
            stepEncoder = DenseStack(inputSize: features, hiddenSizes: config.encoderSizes, outputSize: 2 * latent,
                                     rng: rng.derived(2))
            prior = nil
        }
        decoder = DenseStack(inputSize: latent, hiddenSizes: config.decoderSizes, outputSize: features, rng: rng.derived(3))
        super.init()
    }

    /// q(z | x) for x [B, T, D] (missing entries as 0).
    public func posterior(_ x: Tensor) -> GPVAEPosterior {
        let input = preprocessor.map { $0(x) } ?? x
        let latent = config.latentDimension
        if let stepEncoder {
            let mapped = stepEncoder(input)
            return .diagonal(mean: mapped.sliced(axis: 2, 0..<latent),
                             scale: mapped.sliced(axis: 2, latent..<(2 * latent)).softplus())
        }
        let t = x.shape[1]
        // [B, T, 3L] → [B, 3L, T]: L mean paths, then 2L band rows that the reference regroups per channel into
        // 2T values (T diagonal entries, then T − 1 superdiagonal entries; the last value is unused).
        let mapped = jointEncoder!(input).permuted([0, 2, 1])
        let mean = mapped.sliced(axis: 1, 0..<latent)
        let rawBands = mapped.sliced(axis: 1, latent..<(3 * latent))
        let bands = (config.bandActivation == .softplus ? rawBands.softplus() : rawBands.sigmoid())
            .reshaped([-1, latent, 2 * t])
        return .banded(BandedGaussian(mean: mean, diagonal: bands.sliced(axis: 2, 0..<t) + 1,
                                      superdiagonal: bands.sliced(axis: 2, t..<(2 * t - 1))))
    }

    /// The decoder's output for z [B, T, L]: Bernoulli logits or Gaussian means, [B, T, D].
    public func decode(_ z: Tensor) -> Tensor { decoder(z) }

    /// The decoder's mean: σ(logits) for Bernoulli, the mean itself for Gaussian.
    public func decodedMean(_ z: Tensor) -> Tensor {
        let out = decode(z)
        return config.likelihood == .bernoulli ? out.sigmoid() : out
    }

    /// −log p(x | decoder output) per entry, [B, T, D].
    func negativeLogLikelihood(output: Tensor, target: Tensor) -> Tensor {
        switch config.likelihood {
        case .bernoulli: return output.softplus() - output * target
        case .gaussian: return (output - target).squared() * 0.5 + Float(0.5 * Foundation.log(2 * Double.pi))
        }
    }

    /// KL(q ‖ p) per series, [B]: summed over latent channels (GP prior) or over steps and channels (N(0, I)).
    func klDivergence(_ q: GPVAEPosterior) -> Tensor {
        switch q {
        case .banded(let banded): return banded.klDivergence(to: prior!).sum(axes: [1])
        case .diagonal(let mean, let scale):
            let perEntry = (scale.squared() + mean.squared() - 1) * 0.5 - scale.log()
            return perEntry.sum(axes: [1, 2])
        }
    }

    /// The negative ELBO of one batch, averaged over series: NLL (over observed entries, except the VAE, which
    /// counts every entry as the reference's does) + β·KL, with non-finite terms zeroed as the reference does
    /// (`replaceNonFinite`).
    /// Returns (loss, mean NLL, mean KL).
    public func loss(values x: Tensor, observed: Tensor, rng: RandomGenerator) -> (loss: Tensor, nll: Double, kl: Double) {
        let q = posterior(x)
        let z = q.sample(rng: rng)
        let replace = config.replaceNonFinite
        var nll = negativeLogLikelihood(output: decode(z), target: x)
        if replace { nll = Self.zeroingNonFinite(nll) }
        if config.model != .vae { nll = nll * observed }
        let nllPerSeries = nll.sum(axes: [1, 2])
        let kl = replace ? Self.zeroingNonFinite(klDivergence(q)) : klDivergence(q)
        let loss = (nllPerSeries + kl * Float(config.beta)).mean()
        return (loss, Double(nllPerSeries.mean().item), Double(kl.mean().item))
    }

    /// tf.where(is_finite(v), v, 0), as the reference applies to the NLL and KL terms.
    static func zeroingNonFinite(_ v: Tensor) -> Tensor {
        let bad = v.withBuffer { $0.contains { !$0.isFinite } }
        guard bad else { return v }
        let finite = v.detached().mappingValues { $0.isFinite ? 1 : 0 }
        return Tensor.where(finite, v, Tensor(0))
    }
}

private extension Tensor {
    /// A new tensor of f(value), without history.
    func mappingValues(_ f: (Float) -> Float) -> Tensor {
        Tensor(scalars.map(f), shape: shape)
    }
}
