/// Which model of the GP-VAE family to train (the reference's `model_type`).
public enum GPVAEModelKind: String, Codable, CaseIterable, Sendable {
    /// Banded posterior over each latent channel's path, GP prior, likelihood over observed entries.
    case gpVAE = "gp-vae"
    /// Per-step diagonal posterior, N(0, I) prior, likelihood over every entry (missing ones as zeros): the
    /// reference's VAE baseline.
    case vae
    /// As `vae`, but the likelihood counts observed entries only (Nazábal et al.'s HI-VAE as the reference runs it).
    case hiVAE = "hi-vae"
}

/// The decoder's output distribution.
public enum GPVAELikelihood: String, Codable, Sendable {
    /// Bernoulli with logits (binary pixels, HMNIST).
    case bernoulli
    /// Gaussian with learned mean and unit variance (SPRITES, Physionet).
    case gaussian
}

/// How the encoder's raw band values become B's entries (B = activation(raw) + I on the diagonal).
public enum GPVAEBandActivation: String, Codable, Sendable {
    case softplus
    /// The reference's choice for Physionet ("more stable").
    case sigmoid
}

/// Frames stored channels-last (height, width, channels), as the reference's arrays are; enables the 2-D
/// convolutional preprocessor.
public struct ImageShape: Codable, Equatable, Sendable {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var count: Int { height * width * channels }
}

/// The settings of one GP-VAE (or VAE / HI-VAE) model, named after the reference's flags (ratschlab/GP-VAE train.py).
public struct GPVAEConfig: Codable, Equatable, Sendable {
    public var model: GPVAEModelKind
    public var latentDimension: Int
    /// The first size is the Conv1D's filters (joint encoder) or the first dense layer (VAE's per-step encoder).
    public var encoderSizes: [Int]
    public var decoderSizes: [Int]
    /// Conv1D kernel over time; GP-VAE only.
    public var windowSize: Int
    public var kernel: GPKernel
    /// Groups of latent channels with length scales ℓ, ℓ/2, ℓ/4, …
    public var kernelScales: Int
    /// Weight of the KL term.
    public var beta: Double
    public var likelihood: GPVAELikelihood
    public var bandActivation: GPVAEBandActivation
    /// Frame layout for the 2-D convolutional preprocessor; nil runs without it.
    public var image: ImageShape?
    /// Filters of the preprocessor's hidden Conv2D layers (it ends in a Conv2D back to the image's channels).
    public var preprocessorSizes: [Int]
    public var preprocessorKernelSize: Int
    public var learningRate: Double
    public var batchSize: Int
    /// Passes over the training set; steps = epochs·N/batch (integer division) unless `steps` is set.
    public var epochs: Int
    public var steps: Int?
    /// Maximum global gradient norm (the reference's 1e4).
    public var gradientClip: Double
    /// Physionet's schedule: every this many epochs the learning rate halves, never below a tenth of the start.
    public var learningRateHalvingEpochs: Int?
    /// The reference's quirk: non-finite NLL and KL terms count as 0 and non-finite gradient entries are replaced
    /// (NumPy's nan_to_num). Off, a non-finite loss or gradient stops training with an error instead.
    public var replaceNonFinite: Bool

    public init(model: GPVAEModelKind = .gpVAE, latentDimension: Int, encoderSizes: [Int], decoderSizes: [Int],
                windowSize: Int = 3, kernel: GPKernel = GPKernel(), kernelScales: Int = 1, beta: Double,
                likelihood: GPVAELikelihood, bandActivation: GPVAEBandActivation = .softplus, image: ImageShape? = nil,
                preprocessorSizes: [Int] = [256], preprocessorKernelSize: Int = 3, learningRate: Double = 1e-3,
                batchSize: Int = 64, epochs: Int, steps: Int? = nil, gradientClip: Double = 1e4,
                learningRateHalvingEpochs: Int? = nil, replaceNonFinite: Bool = true) {
        self.model = model
        self.latentDimension = latentDimension
        self.encoderSizes = encoderSizes
        self.decoderSizes = decoderSizes
        self.windowSize = windowSize
        self.kernel = kernel
        self.kernelScales = kernelScales
        self.beta = beta
        self.likelihood = likelihood
        self.bandActivation = bandActivation
        self.image = image
        self.preprocessorSizes = preprocessorSizes
        self.preprocessorKernelSize = preprocessorKernelSize
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.steps = steps
        self.gradientClip = gradientClip
        self.learningRateHalvingEpochs = learningRateHalvingEpochs
        self.replaceNonFinite = replaceNonFinite
    }

    /// Optimiser steps for a training set of `size` series: `steps`, or epochs·size/batch as the reference.
    public func stepCount(trainingSize size: Int) -> Int {
        steps ?? Swift.max(epochs * size / Swift.max(batchSize, 1), 1)
    }

    /// The same settings for a different model kind (the baselines share the networks).
    public func with(model: GPVAEModelKind) -> GPVAEConfig {
        var c = self
        c.model = model
        return c
    }

    func validate(features: Int, length: Int) throws {
        func fail(_ message: String) -> GPVAEError { .invalidConfig(message) }
        guard latentDimension >= 1 else { throw fail("latent dimension must be at least 1, got \(latentDimension)") }
        guard !encoderSizes.isEmpty, encoderSizes.allSatisfy({ $0 >= 1 }) else {
            throw fail("encoder sizes must be one or more positive widths, got \(encoderSizes)")
        }
        guard decoderSizes.allSatisfy({ $0 >= 1 }) else { throw fail("decoder sizes must be positive, got \(decoderSizes)") }
        guard windowSize >= 1 else { throw fail("window size must be at least 1, got \(windowSize)") }
        guard beta >= 0, beta.isFinite else { throw fail("β must be a non-negative number, got \(beta)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learning rate must be positive, got \(learningRate)") }
        guard batchSize >= 1 else { throw fail("batch size must be at least 1, got \(batchSize)") }
        guard gradientClip > 0 else { throw fail("gradient clip must be positive, got \(gradientClip)") }
        if let steps { guard steps >= 1 else { throw fail("steps must be at least 1, got \(steps)") } } else {
            guard epochs >= 1 else { throw fail("epochs must be at least 1, got \(epochs)") }
        }
        if let image {
            guard image.count == features else {
                throw fail("image \(image.height)×\(image.width)×\(image.channels) has \(image.count) values per frame, the data \(features)")
            }
            guard preprocessorKernelSize % 2 == 1 else {
                throw fail("preprocessor kernel size must be odd for 'same' padding, got \(preprocessorKernelSize)")
            }
        }
        guard length >= 1 else { throw fail("series must have at least one time step") }
    }
}

extension GPVAEConfig {
    /// The reference's HMNIST command: latent 256, encoder 256-256, decoder 256-256-256, window 3, Cauchy σ 1 ℓ 2,
    /// β 0.8, Bernoulli decoder, CNN preprocessor [256] on 28×28×1 frames, 20 epochs at batch 64.
    public static let hmnist = GPVAEConfig(
        latentDimension: 256, encoderSizes: [256, 256], decoderSizes: [256, 256, 256], windowSize: 3,
        kernel: GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), beta: 0.8, likelihood: .bernoulli,
        image: ImageShape(height: 28, width: 28, channels: 1), epochs: 20)

    /// The reference's SPRITES command: latent 256, encoder 32-256-256, decoder 256-256-256, window 3, Cauchy σ 1
    /// ℓ 2, β 0.1, Gaussian decoder, CNN preprocessor [256] on 64×64×3 frames, 20 epochs.
    public static let sprites = GPVAEConfig(
        latentDimension: 256, encoderSizes: [32, 256, 256], decoderSizes: [256, 256, 256], windowSize: 3,
        kernel: GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), beta: 0.1, likelihood: .gaussian,
        image: ImageShape(height: 64, width: 64, channels: 3), epochs: 20)

    /// The reference's Physionet command: latent 35, encoder 128-128, decoder 256-256, window 24, Cauchy σ 1.005
    /// ℓ 7, β 0.2, Gaussian decoder, sigmoid bands, no preprocessor, 40 epochs, learning rate halved every 10.
    public static let physionet = GPVAEConfig(
        latentDimension: 35, encoderSizes: [128, 128], decoderSizes: [256, 256], windowSize: 24,
        kernel: GPKernel(kind: .cauchy, sigma: 1.005, lengthScale: 7), beta: 0.2, likelihood: .gaussian,
        bandActivation: .sigmoid, epochs: 40, learningRateHalvingEpochs: 10)

    /// The CPU-sized HMNIST model the chapter-1 feasibility run recommends: latent 64, encoder 128-128, decoder
    /// 128-128-128, no preprocessor, otherwise the HMNIST settings; trained by steps (about 6,300 at batch 64).
    public static let hmnistCPU = GPVAEConfig(
        latentDimension: 64, encoderSizes: [128, 128], decoderSizes: [128, 128, 128], windowSize: 3,
        kernel: GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), beta: 0.8, likelihood: .bernoulli,
        epochs: 100, steps: 6_300)
}
