import NN
import Tensor

/// The shape of the ε-predicting U-Net: one entry of `channels` per resolution, halving the side at each step
/// down. Codable so that it keys caches and is recorded in the run's manifest.
public struct UNetConfiguration: Codable, Hashable, Sendable {
    public var imageSize: Int
    public var imageChannels: Int
    /// Channels at each resolution, finest first.
    public var channels: [Int]
    /// Sides (in pixels) at which self-attention follows the residual block.
    public var attentionResolutions: [Int]
    public var groups: Int
    /// Width of the timestep embedding (the sinusoid is `channels[0]` wide, then an MLP widens it to this).
    public var timeEmbedding: Int

    public init(imageSize: Int, imageChannels: Int, channels: [Int], attentionResolutions: [Int], groups: Int,
                timeEmbedding: Int) {
        self.imageSize = imageSize
        self.imageChannels = imageChannels
        self.channels = channels
        self.attentionResolutions = attentionResolutions
        self.groups = groups
        self.timeEmbedding = timeEmbedding
    }

    /// The CPU-sized model of `research/chapter2-feasibility.md`: 32/64/128 channels at 32/16/8 pixels, one
    /// residual block per level, attention at 8×8 (1.6 M parameters). Its decoder blocks give 128, 64 and 32
    /// features per pixel.
    public static let small = UNetConfiguration(imageSize: 32, imageChannels: 3, channels: [32, 64, 128],
                                                attentionResolutions: [8], groups: 8, timeEmbedding: 128)

    /// Twice as wide, with attention at 16×16 too: the kit's largest model, still far from the 256-channel ADM
    /// U-Net at 256×256 that the paper reads (which no CPU trains).
    public static let wide = UNetConfiguration(imageSize: 32, imageChannels: 3, channels: [64, 128, 256],
                                               attentionResolutions: [16, 8], groups: 32, timeEmbedding: 256)

    /// Features per pixel of each decoder block, deepest (coarsest) first: the order of `decoderBlocks`.
    public var decoderChannels: [Int] { channels.reversed() }

    /// The side of each decoder block's output, deepest first.
    public var decoderSides: [Int] { (0..<channels.count).map { imageSize >> (channels.count - 1 - $0) } }

    /// Problems with the shape, in words (empty when valid).
    public var problems: [String] {
        var out: [String] = []
        if channels.isEmpty { out.append("at least one resolution is needed") }
        if let bad = channels.first(where: { $0 % groups != 0 }) {
            out.append("\(bad) channels do not split into \(groups) groups")
        }
        if imageSize % (1 << Swift.max(channels.count - 1, 0)) != 0 {
            out.append("an image side of \(imageSize) does not halve \(channels.count - 1) times")
        }
        return out
    }
}

/// An ε-prediction U-Net in the manner of DDPM and guided diffusion, scaled to a CPU: residual blocks that add
/// the timestep embedding, stride-2 convolutions down, nearest upsampling and a convolution up, skip connections
/// by concatenation. Its decoder block outputs are what the chapter reads as pixel features.
public final class DenoisingUNet: Module {
    public let configuration: UNetConfiguration
    let timeInput: Linear, timeOutput: Linear
    let input: Conv2d
    let encoder: [TimestepResidualBlock]
    let encoderAttention: [SelfAttention2d?]
    let downsample: [Conv2d]
    let middleFirst: TimestepResidualBlock, middleAttention: SelfAttention2d, middleSecond: TimestepResidualBlock
    let decoder: [TimestepResidualBlock]
    let decoderAttention: [SelfAttention2d?]
    let upsample: [Conv2d]
    let outputNorm: GroupNorm, output: Conv2d

    public init(configuration c: UNetConfiguration, rng: RandomGenerator) {
        precondition(c.problems.isEmpty, "DenoisingUNet: " + c.problems.joined(separator: "; "))
        configuration = c
        let levels = c.channels.count
        timeInput = Linear(inputSize: c.channels[0], outputSize: c.timeEmbedding, rng: rng)
        timeOutput = Linear(inputSize: c.timeEmbedding, outputSize: c.timeEmbedding, rng: rng)
        input = Conv2d(inputChannels: c.imageChannels, outputChannels: c.channels[0], kernelSize: 3, padding: 1, rng: rng)
        func attention(_ level: Int, _ channels: Int) -> SelfAttention2d? {
            c.attentionResolutions.contains(c.imageSize >> level)
                ? SelfAttention2d(channels: channels, groups: c.groups, rng: rng) : nil
        }
        var encoder: [TimestepResidualBlock] = [], encoderAttention: [SelfAttention2d?] = [], down: [Conv2d] = []
        for level in 0..<levels {
            let from = level == 0 ? c.channels[0] : c.channels[level - 1]
            encoder.append(TimestepResidualBlock(channels: from, outputChannels: c.channels[level],
                                                 timeEmbedding: c.timeEmbedding, groups: c.groups, rng: rng))
            encoderAttention.append(attention(level, c.channels[level]))
            if level < levels - 1 {
                down.append(Conv2d(inputChannels: c.channels[level], outputChannels: c.channels[level], kernelSize: 3,
                                   stride: 2, padding: 1, rng: rng))
            }
        }
        self.encoder = encoder
        self.encoderAttention = encoderAttention
        downsample = down
        let deepest = c.channels[levels - 1]
        middleFirst = TimestepResidualBlock(channels: deepest, outputChannels: deepest, timeEmbedding: c.timeEmbedding,
                                            groups: c.groups, rng: rng)
        middleAttention = SelfAttention2d(channels: deepest, groups: c.groups, rng: rng)
        middleSecond = TimestepResidualBlock(channels: deepest, outputChannels: deepest, timeEmbedding: c.timeEmbedding,
                                             groups: c.groups, rng: rng)
        var decoder: [TimestepResidualBlock] = [], decoderAttention: [SelfAttention2d?] = [], up: [Conv2d] = []
        for level in (0..<levels).reversed() {
            let from = level == levels - 1 ? deepest : c.channels[level + 1]
            decoder.append(TimestepResidualBlock(channels: from + c.channels[level], outputChannels: c.channels[level],
                                                 timeEmbedding: c.timeEmbedding, groups: c.groups, rng: rng))
            decoderAttention.append(attention(level, c.channels[level]))
            if level > 0 {
                up.append(Conv2d(inputChannels: c.channels[level], outputChannels: c.channels[level], kernelSize: 3,
                                 padding: 1, rng: rng))
            }
        }
        self.decoder = decoder
        self.decoderAttention = decoderAttention
        upsample = up
        outputNorm = GroupNorm(groups: c.groups, channels: c.channels[0], activation: .silu)
        output = Conv2d(inputChannels: c.channels[0], outputChannels: c.imageChannels, kernelSize: 3, padding: 1, rng: rng)
        super.init()
    }

    /// Predicted noise for noisy images `[B, C, H, W]` at integer steps `timesteps` (one per image, 0-based).
    public func callAsFunction(_ x: Tensor, timesteps: [Int]) -> Tensor {
        forward(x, timesteps: timesteps, keepDecoderBlocks: false).noise
    }

    /// The predicted noise and the output of every decoder block, deepest first (`decoderBlocks[i]` has
    /// `configuration.decoderChannels[i]` channels at side `configuration.decoderSides[i]`).
    public func forward(_ x: Tensor, timesteps: [Int], keepDecoderBlocks: Bool = true)
        -> (noise: Tensor, decoderBlocks: [Tensor]) {
        precondition(timesteps.count == x.shape[0], "DenoisingUNet: one timestep per image")
        let steps = Tensor(timesteps.map(Float.init), shape: [timesteps.count])
        let time = timeOutput(timeInput(sinusoidalEmbedding(steps, dimension: configuration.channels[0])).silu())
        var h = input(x)
        var skips: [Tensor] = []
        for level in encoder.indices {
            h = encoder[level](h, time: time)
            if let attention = encoderAttention[level] { h = attention(h) }
            skips.append(h)
            if level < downsample.count { h = downsample[level](h) }
        }
        h = middleSecond(middleAttention(middleFirst(h, time: time)), time: time)
        var blocks: [Tensor] = []
        for (i, block) in decoder.enumerated() {
            h = block(Tensor.concat([h, skips[skips.count - 1 - i]], axis: 1), time: time)
            if let attention = decoderAttention[i] { h = attention(h) }
            if keepDecoderBlocks { blocks.append(h) }
            if i < upsample.count { h = upsample[i](h.upsampledNearest(scale: 2)) }
        }
        return (output(outputNorm(h)), blocks)
    }
}

/// GroupNorm → SiLU → 3×3 convolution, plus a per-channel shift from the timestep embedding, then the same
/// again; a 1×1 projection on the skip path when the channel count changes.
final class TimestepResidualBlock: Module {
    let norm1: GroupNorm, conv1: Conv2d
    let time: Linear
    let norm2: GroupNorm, conv2: Conv2d
    let skip: Conv2d?

    init(channels: Int, outputChannels: Int, timeEmbedding: Int, groups: Int, rng: RandomGenerator) {
        norm1 = GroupNorm(groups: groups, channels: channels, activation: .silu)
        conv1 = Conv2d(inputChannels: channels, outputChannels: outputChannels, kernelSize: 3, padding: 1, rng: rng)
        time = Linear(inputSize: timeEmbedding, outputSize: outputChannels, rng: rng)
        norm2 = GroupNorm(groups: groups, channels: outputChannels, activation: .silu)
        conv2 = Conv2d(inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, rng: rng)
        skip = channels == outputChannels
            ? nil : Conv2d(inputChannels: channels, outputChannels: outputChannels, kernelSize: 1, rng: rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor, time embedding: Tensor) -> Tensor {
        let shift = time(embedding.silu())
        let h = conv1(norm1(x)) + shift.reshaped([shift.shape[0], shift.shape[1], 1, 1])
        return conv2(norm2(h)) + (skip.map { $0(x) } ?? x)
    }
}
