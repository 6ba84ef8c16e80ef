import Tensor

/// Shape [1, C, 1, …, 1] for a per-channel vector applied to a rank-`rank` input laid out [N, C, …].
func channelShape(_ channels: Int, rank: Int) -> [Int] {
    [1, channels] + Array(repeating: 1, count: max(rank - 2, 0))
}

/// Layer normalisation (Ba et al. 2016) over the trailing `normalizedShape` dimensions, with an elementwise
/// affine transform of that shape (weight 1, bias 0 at start).
public final class LayerNorm: Module, Layer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let normalizedShape: [Int]
    public let epsilon: Float

    public init(normalizedShape: [Int], epsilon: Float = 1e-5, affine: Bool = true) {
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        weight = affine ? Initialization.constant(1, shape: normalizedShape) : nil
        bias = affine ? Initialization.constant(0, shape: normalizedShape) : nil
        super.init()
    }

    public convenience init(size: Int, epsilon: Float = 1e-5, affine: Bool = true) {
        self.init(normalizedShape: [size], epsilon: epsilon, affine: affine)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let k = normalizedShape.count
        check(input.rank >= k && Array(input.shape.suffix(k)) == normalizedShape,
                     "LayerNorm: input \(input.shape) does not end in \(normalizedShape)")
        return Tensor.layerNorm(input, normalizedCount: normalizedShape.reduce(1, *), weight: weight, bias: bias,
                                epsilon: epsilon)
    }
}

/// Group normalisation (Wu & He 2018) on [N, C, …]: channels split into `groups` groups, each normalised over
/// its channels and all positions, then a per-channel affine transform. `activation: .silu` fuses the SiLU that
/// UNets put after every GroupNorm into the same pass (the same function as `GroupNorm` then `SiLU`).
public final class GroupNorm: Module, Layer {
    public let weight: Tensor?
    public let bias: Tensor?
    public let groups: Int
    public let channels: Int
    public let epsilon: Float
    public let activation: NormalizationActivation

    public init(groups: Int, channels: Int, epsilon: Float = 1e-5, affine: Bool = true,
                activation: NormalizationActivation = .identity) {
        check(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels do not split into \(groups) groups")
        self.groups = groups
        self.channels = channels
        self.epsilon = epsilon
        self.activation = activation
        weight = affine ? Initialization.constant(1, shape: [channels]) : nil
        bias = affine ? Initialization.constant(0, shape: [channels]) : nil
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        check(input.rank >= 2 && input.shape[1] == channels,
                     "GroupNorm: input \(input.shape) is not [N, \(channels), …]")
        return Tensor.groupNorm(input, groups: groups, weight: weight, bias: bias, epsilon: epsilon,
                                activation: activation)
    }
}

/// Batch normalisation (Ioffe & Szegedy 2015) over [N, C], [N, C, L] or [N, C, H, W]: statistics per channel over
/// the batch and all positions. In training mode it normalises with the batch statistics (biased variance) and
/// updates the running estimates, `running ← (1 − momentum)·running + momentum·batch` (unbiased variance, as in
/// PyTorch); in evaluation mode it normalises with the running estimates.
public final class BatchNorm: Module, Layer {
    public let weight: Tensor?
    public let bias: Tensor?
    /// Buffers: saved with the parameters, never trained.
    public let runningMean: Tensor
    public let runningVariance: Tensor
    public let featureCount: Int
    public let momentum: Float
    public let epsilon: Float

    public override var bufferNames: Set<String> { ["runningMean", "runningVariance"] }

    public init(featureCount: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        self.featureCount = featureCount
        self.momentum = momentum
        self.epsilon = epsilon
        weight = affine ? Initialization.constant(1, shape: [featureCount]) : nil
        bias = affine ? Initialization.constant(0, shape: [featureCount]) : nil
        runningMean = Tensor(zeros: [featureCount])
        runningVariance = Tensor(repeating: 1, shape: [featureCount])
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        check(input.rank >= 2 && input.shape[1] == featureCount,
                     "BatchNorm: input \(input.shape) is not [N, \(featureCount), …]")
        let shape = channelShape(featureCount, rank: input.rank)
        if isTraining {
            let n = input.count / featureCount
            check(n > 1, "BatchNorm: training needs more than one value per channel, got input \(input.shape)")
            let (normalized, mean, variance) = Tensor.batchNorm(input, weight: weight, bias: bias, epsilon: epsilon)
            let m = momentum, unbias = Float(n) / Float(n - 1)
            runningMean.withMutableBuffer { rm in
                for c in 0..<featureCount { rm[c] = (1 - m) * rm[c] + m * mean[c] }
            }
            runningVariance.withMutableBuffer { rv in
                for c in 0..<featureCount { rv[c] = (1 - m) * rv[c] + m * variance[c] * unbias }
            }
            return normalized
        }
        let mean = runningMean.copy().reshaped(shape)
        let invStd = 1 / (runningVariance.copy() + epsilon).sqrt().reshaped(shape)
        var y = (input - mean) * invStd
        if let weight { y = y * weight.reshaped(shape) }
        if let bias { y = y + bias.reshaped(shape) }
        return y
    }
}

/// BatchNorm over [N, C] or [N, C, L] (PyTorch's name).
public typealias BatchNorm1d = BatchNorm
/// BatchNorm over [N, C, H, W] (PyTorch's name).
public typealias BatchNorm2d = BatchNorm
