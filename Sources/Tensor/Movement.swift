// Ops that move values without arithmetic: reshape, broadcast, permute, slice, concat, gather, one-hot.

extension Tensor {
    /// Same storage, new shape; no history (internal building block).
    func reshapedRaw(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// The same values in a new shape (one dimension may be -1). Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            check(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            target[hole] = count / known
        }
        check(Shape.count(target) == count, "reshape: cannot reshape \(shape) to \(newShape)")
        let inputShape = shape
        return reshapedRaw(target).recorded("reshape", [self]) { g in [g.reshapedRaw(inputShape)] }
    }

    /// Inserts a size-1 dimension at `axis`.
    public func expandingDims(at axis: Int) -> Tensor {
        var s = shape
        s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(s)
    }

    /// Removes the size-1 dimension at `axis`.
    public func squeezingDims(at axis: Int) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "squeeze")
        check(shape[ax] == 1, "squeeze: axis \(axis) of \(shape) has size \(shape[ax]), not 1")
        var s = shape; s.remove(at: ax)
        return reshaped(s)
    }

    /// A materialised copy broadcast to `target`; its gradient sums back.
    public func broadcasted(to target: [Int]) -> Tensor {
        guard Shape.broadcast(shape, target) == target else {
            fatalError("broadcast: shape \(shape) does not broadcast to \(target)")
        }
        if shape == target { return self }
        let out = Tensor.empty(target)
        let n = out.count
        if n > 0 {
            let sx = Shape.broadcastStrides(shape, to: target)
            let r = target.count, inner = target[r - 1], rows = n / inner, ix = sx[r - 1]
            let px = storage.pointer, po = out.storage.pointer
            for row in 0..<rows {
                var rem = row, ox = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    let i = rem % target[d]; rem /= target[d]
                    ox += i * sx[d]
                }
                let o = po + row * inner
                for j in 0..<inner { o[j] = px[ox + j * ix] }
            }
        }
        let inputShape = shape
        return out.recorded("broadcast", [self]) { g in [g.sumToShape(inputShape)] }
    }

    /// Reorders dimensions: result dimension i is input dimension `order[i]`. Copies.
    public func permuted(_ order: [Int]) -> Tensor {
        check(order.count == rank && Set(order) == Set(0..<rank),
                     "permute: \(order) is not a permutation of the \(rank) axes of \(shape)")
        let outShape = order.map { shape[$0] }
        let out = Tensor.empty(outShape)
        let inStrides = Shape.strides(shape)
        let src = order.map { inStrides[$0] }
        let px = storage.pointer, po = out.storage.pointer
        let n = count
        if n > 0 {
            let r = rank, inner = outShape[r - 1], rows = n / inner, si = src[r - 1]
            for row in 0..<rows {
                var rem = row, ox = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    let i = rem % outShape[d]; rem /= outShape[d]
                    ox += i * src[d]
                }
                let o = po + row * inner
                for j in 0..<inner { o[j] = px[ox + j * si] }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return out.recorded("permute", [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps the last two dimensions.
    public func transposed() -> Tensor {
        check(rank >= 2, "transpose: needs rank ≥ 2, got \(shape)")
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return permuted(order)
    }

    /// Elements `range` along `axis`. Copies.
    public func sliced(axis: Int = 0, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "slice")
        check(range.lowerBound >= 0 && range.upperBound <= shape[ax],
                     "slice: range \(range) out of bounds for axis \(axis) of \(shape)")
        let (outer, length, inner) = Shape.split(shape, at: ax)
        var outShape = shape; outShape[ax] = range.count
        let out = Tensor.empty(outShape)
        let px = storage.pointer, po = out.storage.pointer
        let chunk = range.count * inner
        for o in 0..<outer {
            (po + o * chunk).update(from: px + (o * length + range.lowerBound) * inner, count: chunk)
        }
        let inputShape = shape
        return out.recorded("slice", [self]) { g in
            let dx = Tensor(zeros: inputShape)
            let pd = dx.storage.pointer, pg = g.storage.pointer
            for o in 0..<outer {
                (pd + (o * length + range.lowerBound) * inner).update(from: pg + o * chunk, count: chunk)
            }
            return [dx]
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concat(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        check(!parts.isEmpty, "concat: no tensors")
        let first = parts[0]
        let ax = Shape.axis(axis, rank: first.rank, op: "concat")
        for p in parts {
            var a = p.shape, b = first.shape
            check(a.count == b.count, "concat: shapes \(parts.map(\.shape)) differ in rank")
            a[ax] = 0; b[ax] = 0
            check(a == b, "concat: shapes \(parts.map(\.shape)) differ outside axis \(axis)")
        }
        var outShape = first.shape
        outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
        let (outer, total, inner) = Shape.split(outShape, at: ax)
        let out = Tensor.empty(outShape)
        let po = out.storage.pointer
        var offset = 0
        for p in parts {
            let len = p.shape[ax], chunk = len * inner, pp = p.storage.pointer
            for o in 0..<outer {
                (po + (o * total + offset) * inner).update(from: pp + o * chunk, count: chunk)
            }
            offset += len
        }
        let lengths = parts.map { $0.shape[ax] }
        return out.recorded("concat", parts) { g in
            var start = 0
            return lengths.map { len in
                defer { start += len }
                return g.sliced(axis: ax, start..<(start + len))
            }
        }
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        concat(parts.map { $0.expandingDims(at: axis) }, axis: axis)
    }

    /// Rows `indices` along `axis` (index-select); the gradient scatter-adds back.
    public func gathering(_ indices: [Int], axis: Int = 0) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "gather")
        let (outer, length, inner) = Shape.split(shape, at: ax)
        for i in indices {
            check(i >= 0 && i < length, "gather: index \(i) out of range 0..<\(length) on axis \(axis) of \(shape)")
        }
        var outShape = shape; outShape[ax] = indices.count
        let out = Tensor.empty(outShape)
        let px = storage.pointer, po = out.storage.pointer
        let k = indices.count
        for o in 0..<outer {
            for (j, i) in indices.enumerated() {
                (po + (o * k + j) * inner).update(from: px + (o * length + i) * inner, count: inner)
            }
        }
        let inputShape = shape
        return out.recorded("gather", [self]) { g in
            let dx = Tensor(zeros: inputShape)
            let pd = dx.storage.pointer, pg = g.storage.pointer
            for o in 0..<outer {
                for (j, i) in indices.enumerated() {
                    let d = pd + (o * length + i) * inner, s = pg + (o * k + j) * inner
                    for t in 0..<inner { d[t] += s[t] }
                }
            }
            return [dx]
        }
    }

    /// One-hot rows for class `indices` (shape [indices.count, classes]); carries no gradient.
    public static func oneHot(_ indices: [Int], classes: Int) -> Tensor {
        let out = Tensor(zeros: [indices.count, classes])
        let po = out.storage.pointer
        for (r, c) in indices.enumerated() {
            check(c >= 0 && c < classes, "oneHot: class \(c) out of range 0..<\(classes)")
            po[r * classes + c] = 1
        }
        return out
    }
}

extension Tensor {
    /// Splits along `axis` into its slices, each without that axis (`unbind`). One op with many outputs, so
    /// its gradient is assembled once instead of once per slice (a GRU unstacks 24+ time steps).
    public func unstacked(axis: Int = 0) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank, op: "unstack")
        let (outer, length, inner) = Shape.split(shape, at: ax)
        var pieceShape = shape; pieceShape.remove(at: ax)
        let px = storage.pointer
        let pieces = (0..<length).map { l -> Tensor in
            let t = Tensor.empty(pieceShape)
            let pt = t.storage.pointer
            for o in 0..<outer { (pt + o * inner).update(from: px + (o * length + l) * inner, count: inner) }
            return t
        }
        let inputShape = shape
        Tensor.recorded("unstack", outputs: pieces, inputs: [self]) { grads in
            let dx = Tensor.empty(inputShape)
            let pd = dx.storage.pointer
            for (l, g) in grads.enumerated() {
                for o in 0..<outer {
                    let d = pd + (o * length + l) * inner
                    if let g { d.update(from: g.storage.pointer + o * inner, count: inner) } else { d.update(repeating: 0, count: inner) }
                }
            }
            return [dx]
        }
        return pieces
    }
}
