import CKernels
import Foundation

extension Tensor {
    /// exp(x − max) / Σ exp(x − max) along `axis`.
    public func softmax(axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "softmax")
        let y = Tensor.softmaxForward(self, axis: ax, log: false)
        let yd = y.detached()
        return y.recorded("softmax", [self]) { g in
            // dx = y ⊙ (g − Σ g⊙y)
            [yd * (g - (g * yd).sum(axes: [ax], keepingDims: true))]
        }
    }

    /// x − logΣexp(x) along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "logSoftmax")
        let y = Tensor.softmaxForward(self, axis: ax, log: true)
        let yd = y.detached()
        return y.recorded("log-softmax", [self]) { g in
            [g - yd.exp() * g.sum(axes: [ax], keepingDims: true)]
        }
    }

    private static func softmaxForward(_ x: Tensor, axis: Int, log: Bool) -> Tensor {
        let (outer, length, inner) = Shape.split(x.shape, at: axis)
        let out = Tensor.empty(x.shape)
        let px = x.storage.pointer, po = out.storage.pointer
        var row = [Float](repeating: 0, count: length), ex = [Float](repeating: 0, count: length)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var m = -Float.infinity
                for l in 0..<length { row[l] = px[base + l * inner]; m = Swift.max(m, row[l]) }
                if !m.isFinite { m = 0 }
                for l in 0..<length { row[l] -= m }
                kit_exp(row, &ex, length)
                var s: Double = 0
                for l in 0..<length { s += Double(ex[l]) }
                if log {
                    let ls = Float(Foundation.log(s))
                    for l in 0..<length { po[base + l * inner] = row[l] - ls }
                } else {
                    let r = Float(1 / s)
                    for l in 0..<length { po[base + l * inner] = ex[l] * r }
                }
            }
        }
        return out
    }
}
