import NN
import Tensor

/// The image side a row of `width` values is padded to: the smallest of the reference's sides whose square holds
/// it. tab-ddpm's copies stop at 32; upstream CTAB-GAN+ added 64 for wide tables, which the kit keeps.
func ctabganSide(for width: Int) -> Int {
    let sides = [4, 8, 16, 24, 32, 64]
    guard let side = sides.first(where: { $0 * $0 >= width }) else {
        fatalError("CTAB-GAN: a row of \(width) encoded values does not fit the largest image (64 × 64 = 4,096)")
    }
    return side
}

/// The rungs of CTAB-GAN's convolutional ladder, as (channels, side): (1, side), (C, side/2), then twice the
/// channels at half the side while the side exceeds 3, at most four rungs.
func ctabganLadder(side: Int, channels: Int) -> [(channels: Int, side: Int)] {
    var rungs = [(1, side), (channels, side / 2)]
    while rungs.last!.1 > 3 && rungs.count < 4 { rungs.append((rungs.last!.0 * 2, rungs.last!.1 / 2)) }
    return rungs
}

/// Rows [B, width] zero-padded to side² and reshaped to images [B, 1, side, side].
func ctabganImage(_ rows: Tensor, side: Int) -> Tensor {
    let batch = rows.shape[0], missing = side * side - rows.shape[1]
    let padded = missing > 0 ? Tensor.concat([rows, Tensor(zeros: [batch, missing])], axis: 1) : rows
    return padded.reshaped([batch, 1, side, side])
}

/// CTAB-GAN uses BatchNorm over channels; CTAB-GAN+ LayerNorm over each whole feature map [C, H, W].
enum CTABGANNormalization: Sendable {
    case batch, layer

    func make(channels: Int, side: Int) -> any Layer {
        switch self {
        case .batch: BatchNorm(featureCount: channels)
        case .layer: LayerNorm(normalizedShape: [channels, side, side])
        }
    }
}

/// The reference's `weights_init`: convolution weights N(0, 0.02), BatchNorm scales N(1, 0.02) and shifts 0
/// (LayerNorm keeps 1 and 0; convolution biases keep PyTorch's default).
func ctabganInitialize(_ layers: [any Layer], rng: RandomGenerator) {
    for layer in layers {
        let weight: Tensor?
        switch layer {
        case let conv as Conv2d: weight = conv.weight
        case let conv as ConvTranspose2d: weight = conv.weight
        case let norm as BatchNorm:
            if let scale = norm.weight { overwrite(scale, with: rng.normal(scale.shape, mean: 1, std: 0.02)) }
            weight = nil
        default: weight = nil
        }
        if let weight { overwrite(weight, with: rng.normal(weight.shape, std: 0.02)) }
    }
}

private func overwrite(_ parameter: Tensor, with values: Tensor) {
    let new = values.scalars
    parameter.withMutableBuffer { p in for i in p.indices { p[i] = new[i] } }
}

/// The critic: per rung a 4×4 stride-2 convolution without bias, the normalisation and LeakyReLU(0.2); then a
/// convolution over the last rung's whole map to one score, through a sigmoid (CTAB-GAN) or a ReLU (CTAB-GAN+).
/// The information loss reads the features before that last convolution.
final class CTABGANDiscriminator: Module {
    let body: Sequential
    let head: Conv2d
    let side: Int
    let wasserstein: Bool

    init(side: Int, channels: Int, normalization: CTABGANNormalization, wasserstein: Bool, rng: RandomGenerator) {
        self.side = side
        self.wasserstein = wasserstein
        let rungs = ctabganLadder(side: side, channels: channels)
        var layers: [any Layer] = []
        for (previous, current) in zip(rungs, rungs.dropFirst()) {
            layers += [Conv2d(inputChannels: previous.channels, outputChannels: current.channels, kernelSize: 4, stride: 2,
                              padding: 1, bias: false, rng: rng),
                       normalization.make(channels: current.channels, side: current.side), LeakyReLU(slope: 0.2)]
        }
        body = Sequential(layers)
        head = Conv2d(inputChannels: rungs.last!.channels, outputChannels: 1, kernelSize: rungs.last!.side, rng: rng)
        ctabganInitialize(layers + [head], rng: rng)
        super.init()
    }

    /// Scores [B] and features [B, F] of images [B, 1, side, side].
    func callAsFunction(_ images: Tensor) -> (scores: Tensor, features: Tensor) {
        let features = body(images)
        let logits = head(features).reshaped([images.shape[0]])
        return (wasserstein ? logits.relu() : logits.sigmoid(), features.reshaped([images.shape[0], -1]))
    }
}

/// The generator: noise and condition as a [B, z + c, 1, 1] map, a transposed convolution to the deepest rung,
/// then per rung the normalisation, ReLU and a 4×4 stride-2 transposed convolution, up to [B, 1, side, side].
final class CTABGANGenerator: Module {
    let body: Sequential
    let side: Int

    init(side: Int, inputSize: Int, channels: Int, normalization: CTABGANNormalization, rng: RandomGenerator) {
        self.side = side
        let rungs = ctabganLadder(side: side, channels: channels)
        var layers: [any Layer] = [ConvTranspose2d(inputChannels: inputSize, outputChannels: rungs.last!.channels,
                                                   kernelSize: rungs.last!.side, bias: false, rng: rng)]
        for (deeper, shallower) in zip(rungs.reversed(), rungs.reversed().dropFirst()) {
            layers += [normalization.make(channels: deeper.channels, side: deeper.side), ReLU(),
                       ConvTranspose2d(inputChannels: deeper.channels, outputChannels: shallower.channels, kernelSize: 4,
                                       stride: 2, padding: 1, rng: rng)]
        }
        body = Sequential(layers)
        ctabganInitialize(layers, rng: rng)
        super.init()
    }

    /// Raw rows [B, width] (before activation) from inputs [B, z + c].
    func callAsFunction(_ input: Tensor, width: Int) -> Tensor {
        let batch = input.shape[0]
        let images = body(input.reshaped([batch, input.shape[1], 1, 1]))
        return images.reshaped([batch, side * side]).sliced(axis: 1, 0..<width)
    }
}
