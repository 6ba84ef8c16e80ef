import Foundation

// Reductions. All run in a fixed order on one thread, so a sum never depends on the thread count.

extension Tensor {
    /// Sums over `axes`, keeping them as size-1 dimensions when `keepingDims` is true.
    public func sum(axes: [Int], keepingDims: Bool = false) -> Tensor {
        let reduced = Set(axes.map { Shape.axis($0, rank: rank, op: "sum") })
        let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let out = reduceSum(to: kept)
        let finalShape = keepingDims ? kept : shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let inputShape = shape
        return out.reshapedRaw(finalShape).recorded("sum", [self]) { g in
            [g.reshapedRaw(kept).broadcasted(to: inputShape)]
        }
    }

    /// Sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    public func mean(axes: [Int], keepingDims: Bool = false) -> Tensor {
        let n = axes.map { shape[Shape.axis($0, rank: rank, op: "mean")] }.reduce(1, *)
        return sum(axes: axes, keepingDims: keepingDims) * (1 / Float(Swift.max(n, 1)))
    }

    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sums a broadcast gradient back down to `target` (the shape an input had before broadcasting).
    func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let pad = rank - target.count
        let padded = Array(repeating: 1, count: pad) + target
        return reduceSum(to: padded).reshapedRaw(target)
    }

    /// Sum into `kept` (same rank, 1 along each reduced axis). Walks rows of the last dimension in order.
    private func reduceSum(to kept: [Int]) -> Tensor {
        check(kept.count == rank, "sum: internal shape mismatch \(kept) for \(shape)")
        let out = Tensor(zeros: kept)
        guard count > 0 else { return out }
        let po = out.storage.pointer, px = storage.pointer
        if rank == 0 { po[0] = px[0]; return out }
        let so = Shape.broadcastStrides(kept, to: shape)
        let inner = shape[rank - 1], rows = count / inner
        let innerReduced = so[rank - 1] == 0
        for row in 0..<rows {
            var rem = row, oo = 0
            for d in stride(from: rank - 2, through: 0, by: -1) {
                let i = rem % shape[d]; rem /= shape[d]
                oo += i * so[d]
            }
            let x = px + row * inner
            if innerReduced {
                var acc: Double = 0
                for j in 0..<inner { acc += Double(x[j]) }
                po[oo] += Float(acc)
            } else {
                let o = po + oo
                for j in 0..<inner { o[j] += x[j] }
            }
        }
        return out
    }

    /// Maximum along one axis; the gradient flows to the first maximal element.
    public func max(axis: Int, keepingDims: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "max")
        let (outer, length, inner) = Shape.split(shape, at: ax)
        check(length > 0, "max: empty axis \(axis) in shape \(shape)")
        var kept = shape; kept[ax] = 1
        let out = Tensor.empty(kept)
        var argmax = [Int](repeating: 0, count: outer * inner)
        let px = storage.pointer, po = out.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = px[o * length * inner + i], at = 0
                for l in 1..<length {
                    let v = px[(o * length + l) * inner + i]
                    if v > best || (best.isNaN && !v.isNaN) { best = v; at = l }
                }
                po[o * inner + i] = best
                argmax[o * inner + i] = at
            }
        }
        var finalShape = shape
        if keepingDims { finalShape[ax] = 1 } else { finalShape.remove(at: ax) }
        let inputShape = shape
        return out.reshapedRaw(finalShape).recorded("max", [self]) { g in
            let dx = Tensor(zeros: inputShape)
            let pd = dx.storage.pointer, pg = g.storage.pointer
            for o in 0..<outer {
                for i in 0..<inner {
                    pd[(o * length + argmax[o * inner + i]) * inner + i] = pg[o * inner + i]
                }
            }
            return [dx]
        }
    }

    /// log Σ exp along one axis, stable for large values.
    public func logSumExp(axis: Int, keepingDims: Bool = false) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "logSumExp")
        let m = withoutGrad { max(axis: ax, keepingDims: true) }
        let finite = m.map { $0.isFinite ? $0 : 0 }
        let s = (self - finite).exp().sum(axes: [ax], keepingDims: true).log() + finite
        if keepingDims { return s }
        var finalShape = shape; finalShape.remove(at: ax)
        return s.reshaped(finalShape)
    }
}
