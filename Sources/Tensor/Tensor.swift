/// A dense, row-major Float32 N-d array that records how it was made, so gradients can flow back to it.
///
/// Tensors are reference types: a parameter is one object that the optimizer updates in place and every
/// graph that used it points at. Ops never mutate their inputs; only optimizers (between steps) and the
/// explicit `assign`/`withMutableBuffer` calls do.
public final class Tensor {
    public let shape: [Int]
    public let storage: Storage
    /// Whether gradients are accumulated into `grad` by `backward()`.
    public var requiresGrad: Bool
    /// The accumulated gradient, same shape. Replaced, never mutated, while backward runs.
    public internal(set) var grad: Tensor?
    /// How this tensor was computed (nil for leaves and for anything made under `withoutGrad`).
    var node: Node?
    /// Which of the node's outputs this tensor is.
    var outputIndex = 0

    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        check(shape.reduce(1, *) == storage.count,
                     "Tensor: shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// Uninitialised tensor for op outputs that overwrite every element.
    static func empty(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: Storage(uninitializedCount: shape.reduce(1, *)))
    }

    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        let n = shape.reduce(1, *)
        check(values.count == n, "Tensor: \(values.count) values for shape \(shape) (\(n) elements)")
        check(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        let s = Storage(uninitializedCount: n)
        values.withUnsafeBufferPointer { s.pointer.update(from: $0.baseAddress!, count: n) }
        self.init(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor.
    public convenience init(_ scalar: Float) { self.init([scalar], shape: []) }

    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: Storage(zeros: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        let s = Storage(uninitializedCount: shape.reduce(1, *))
        s.pointer.update(repeating: value, count: s.count)
        self.init(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    /// The values, copied out in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single value of a one-element tensor.
    public var item: Float {
        check(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// A tensor sharing this one's values but with no history and no gradient (`detach` in PyTorch).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// A deep copy with no history.
    public func copy() -> Tensor {
        let out = Tensor.empty(shape)
        out.storage.pointer.update(from: storage.pointer, count: count)
        return out
    }

    /// Overwrites the values in place (parameters: loading, EMA, optimizers). Not recorded on the tape.
    public func assign(_ other: Tensor) {
        check(other.shape == shape, "assign: shape \(other.shape) into \(shape)")
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    /// Direct access for kernels outside the core (optimizers, data loaders). Not recorded on the tape.
    public func withMutableBuffer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(storage.buffer)
    }

    public func withBuffer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Drops the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// Replaces the accumulated gradient (gradient clipping, tests).
    public func setGrad(_ g: Tensor?) {
        if let g { check(g.shape == shape, "setGrad: gradient shape \(g.shape) for tensor \(shape)") }
        grad = g
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor {
    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        let t = Tensor(zeros: [n, n])
        for i in 0..<n { t.storage.pointer[i * n + i] = 1 }
        return t
    }
}
