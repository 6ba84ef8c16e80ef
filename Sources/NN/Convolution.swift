import Tensor

/// 1-D convolution over [N, C, L] with weight [out, in, K] (PyTorch's layout and default initialisation:
/// weight and bias U(−1/√(in·K), 1/√(in·K))).
public final class Conv1d: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let dilation: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, rng: RandomGenerator) {
        let fanIn = inputChannels * kernelSize
        weight = Initialization.kaimingUniform([outputChannels, inputChannels, kernelSize], fanIn: fanIn, rng: rng)
        self.bias = bias ? Initialization.bias(outputChannels, fanIn: fanIn, rng: rng) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.conv1d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}

/// 2-D convolution over [N, C, H, W] with weight [out, in, K, K] (PyTorch's layout and default initialisation:
/// weight and bias U(−1/√(in·K²), 1/√(in·K²))).
public final class Conv2d: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let dilation: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, rng: RandomGenerator) {
        let fanIn = inputChannels * kernelSize * kernelSize
        weight = Initialization.kaimingUniform([outputChannels, inputChannels, kernelSize, kernelSize],
                                               fanIn: fanIn, rng: rng)
        self.bias = bias ? Initialization.bias(outputChannels, fanIn: fanIn, rng: rng) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}

/// Transposed 2-D convolution with weight [in, out, K, K]; PyTorch computes the fan-in of this layout from
/// dimension 1, so weight and bias start U(−1/√(out·K²), 1/√(out·K²)).
public final class ConvTranspose2d: Module, Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, rng: RandomGenerator) {
        let fanIn = outputChannels * kernelSize * kernelSize
        weight = Initialization.kaimingUniform([inputChannels, outputChannels, kernelSize, kernelSize],
                                               fanIn: fanIn, rng: rng)
        self.bias = bias ? Initialization.bias(outputChannels, fanIn: fanIn, rng: rng) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        Tensor.convTranspose2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                               outputPadding: outputPadding)
    }
}
