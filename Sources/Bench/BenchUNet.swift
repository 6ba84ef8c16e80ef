import NN
import Tensor

/// The UNet workload: the shape of a small DDPM denoiser (two resolutions down, attention at 8×8, skip
/// connections), without the timestep embedding, which costs little next to the convolutions.
final class BenchUNet: Module {
    let input: Conv2d
    let down1: ResidualBlock, downsample1: Conv2d
    let down2: ResidualBlock, downsample2: Conv2d
    let middle: ResidualBlock, attention: SelfAttention2d
    let up2: ResidualBlock, upConv2: Conv2d
    let up1: ResidualBlock, upConv1: Conv2d
    let outNorm: GroupNorm, output: Conv2d

    init(rng: RandomGenerator) {
        input = Conv2d(inputChannels: 3, outputChannels: 64, kernelSize: 3, padding: 1, rng: rng)
        down1 = ResidualBlock(channels: 64, outputChannels: 64, rng: rng)
        downsample1 = Conv2d(inputChannels: 64, outputChannels: 64, kernelSize: 3, stride: 2, padding: 1, rng: rng)
        down2 = ResidualBlock(channels: 64, outputChannels: 128, rng: rng)
        downsample2 = Conv2d(inputChannels: 128, outputChannels: 128, kernelSize: 3, stride: 2, padding: 1, rng: rng)
        middle = ResidualBlock(channels: 128, outputChannels: 128, rng: rng)
        attention = SelfAttention2d(channels: 128, groups: 32, rng: rng)
        upConv2 = Conv2d(inputChannels: 128, outputChannels: 128, kernelSize: 3, padding: 1, rng: rng)
        up2 = ResidualBlock(channels: 256, outputChannels: 64, rng: rng)
        upConv1 = Conv2d(inputChannels: 64, outputChannels: 64, kernelSize: 3, padding: 1, rng: rng)
        up1 = ResidualBlock(channels: 128, outputChannels: 64, rng: rng)
        outNorm = GroupNorm(groups: 32, channels: 64, activation: .silu)
        output = Conv2d(inputChannels: 64, outputChannels: 3, kernelSize: 3, padding: 1, rng: rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h0 = down1(input(x))                                 // 64 × 32 × 32
        let h1 = down2(downsample1(h0))                          // 128 × 16 × 16
        let m = attention(middle(downsample2(h1)))               // 128 × 8 × 8
        let u2 = up2(Tensor.concat([upConv2(m.upsampledNearest(scale: 2)), h1], axis: 1))   // 64 × 16 × 16
        let u1 = up1(Tensor.concat([upConv1(u2.upsampledNearest(scale: 2)), h0], axis: 1))  // 64 × 32 × 32
        return output(outNorm(u1))
    }
}

/// GroupNorm → SiLU → 3×3 conv, twice, with a 1×1 projection on the skip path when channels change.
final class ResidualBlock: Module {
    let norm1: GroupNorm, conv1: Conv2d
    let norm2: GroupNorm, conv2: Conv2d
    let skip: Conv2d?

    init(channels: Int, outputChannels: Int, rng: RandomGenerator) {
        norm1 = GroupNorm(groups: 32, channels: channels, activation: .silu)
        conv1 = Conv2d(inputChannels: channels, outputChannels: outputChannels, kernelSize: 3, padding: 1, rng: rng)
        norm2 = GroupNorm(groups: 32, channels: outputChannels, activation: .silu)
        conv2 = Conv2d(inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, padding: 1, rng: rng)
        skip = channels == outputChannels
            ? nil : Conv2d(inputChannels: channels, outputChannels: outputChannels, kernelSize: 1, rng: rng)
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = conv2(norm2(conv1(norm1(x))))
        return h + (skip.map { $0(x) } ?? x)
    }
}
