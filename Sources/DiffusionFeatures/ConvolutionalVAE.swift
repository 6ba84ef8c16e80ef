import Foundation
import NN
import Tensor

/// A convolutional VAE with a spatial latent, standing in for the paper's VDVAE and ALAE rows (both far beyond two
/// CPU cores): its decoder, like a GAN's generator, rebuilds the image from a code, and the chapter reads the
/// decoder's activations at each resolution as pixel features, as it reads the DDPM's.
public struct ConvolutionalVAEConfiguration: Codable, Hashable, Sendable {
    public var imageSize: Int
    public var imageChannels: Int
    /// Channels at each resolution, finest first (the DDPM's widths, so the features have the same size).
    public var channels: [Int]
    public var latentChannels: Int
    public var groups: Int
    /// Standard deviation of the Gaussian likelihood on [-1, 1] pixels (fixed: a learned one collapses early
    /// on images with large flat backgrounds).
    public var pixelDeviation: Float
    public var learningRate: Float
    public var batchSize: Int

    public init(imageSize: Int = 32, imageChannels: Int = 3, channels: [Int] = [32, 64, 128], latentChannels: Int = 16,
                groups: Int = 8, pixelDeviation: Float = 0.1, learningRate: Float = 1e-3, batchSize: Int = 64) {
        self.imageSize = imageSize
        self.imageChannels = imageChannels
        self.channels = channels
        self.latentChannels = latentChannels
        self.groups = groups
        self.pixelDeviation = pixelDeviation
        self.learningRate = learningRate
        self.batchSize = batchSize
    }

    /// Features per pixel of each decoder block, coarsest first.
    public var decoderChannels: [Int] { channels.reversed() }
}

public final class ConvolutionalVAE: Module {
    public let configuration: ConvolutionalVAEConfiguration
    let encoderInput: Conv2d
    let encoder: [Conv2d]
    let encoderNorms: [GroupNorm]
    let posterior: Conv2d
    let decoderInput: Conv2d
    let decoderNorms: [GroupNorm]
    let decoder: [Conv2d]
    let output: Conv2d

    public init(configuration c: ConvolutionalVAEConfiguration, seed: UInt64) {
        configuration = c
        let rng = RandomGenerator(seed: seed).derived(0x766165)
        let levels = c.channels.count
        encoderInput = Conv2d(inputChannels: c.imageChannels, outputChannels: c.channels[0], kernelSize: 3, padding: 1, rng: rng)
        encoder = (1..<levels).map { Conv2d(inputChannels: c.channels[$0 - 1], outputChannels: c.channels[$0], kernelSize: 3,
                                             stride: 2, padding: 1, rng: rng) }
        encoderNorms = (1..<levels).map { GroupNorm(groups: c.groups, channels: c.channels[$0], activation: .silu) }
        posterior = Conv2d(inputChannels: c.channels[levels - 1], outputChannels: 2 * c.latentChannels, kernelSize: 1, rng: rng)
        let widths = c.decoderChannels
        decoderInput = Conv2d(inputChannels: c.latentChannels, outputChannels: widths[0], kernelSize: 3, padding: 1, rng: rng)
        decoderNorms = widths.map { GroupNorm(groups: c.groups, channels: $0, activation: .silu) }
        decoder = (1..<levels).map { Conv2d(inputChannels: widths[$0 - 1], outputChannels: widths[$0], kernelSize: 3, padding: 1, rng: rng) }
        output = Conv2d(inputChannels: widths[levels - 1], outputChannels: c.imageChannels, kernelSize: 3, padding: 1, rng: rng)
        super.init()
    }

    /// Posterior mean and log-variance, `[B, latent, side, side]` at the coarsest side.
    public func encode(_ x: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        var h = encoderInput(x).silu()
        for (conv, norm) in zip(encoder, encoderNorms) { h = norm(conv(h)) }
        let both = posterior(h), k = configuration.latentChannels
        return (both.sliced(axis: 1, 0..<k), both.sliced(axis: 1, k..<(2 * k)))
    }

    /// The reconstruction and each decoder block's output, coarsest first.
    public func decode(_ z: Tensor) -> (image: Tensor, blocks: [Tensor]) {
        var h = decoderNorms[0](decoderInput(z))
        var blocks = [h]
        for (i, conv) in decoder.enumerated() {
            h = decoderNorms[i + 1](conv(h.upsampledNearest(scale: 2)))
            blocks.append(h)
        }
        return (output(h), blocks)
    }

    /// The negative ELBO per pixel: Gaussian reconstruction error plus the KL of the posterior from N(0, I).
    public func loss(_ x: Tensor, rng: RandomGenerator) -> Tensor {
        let (mean, logVariance) = encode(x)
        let z = mean + (logVariance * 0.5).exp() * rng.normal(mean.shape)
        let reconstruction = decode(z).image
        let s = configuration.pixelDeviation
        let error = (reconstruction - x).squared().sum() * (1 / (2 * s * s))
        let kl = gaussianKL(mean: mean, logVariance: logVariance, reduction: .sum)
        return (error + kl) * (1 / Float(x.count))
    }

    /// Trains `steps` optimiser steps on `images` ([N, C, H, W] in [-1, 1]); the same seed gives the same weights.
    public func train(on images: Tensor, steps: Int, seed: UInt64, progress: (Int, Float) -> Void = { _, _ in }) throws {
        try trainRepresentation(self, name: "convolutional VAE", on: images, steps: steps,
                                batchSize: configuration.batchSize, learningRate: configuration.learningRate, seed: seed,
                                loss: { self.loss($0, rng: $1) }, progress: progress)
    }
}

/// The VAE's decoder activations at every resolution, decoding each image's posterior mean, upsampled to the image
/// size and concatenated.
public final class ConvolutionalVAEFeatures: PixelFeatureSource {
    public let name = "VAE"
    public let model: ConvolutionalVAE

    public init(model: ConvolutionalVAE) { self.model = model }

    public var featureCount: Int { model.configuration.channels.reduce(0, +) }

    public func features(of images: Tensor, firstIndex: Int) -> Tensor {
        let h = images.shape[2], w = images.shape[3]
        return withoutGrad {
            Tensor.concat(model.decode(model.encode(images).mean).blocks.map { toImageSize($0, height: h, width: w) }, axis: 1)
        }
    }
}
