import Foundation
import NN
import Tensor

/// The paper's MAE row, scaled to a CPU (He et al. 2022): images cut into patches, 75 % of them hidden, a ViT
/// encoder on the visible ones, a light decoder that fills in the rest, the loss on hidden patches with per-patch
/// normalised targets. The chapter reads the encoder's token outputs, run on all patches, as pixel features.
public struct MaskedAutoencoderConfiguration: Codable, Hashable, Sendable {
    public var imageSize: Int
    public var imageChannels: Int
    public var patchSize: Int
    public var width: Int
    public var depth: Int
    public var heads: Int
    public var decoderWidth: Int
    public var decoderDepth: Int
    public var maskRatio: Float
    /// Encoder blocks (0-based) whose token outputs become features.
    public var featureBlocks: [Int]
    public var learningRate: Float
    public var batchSize: Int

    public init(imageSize: Int = 32, imageChannels: Int = 3, patchSize: Int = 4, width: Int = 128, depth: Int = 4,
                heads: Int = 4, decoderWidth: Int = 64, decoderDepth: Int = 2, maskRatio: Float = 0.75,
                featureBlocks: [Int] = [1, 2, 3], learningRate: Float = 1e-3, batchSize: Int = 64) {
        self.imageSize = imageSize
        self.imageChannels = imageChannels
        self.patchSize = patchSize
        self.width = width
        self.depth = depth
        self.heads = heads
        self.decoderWidth = decoderWidth
        self.decoderDepth = decoderDepth
        self.maskRatio = maskRatio
        self.featureBlocks = featureBlocks
        self.learningRate = learningRate
        self.batchSize = batchSize
    }

    var grid: Int { imageSize / patchSize }
    var tokens: Int { grid * grid }
    var patchValues: Int { imageChannels * patchSize * patchSize }
    /// Tokens left visible per image in training.
    var visible: Int { Swift.max(1, Int((Float(tokens) * (1 - maskRatio)).rounded())) }
}

/// A pre-norm transformer block: x + attention(LN(x)), then x + MLP(LN(x)) with a GELU and 4× width.
final class TransformerBlock: Module {
    let norm1: LayerNorm, query: Linear, key: Linear, value: Linear, projection: Linear
    let norm2: LayerNorm, hidden: Linear, output: Linear
    let heads: Int

    init(width: Int, heads: Int, rng: RandomGenerator) {
        self.heads = heads
        norm1 = LayerNorm(normalizedShape: [width])
        query = Linear(inputSize: width, outputSize: width, rng: rng)
        key = Linear(inputSize: width, outputSize: width, rng: rng)
        value = Linear(inputSize: width, outputSize: width, rng: rng)
        projection = Linear(inputSize: width, outputSize: width, rng: rng)
        norm2 = LayerNorm(normalizedShape: [width])
        hidden = Linear(inputSize: width, outputSize: 4 * width, rng: rng)
        output = Linear(inputSize: 4 * width, outputSize: width, rng: rng)
        super.init()
    }

    /// `x` is `[B, N, width]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]), dh = d / heads
        func split(_ t: Tensor) -> Tensor { t.reshaped([b, n, heads, dh]).permuted([0, 2, 1, 3]).reshaped([b * heads, n, dh]) }
        let h = norm1(x)
        let q = split(query(h)), k = split(key(h)), v = split(value(h))
        let weights = (q.matmul(k, transposeB: true) * (1 / Float(dh).squareRoot())).softmax(axis: -1)
        let attended = weights.matmul(v).reshaped([b, heads, n, dh]).permuted([0, 2, 1, 3]).reshaped([b, n, d])
        let y = x + projection(attended)
        return y + output(hidden(norm2(y)).gelu())
    }
}

public final class MaskedAutoencoder: Module {
    public let configuration: MaskedAutoencoderConfiguration
    let embedding: Linear
    let encoder: [TransformerBlock]
    let encoderNorm: LayerNorm
    let decoderEmbedding: Linear
    let maskToken: Tensor
    let decoder: [TransformerBlock]
    let decoderNorm: LayerNorm
    let prediction: Linear
    let position: Tensor, decoderPosition: Tensor

    public init(configuration c: MaskedAutoencoderConfiguration, seed: UInt64) {
        precondition(c.imageSize % c.patchSize == 0 && c.width % c.heads == 0 && c.decoderWidth % c.heads == 0,
                     "MaskedAutoencoder: the patch must tile the image and the heads must split the widths")
        configuration = c
        let rng = RandomGenerator(seed: seed).derived(0x6d6165)
        embedding = Linear(inputSize: c.patchValues, outputSize: c.width, rng: rng)
        encoder = (0..<c.depth).map { _ in TransformerBlock(width: c.width, heads: c.heads, rng: rng) }
        encoderNorm = LayerNorm(normalizedShape: [c.width])
        decoderEmbedding = Linear(inputSize: c.width, outputSize: c.decoderWidth, rng: rng)
        maskToken = Initialization.normal([1, c.decoderWidth], std: 0.02, rng: rng)
        decoder = (0..<c.decoderDepth).map { _ in TransformerBlock(width: c.decoderWidth, heads: c.heads, rng: rng) }
        decoderNorm = LayerNorm(normalizedShape: [c.decoderWidth])
        prediction = Linear(inputSize: c.decoderWidth, outputSize: c.patchValues, rng: rng)
        position = Self.sinusoidalPositions(grid: c.grid, width: c.width)
        decoderPosition = Self.sinusoidalPositions(grid: c.grid, width: c.decoderWidth)
        super.init()
    }

    /// MAE's fixed 2-D sin-cos position embedding `[N, width]`: half the channels encode the row, half the column.
    static func sinusoidalPositions(grid: Int, width: Int) -> Tensor {
        let quarter = width / 4
        var values = [Float](repeating: 0, count: grid * grid * width)
        for row in 0..<grid {
            for column in 0..<grid {
                let token = row * grid + column
                for (half, coordinate) in [row, column].enumerated() {
                    for i in 0..<quarter {
                        let angle = Float(coordinate) / pow(10_000, Float(i) / Float(quarter))
                        values[token * width + half * 2 * quarter + i] = sin(angle)
                        values[token * width + half * 2 * quarter + quarter + i] = cos(angle)
                    }
                }
            }
        }
        return Tensor(values, shape: [grid * grid, width])
    }

    /// Images `[B, C, H, W]` → patches `[B, N, C·p·p]`, row-major over the patch grid.
    func patchify(_ x: Tensor) -> Tensor {
        let c = configuration, b = x.shape[0], g = c.grid, p = c.patchSize
        return x.reshaped([b, c.imageChannels, g, p, g, p]).permuted([0, 2, 4, 1, 3, 5]).reshaped([b, g * g, c.patchValues])
    }

    /// Encoder token outputs of every block for the tokens kept (`kept[b]` lists image b's token indices).
    func encode(_ patches: Tensor, kept: [[Int]]) -> [Tensor] {
        let b = patches.shape[0], n = configuration.tokens, k = kept[0].count
        let rows = kept.enumerated().flatMap { i, tokens in tokens.map { i * n + $0 } }
        let positions = kept.flatMap { $0 }
        let tokens = embedding(patches.reshaped([b * n, configuration.patchValues]).gathering(rows, axis: 0))
            + position.gathering(positions, axis: 0)
        var h = tokens.reshaped([b, k, configuration.width])
        var outputs: [Tensor] = []
        for block in encoder { h = block(h); outputs.append(h) }
        outputs[outputs.count - 1] = encoderNorm(h)
        return outputs
    }

    /// Which tokens each image keeps visible: a seeded random subset of the configured size.
    func visibleTokens(batch: Int, rng: RandomGenerator) -> [[Int]] {
        (0..<batch).map { _ in Array(rng.permutation(configuration.tokens).prefix(configuration.visible)).sorted() }
    }

    /// Mean squared error on the hidden patches, each target patch normalised by its own mean and variance.
    public func loss(_ x: Tensor, rng: RandomGenerator) -> Tensor {
        let c = configuration, b = x.shape[0], n = c.tokens
        let patches = patchify(x)
        let kept = visibleTokens(batch: b, rng: rng)
        let encoded = encode(patches, kept: kept).last!
        let visible = decoderEmbedding(encoded).reshaped([b * c.visible, c.decoderWidth])
        let hidden = kept.map { Set($0) }.map { set in (0..<n).filter { !set.contains($0) } }
        let maskCount = n - c.visible
        let masks = maskToken.broadcasted(to: [b * maskCount, c.decoderWidth])
        // Put visible and mask tokens back in token order: visible rows first, then mask rows, gathered.
        var order = [Int](repeating: 0, count: b * n)
        for i in 0..<b {
            for (j, t) in kept[i].enumerated() { order[i * n + t] = i * c.visible + j }
            for (j, t) in hidden[i].enumerated() { order[i * n + t] = b * c.visible + i * maskCount + j }
        }
        let full = Tensor.concat([visible, masks], axis: 0).gathering(order, axis: 0)
            + decoderPosition.broadcasted(to: [b, n, c.decoderWidth]).reshaped([b * n, c.decoderWidth])
        var h = full.reshaped([b, n, c.decoderWidth])
        for block in decoder { h = block(h) }
        let predicted = prediction(decoderNorm(h)).reshaped([b * n, c.patchValues])
        let target = withoutGrad { Self.normalizedPatches(patches.reshaped([b * n, c.patchValues])) }
        let scored = hidden.enumerated().flatMap { i, tokens in tokens.map { i * n + $0 } }
        return meanSquaredError(predicted: predicted.gathering(scored, axis: 0), expected: target.gathering(scored, axis: 0))
    }

    /// Each row minus its mean, divided by its standard deviation (+1e-6 in the variance, as MAE).
    static func normalizedPatches(_ rows: Tensor) -> Tensor {
        let mean = rows.mean(axes: [1], keepingDims: true)
        let centered = rows - mean
        return centered / (centered.squared().mean(axes: [1], keepingDims: true) + 1e-6).sqrt()
    }

    /// Trains `steps` optimiser steps on `images` ([N, C, H, W] in [-1, 1]); the same seed gives the same weights.
    public func train(on images: Tensor, steps: Int, seed: UInt64, progress: (Int, Float) -> Void = { _, _ in }) throws {
        try trainRepresentation(self, name: "MAE", on: images, steps: steps, batchSize: configuration.batchSize,
                                learningRate: configuration.learningRate, seed: seed,
                                loss: { self.loss($0, rng: $1) }, progress: progress)
    }
}

/// The MAE encoder's token outputs of the configured blocks, all patches visible, as a grid upsampled to the image.
public final class MaskedAutoencoderFeatures: PixelFeatureSource {
    public let name = "MAE"
    public let model: MaskedAutoencoder

    public init(model: MaskedAutoencoder) { self.model = model }

    public var featureCount: Int { model.configuration.featureBlocks.count * model.configuration.width }

    public func features(of images: Tensor, firstIndex: Int) -> Tensor {
        let c = model.configuration, b = images.shape[0], h = images.shape[2], w = images.shape[3]
        return withoutGrad {
            let all = [[Int]](repeating: Array(0..<c.tokens), count: b)
            let outputs = model.encode(model.patchify(images), kept: all)
            return Tensor.concat(c.featureBlocks.map { block in
                toImageSize(outputs[block].permuted([0, 2, 1]).reshaped([b, c.width, c.grid, c.grid]), height: h, width: w)
            }, axis: 1)
        }
    }
}
