import CKernels
import Foundation

// Elementwise ops. Each op's forward and backward sit together; binary ops broadcast like NumPy and
// reduce their gradients back to each input's shape.

extension Tensor {
    /// out[i] = f(a[i], b[i]) under broadcasting. Rows of the last dimension are the inner loop.
    @inline(__always)
    static func zipMap(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) -> Tensor {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            fatalError("\(op): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = Tensor.empty(shape)
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.storage.pointer
        let n = out.count
        if a.shape == b.shape {
            Threading.parallelRange(n) { s, e in for i in s..<e { po[i] = f(pa[i], pb[i]) } }
        } else if b.count == 1 {
            let v = pb[0]
            Threading.parallelRange(n) { s, e in for i in s..<e { po[i] = f(pa[i], v) } }
        } else if a.count == 1 {
            let v = pa[0]
            Threading.parallelRange(n) { s, e in for i in s..<e { po[i] = f(v, pb[i]) } }
        } else if n > 0 {
            let sa = Shape.broadcastStrides(a.shape, to: shape), sb = Shape.broadcastStrides(b.shape, to: shape)
            let inner = shape.last!, rows = n / inner, r = shape.count
            let ia = sa[r - 1], ib = sb[r - 1]
            for row in 0..<rows {
                var rem = row, oa = 0, ob = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    let i = rem % shape[d]; rem /= shape[d]
                    oa += i * sa[d]; ob += i * sb[d]
                }
                let o = po + row * inner
                for j in 0..<inner { o[j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
            }
        }
        return out
    }

    /// out[i] = f(x[i]).
    @inline(__always)
    func map(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor.empty(shape)
        let px = storage.pointer, po = out.storage.pointer
        Threading.parallelRange(count) { s, e in for i in s..<e { po[i] = f(px[i]) } }
        return out
    }

    /// Applies a C kernel `k(x, y, n)` split over threads.
    func kernel(_ k: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let out = Tensor.empty(shape)
        let px = storage.pointer, po = out.storage.pointer
        Threading.parallelRange(count) { s, e in k(px + s, po + s, e - s) }
        return out
    }

    // MARK: Binary

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        zipMap(a, b, op: "add") { $0 + $1 }.recorded("add", [a, b]) { g in
            [g.sumToShape(a.shape), g.sumToShape(b.shape)]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        zipMap(a, b, op: "sub") { $0 - $1 }.recorded("sub", [a, b]) { g in
            [g.sumToShape(a.shape), b.requiresGrad ? (-g).sumToShape(b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        zipMap(a, b, op: "mul") { $0 * $1 }.recorded("mul", [a, b]) { g in
            [a.requiresGrad ? (g * b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        zipMap(a, b, op: "div") { $0 / $1 }.recorded("div", [a, b]) { g in
            [a.requiresGrad ? (g / b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (-(g * a) / (b * b)).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise maximum; the gradient goes to `a` where a ≥ b, else to `b`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipMap(a, b, op: "maximum") { Swift.max($0, $1) }.recorded("maximum", [a, b]) { g in
            let pickA = zipMap(a, b, op: "maximum") { $0 >= $1 ? 1 : 0 }
            return [a.requiresGrad ? (g * pickA).sumToShape(a.shape) : nil,
                    b.requiresGrad ? (g * (1 - pickA)).sumToShape(b.shape) : nil]
        }
    }

    /// `condition ? a : b` elementwise (true where the condition is nonzero; all three broadcast).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = Shape.broadcast(a.shape, b.shape), let shape = Shape.broadcast(condition.shape, ab) else {
            fatalError("where: shapes \(condition.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let mask = condition.broadcasted(to: shape).map { $0 != 0 ? 1 : 0 }
        let x = a.detached().broadcasted(to: shape), y = b.detached().broadcasted(to: shape)
        let out = zipMap(mask, x, op: "where") { m, v in m != 0 ? v : 0 }
        let po = out.storage.pointer, pm = mask.storage.pointer, py = y.storage.pointer
        for i in 0..<out.count where pm[i] == 0 { po[i] = py[i] }
        return out.recorded("where", [a, b]) { g in
            [a.requiresGrad ? (g * mask).sumToShape(a.shape) : nil,
             b.requiresGrad ? (g * (1 - mask)).sumToShape(b.shape) : nil]
        }
    }

    // MARK: With a scalar

    public static func + (a: Tensor, s: Float) -> Tensor {
        a.map { $0 + s }.recorded("add-scalar", [a]) { g in [g] }
    }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor {
        a.map { s - $0 }.recorded("rsub-scalar", [a]) { g in [-g] }
    }
    public static func * (a: Tensor, s: Float) -> Tensor {
        a.map { $0 * s }.recorded("mul-scalar", [a]) { g in [g * s] }
    }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor {
        a.map { s / $0 }.recorded("rdiv-scalar", [a]) { g in [-(g * s) / (a * a)] }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.map { -$0 }.recorded("neg", [a]) { g in [-g] }
    }

    // MARK: Unary

    public func exp() -> Tensor {
        let y = kernel { kit_exp($0, $1, $2) }
        let yd = y.detached()
        return y.recorded("exp", [self]) { g in [g * yd] }
    }

    public func log() -> Tensor {
        map { Foundation.log($0) }.recorded("log", [self]) { g in [g / self] }
    }

    public func sqrt() -> Tensor {
        let y = map { $0.squareRoot() }
        let yd = y.detached()
        return y.recorded("sqrt", [self]) { g in [g / (yd * 2)] }
    }

    public func squared() -> Tensor {
        map { $0 * $0 }.recorded("square", [self]) { g in [g * self * 2] }
    }

    public func abs() -> Tensor {
        map { Swift.abs($0) }.recorded("abs", [self]) { g in
            [g * self.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
        }
    }

    /// x^p for a constant exponent.
    public func pow(_ p: Float) -> Tensor {
        map { Foundation.pow($0, p) }.recorded("pow", [self]) { g in
            [g * self.map { p * Foundation.pow($0, p - 1) }]
        }
    }

    public func sin() -> Tensor {
        map { Foundation.sin($0) }.recorded("sin", [self]) { g in [g * self.map { Foundation.cos($0) }] }
    }

    public func cos() -> Tensor {
        map { Foundation.cos($0) }.recorded("cos", [self]) { g in [g * self.map { -Foundation.sin($0) }] }
    }

    public func relu() -> Tensor {
        let y = kernel { kit_relu($0, $1, $2) }
        let yd = y.detached()
        return y.recorded("relu", [self]) { g in
            let dx = Tensor.empty(g.shape)
            let py = yd.storage.pointer, pg = g.storage.pointer, pd = dx.storage.pointer
            Threading.parallelRange(g.count) { s, e in kit_relu_backward(py + s, pg + s, pd + s, e - s) }
            return [dx]
        }
    }

    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        map { $0 > 0 ? $0 : slope * $0 }.recorded("leaky-relu", [self]) { g in
            [g * self.map { $0 > 0 ? 1 : slope }]
        }
    }

    public func sigmoid() -> Tensor {
        let y = kernel { kit_sigmoid($0, $1, $2) }
        let yd = y.detached()
        return y.recorded("sigmoid", [self]) { g in [g * yd.map { $0 * (1 - $0) }] }
    }

    public func tanh() -> Tensor {
        let y = kernel { kit_tanh($0, $1, $2) }
        let yd = y.detached()
        return y.recorded("tanh", [self]) { g in [g * yd.map { 1 - $0 * $0 }] }
    }

    /// log(1 + eˣ), computed without overflow.
    public func softplus() -> Tensor {
        kernel { kit_softplus($0, $1, $2) }.recorded("softplus", [self]) { g in
            [g * self.kernel { kit_sigmoid($0, $1, $2) }]
        }
    }

    /// x·σ(x), also called swish.
    public func silu() -> Tensor {
        kernel { kit_silu($0, $1, $2) }.recorded("silu", [self]) { g in
            let dx = Tensor.empty(g.shape)
            let px = self.storage.pointer, pg = g.storage.pointer, pd = dx.storage.pointer
            Threading.parallelRange(g.count) { s, e in kit_silu_backward(px + s, pg + s, pd + s, e - s) }
            return [dx]
        }
    }

    /// Exact GELU, x·Φ(x), as PyTorch's default.
    public func gelu() -> Tensor {
        map { 0.5 * $0 * (1 + erff($0 * 0.70710678)) }.recorded("gelu", [self]) { g in
            [g * self.map { x in 0.5 * (1 + erff(x * 0.70710678)) + x * 0.39894228 * Foundation.exp(-0.5 * x * x) }]
        }
    }

    /// Values limited to [lower, upper]; the gradient is zero where a bound is active.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        map { Swift.min(Swift.max($0, lower), upper) }.recorded("clamp", [self]) { g in
            [g * self.map { $0 >= lower && $0 <= upper ? 1 : 0 }]
        }
    }
}
