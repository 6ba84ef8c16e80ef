import GPVAE
import NN
import Tensor

/// Chapter 1's workloads: one GP-VAE training step on Healing MNIST shapes, and the banded posterior alone at
/// growing sequence lengths (its sampling and log-density must cost O(T), not the O(T³) of a dense covariance).
enum GPVAEWorkloads {
    /// The default profile's HMNIST model (`GPVAEConfig.hmnistCPU`: latent 64, Conv1D window 3 + 128-128 encoder,
    /// 128-128-128 decoder, Bernoulli, Cauchy prior) on a batch of 64 sequences of 10 frames × 784 pixels, about
    /// 60 % of them missing: ELBO over observed pixels, backward, gradient clipping, Adam.
    static func trainingStep(rng: RandomGenerator) -> () -> Void {
        let config = GPVAEConfig.hmnistCPU
        let network = try! GPVAENetwork(config: config, features: 784, length: 10, rng: rng)
        let optimizer = Adam(for: network, learningRate: Float(config.learningRate))
        let parameters = network.parameters
        let x = binary(rng.uniform([64, 10, 784]).scalars, above: 0.5)
        let observed = binary(rng.uniform([64, 10, 784]).scalars, above: 0.6)
        let noise = RandomGenerator(seed: 1)
        return {
            network.loss(values: x * observed, observed: observed, rng: noise).loss.backward()
            clipGradientNorm(parameters, maxNorm: Float(config.gradientClip))
            optimizer.step()
            network.zeroGrad()
        }
    }

    /// 16 series × 32 latent channels over `length` steps: a reparameterised sample, its log-density under the
    /// posterior and backward through both, as the ELBO uses them.
    static func bandedPosterior(length: Int, rng: RandomGenerator) -> () -> Void {
        let mean = parameter(rng.normal([16, 32, length]))
        let diagonal = parameter(rng.uniform([16, 32, length], low: 1, high: 2))
        let superdiagonal = parameter(rng.uniform([16, 32, length - 1], low: 0, high: 0.5))
        let noise = RandomGenerator(seed: 1)
        return {
            let q = BandedGaussian(mean: mean, diagonal: diagonal, superdiagonal: superdiagonal)
            q.logDensity(q.sample(rng: noise)).sum().backward()
            for p in [mean, diagonal, superdiagonal] { p.zeroGrad() }
        }
    }

    static func binary(_ values: [Float], above threshold: Float) -> Tensor {
        Tensor(values.map { $0 > threshold ? 1 : 0 }, shape: [64, 10, 784])
    }

    static func parameter(_ t: Tensor) -> Tensor { Tensor(t.scalars, shape: t.shape, requiresGrad: true) }
}
