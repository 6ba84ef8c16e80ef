import NN
import Tensor

/// Keras's default initialisation, which every layer of the reference uses: Glorot-uniform weights
/// U(−√(6/(fanIn + fanOut)), +…) and zero biases.
enum KerasInitialization {
    static func dense(inputSize: Int, outputSize: Int, rng: RandomGenerator) -> Linear {
        let layer = Linear(inputSize: inputSize, outputSize: outputSize, rng: rng)
        reset(layer.weight, bias: layer.bias, fanIn: inputSize, fanOut: outputSize, rng: rng)
        return layer
    }

    /// Overwrites a layer's values in place (the layer keeps its parameter tensors).
    static func reset(_ weight: Tensor, bias: Tensor?, fanIn: Int, fanOut: Int, rng: RandomGenerator) {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        weight.assign(rng.uniform(weight.shape, low: -limit, high: limit))
        bias?.assign(Tensor(zeros: bias!.shape))
    }
}

/// Dense layers with ReLU after each hidden one and a linear output, applied along the last axis (the
/// reference's `make_nn`).
public final class DenseStack: Module {
    public let hidden: [Linear]
    public let output: Linear

    public init(inputSize: Int, hiddenSizes: [Int], outputSize: Int, rng: RandomGenerator) {
        var layers: [Linear] = []
        var width = inputSize
        for h in hiddenSizes {
            layers.append(KerasInitialization.dense(inputSize: width, outputSize: h, rng: rng))
            width = h
        }
        hidden = layers
        output = KerasInitialization.dense(inputSize: width, outputSize: outputSize, rng: rng)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        output(hidden.reduce(x) { h, layer in layer(h).relu() })
    }
}

/// The reference's joint encoder (`make_cnn`): a Conv1D over time with "same" padding and no activation, then
/// dense ReLU layers, then a linear output, per time step. Input and output are [B, T, features].
public final class JointEncoder: Module {
    public let convolution: Conv1d
    public let stack: DenseStack
    public let window: Int

    public init(inputSize: Int, sizes: [Int], window: Int, outputSize: Int, rng: RandomGenerator) {
        // Odd windows pad (w − 1)/2 each side; even ones pad w/2 and drop the first output, which is where
        // TensorFlow's "same" (one more zero on the right than the left) puts the window.
        convolution = Conv1d(inputChannels: inputSize, outputChannels: sizes[0], kernelSize: window, padding: window / 2,
                             rng: rng)
        KerasInitialization.reset(convolution.weight, bias: convolution.bias, fanIn: window * inputSize,
                                  fanOut: window * sizes[0], rng: rng)
        stack = DenseStack(inputSize: sizes[0], hiddenSizes: Array(sizes.dropFirst()), outputSize: outputSize, rng: rng)
        self.window = window
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let t = x.shape[1]
        var h = convolution(x.permuted([0, 2, 1]))
        if window % 2 == 0 { h = h.sliced(axis: 2, 1..<(t + 1)) }
        return stack(h.permuted([0, 2, 1]))
    }
}

/// The reference's image preprocessor: each frame through Conv2D layers (3×3 "same", ReLU), the last back to the
/// image's channel count, also ReLU. Frames are channels-last in the data and channels-first in the convolutions.
public final class ImagePreprocessor: Module {
    public let layers: [Conv2d]
    public let image: ImageShape

    public init(image: ImageShape, sizes: [Int], kernelSize: Int, rng: RandomGenerator) {
        var convs: [Conv2d] = []
        var channels = image.channels
        for out in sizes + [image.channels] {
            let conv = Conv2d(inputChannels: channels, outputChannels: out, kernelSize: kernelSize,
                              padding: kernelSize / 2, rng: rng)
            let area = kernelSize * kernelSize
            KerasInitialization.reset(conv.weight, bias: conv.bias, fanIn: area * channels, fanOut: area * out, rng: rng)
            convs.append(conv)
            channels = out
        }
        layers = convs
        self.image = image
        super.init()
    }

    /// [B, T, H·W·C] → the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (h, w, c) = (image.height, image.width, image.channels)
        let frames = x.reshaped([-1, h, w, c])
        // With one channel, channels-last and channels-first are the same bytes.
        var y = c == 1 ? frames.reshaped([-1, 1, h, w]) : frames.permuted([0, 3, 1, 2])
        for layer in layers { y = layer(y).relu() }
        let back = c == 1 ? y : y.permuted([0, 2, 3, 1])
        return back.reshaped(x.shape)
    }
}
