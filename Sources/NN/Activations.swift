import Tensor

// Activations as modules, for `Sequential`. As plain functions they are the tensor methods themselves:
// `x.relu()`, `x.leakyRelu(slope:)`, `x.silu()`, `x.gelu()`, `x.sigmoid()`, `x.tanh()`, `x.softplus()`.

public final class ReLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

public final class LeakyReLU: Module, Layer {
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope; super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.leakyRelu(slope: slope) }
}

/// x·σ(x) (swish).
public final class SiLU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.silu() }
}

/// Exact GELU, x·Φ(x).
public final class GELU: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.gelu() }
}

public final class Sigmoid: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

public final class Tanh: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// log(1 + eˣ).
public final class Softplus: Module, Layer {
    public override init() { super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.softplus() }
}

/// Applies a stored function (for one-off reshapes or activations inside a `Sequential`). Has no parameters.
public final class Lambda: Module, Layer {
    let body: (Tensor) -> Tensor
    public init(_ body: @escaping (Tensor) -> Tensor) { self.body = body; super.init() }
    public func callAsFunction(_ input: Tensor) -> Tensor { body(input) }
}

/// Layers applied in order.
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers; super.init() }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in layer(x) }
    }
}
