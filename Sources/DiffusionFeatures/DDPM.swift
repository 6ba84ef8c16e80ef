import Foundation
import NN
import Tensor

/// How the DDPM is trained: ε-prediction with the linear β schedule over `diffusionSteps`, Adam, minibatches of
/// whole epochs in a seeded order, each image mirrored left–right with probability ½.
public struct DDPMConfiguration: Codable, Hashable, Sendable {
    public var unet: UNetConfiguration
    public var diffusionSteps: Int
    public var learningRate: Float
    public var batchSize: Int
    public var horizontalFlip: Bool
    /// Global gradient-norm clip (guided diffusion trains without one; a tiny CPU batch profits from it).
    public var gradientClip: Float?

    public init(unet: UNetConfiguration, diffusionSteps: Int = 1000, learningRate: Float = 2e-4, batchSize: Int = 64,
                horizontalFlip: Bool = true, gradientClip: Float? = 1) {
        self.unet = unet
        self.diffusionSteps = diffusionSteps
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.horizontalFlip = horizontalFlip
        self.gradientClip = gradientClip
    }
}

/// What went wrong in the chapter's library, in words a user can act on.
public enum DiffusionFeaturesError: Error, CustomStringConvertible, Equatable {
    case nonFiniteLoss(model: String, step: Int)
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(model, step):
            "\(model): the training loss became non-finite at step \(step); lower the learning rate or check the images"
        case let .invalidInput(text): text
        }
    }
}

/// A denoising diffusion model: the U-Net and the noise schedule it was trained with.
public final class DDPM {
    public let configuration: DDPMConfiguration
    public let network: DenoisingUNet
    public let schedule: NoiseSchedule

    public init(configuration: DDPMConfiguration, seed: UInt64) {
        self.configuration = configuration
        network = DenoisingUNet(configuration: configuration.unet, rng: RandomGenerator(seed: seed).derived(0x756e6574))
        schedule = NoiseSchedule(.linear, steps: configuration.diffusionSteps)
    }

    /// q(x_t | x₀) for one step per image: √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (`noise` may be one image, broadcast to all).
    public func noised(_ images: Tensor, timesteps: [Int], noise: Tensor) -> Tensor {
        let b = images.shape[0]
        let signal = Tensor(timesteps.map { Float(schedule.alphasCumulative[$0].squareRoot()) }, shape: [b, 1, 1, 1])
        let spread = Tensor(timesteps.map { Float((1 - schedule.alphasCumulative[$0]).squareRoot()) }, shape: [b, 1, 1, 1])
        return images * signal + noise * spread
    }

    /// The ε-prediction loss of @eq:eps-loss for given steps and noise.
    public func loss(images: Tensor, timesteps: [Int], noise: Tensor) -> Tensor {
        meanSquaredError(predicted: network(noised(images, timesteps: timesteps, noise: noise), timesteps: timesteps),
                         expected: noise)
    }

    /// Trains `steps` optimiser steps on `images` ([N, C, H, W] in [-1, 1]); the same seed gives the same weights.
    /// `progress` gets the step (1-based) and its loss.
    public func train(on images: Tensor, steps: Int, seed: UInt64, progress: (Int, Float) -> Void = { _, _ in }) throws {
        let n = images.shape[0]
        guard n > 0, images.rank == 4, images.shape[1] == configuration.unet.imageChannels,
              images.shape[2] == configuration.unet.imageSize, images.shape[3] == configuration.unet.imageSize else {
            throw DiffusionFeaturesError.invalidInput("DDPM: expected images [N, \(configuration.unet.imageChannels), "
                + "\(configuration.unet.imageSize), \(configuration.unet.imageSize)], got \(images.shape)")
        }
        let rng = RandomGenerator(seed: seed)
        let order = rng.derived(1), draws = rng.derived(2)
        let optimizer = Adam(for: network, learningRate: configuration.learningRate)
        let parameters = network.trainableParameters
        network.train()
        var permutation: [Int] = [], cursor = 0
        for step in 0..<steps {
            var rows: [Int] = []
            while rows.count < Swift.min(configuration.batchSize, n) {
                if cursor == permutation.count { permutation = order.permutation(n); cursor = 0 }
                rows.append(permutation[cursor])
                cursor += 1
            }
            let flips = configuration.horizontalFlip ? rows.map { _ in draws.integer(below: 2) == 1 } : rows.map { _ in false }
            let batch = Self.batch(images, rows: rows, mirrored: flips)
            let timesteps = rows.map { _ in draws.integer(below: configuration.diffusionSteps) }
            let noise = draws.normal(batch.shape)
            let loss = self.loss(images: batch, timesteps: timesteps, noise: noise)
            let value = loss.item
            guard value.isFinite else { throw DiffusionFeaturesError.nonFiniteLoss(model: "DDPM", step: step + 1) }
            loss.backward()
            if let clip = configuration.gradientClip { _ = clipGradientNorm(parameters, maxNorm: clip) }
            optimizer.step()
            network.zeroGrad()
            progress(step + 1, value)
        }
        network.eval()
    }

    /// The images at `rows`, each mirrored left–right where asked.
    static func batch(_ images: Tensor, rows: [Int], mirrored: [Bool]) -> Tensor {
        let c = images.shape[1], h = images.shape[2], w = images.shape[3], plane = c * h * w
        var out = [Float](repeating: 0, count: rows.count * plane)
        images.withBuffer { source in
            for (i, row) in rows.enumerated() {
                for j in 0..<(c * h) {
                    let from = row * plane + j * w, to = i * plane + j * w
                    for x in 0..<w { out[to + x] = source[from + (mirrored[i] ? w - 1 - x : x)] }
                }
            }
        }
        return Tensor(out, shape: [rows.count, c, h, w])
    }
}
