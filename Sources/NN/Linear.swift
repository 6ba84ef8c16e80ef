import Tensor

/// y = x·Wᵀ + b, with W stored [out, in] as in PyTorch. Works on any input whose last dimension is `inputSize`.
public final class Linear: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    /// PyTorch's default initialisation: weight and bias both U(−1/√in, 1/√in).
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, rng: RandomGenerator) {
        weight = Initialization.kaimingUniform([outputSize, inputSize], fanIn: inputSize, rng: rng)
        self.bias = bias ? Initialization.bias(outputSize, fanIn: inputSize, rng: rng) : nil
        super.init()
    }

    /// A layer around given values (copied; they become trainable parameters).
    public init(weight: Tensor, bias: Tensor?) {
        check(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
        if let bias { check(bias.shape == [weight.shape[0]], "Linear: bias \(bias.shape) for weight \(weight.shape)") }
        self.weight = .trainableCopy(weight)
        self.bias = bias.map { .trainableCopy($0) }
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.linear(input, weight: weight, bias: bias)
    }
}
