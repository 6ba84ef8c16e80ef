// Pooling and upsampling over the trailing spatial dimensions of [N, C, H, W] (or [N, C, L]) tensors.
// Every (n, c) plane is independent, so forward and backward split over planes across threads; within a plane
// the backward adds into the input gradient in a fixed order, so results never depend on the thread count.

/// The window of one pooling op over a plane of height × width.
struct PoolGeometry {
    let height: Int, width: Int
    let kernelH: Int, kernelW: Int
    let strideH: Int, strideW: Int
    let padH: Int, padW: Int
    let outH: Int, outW: Int

    var plane: Int { height * width }
    var outPlane: Int { outH * outW }

    /// Input rows (or columns) inside the window of output index `o`, clipped to the image.
    @inline(__always)
    static func window(_ o: Int, stride: Int, pad: Int, kernel: Int, size: Int) -> Range<Int> {
        let start = o * stride - pad
        return Swift.max(start, 0)..<Swift.max(Swift.min(start + kernel, size), Swift.max(start, 0))
    }

    /// The output columns o in 0..<outW that window column `k` (0..<kernelW) reads inside the image.
    @inline(__always)
    func validColumns(_ k: Int) -> Range<Int> {
        let offset = k - padW  // reads column o·strideW + offset
        let lo = offset >= 0 ? 0 : (-offset + strideW - 1) / strideW
        let last = width - 1 - offset
        let hi = last < 0 ? 0 : Swift.min(outW, last / strideW + 1)
        return lo..<Swift.max(lo, hi)
    }

    static func make(_ op: String, shape: [Int], height: Int, width: Int, kernelH: Int, kernelW: Int,
                     strideH: Int, strideW: Int, padH: Int, padW: Int) -> PoolGeometry {
        check(kernelH >= 1 && kernelW >= 1, "\(op): kernel must be ≥ 1, got \(Swift.min(kernelH, kernelW)) (input \(shape))")
        check(strideH >= 1 && strideW >= 1, "\(op): stride must be ≥ 1, got \(Swift.min(strideH, strideW)) (input \(shape))")
        check(padH >= 0 && padW >= 0 && 2 * padH <= kernelH && 2 * padW <= kernelW,
                     "\(op): padding \(Swift.max(padH, padW)) must be in 0...kernel/2 (kernel \(Swift.max(kernelH, kernelW)), input \(shape))")
        let spanH = height + 2 * padH - kernelH, spanW = width + 2 * padW - kernelW
        check(spanH >= 0 && spanW >= 0 && height > 0 && width > 0,
                     "\(op): output size is not positive: kernel \(kernelH)×\(kernelW) does not fit input \(shape) with padding \(padW)")
        return PoolGeometry(height: height, width: width, kernelH: kernelH, kernelW: kernelW, strideH: strideH,
                            strideW: strideW, padH: padH, padW: padW, outH: spanH / strideH + 1,
                            outW: spanW / strideW + 1)
    }
}

extension Tensor {
    // MARK: Average pooling

    /// Mean over kernel × kernel windows of [N, C, H, W] -> [N, C, Hout, Wout], Hout = ⌊(H + 2·padding −
    /// kernel) / stride⌋ + 1. Padding counts as zeros in the mean (PyTorch's default `count_include_pad`).
    public func avgPooled2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let op = "avgPooled2d"
        check(rank == 4, "\(op): input must be [N, C, H, W], got \(shape)")
        let s = stride ?? kernel
        let geometry = PoolGeometry.make(op, shape: shape, height: shape[2], width: shape[3], kernelH: kernel,
                                         kernelW: kernel, strideH: s, strideW: s, padH: padding, padW: padding)
        return averagePool(op, geometry: geometry, outShape: [shape[0], shape[1], geometry.outH, geometry.outW])
    }

    /// Mean over windows of `kernel` along the last axis of [N, C, L] -> [N, C, Lout], Lout = ⌊(L − kernel) /
    /// stride⌋ + 1.
    public func avgPooled1d(kernel: Int, stride: Int? = nil) -> Tensor {
        let op = "avgPooled1d"
        check(rank == 3, "\(op): input must be [N, C, L], got \(shape)")
        let s = stride ?? kernel
        let geometry = PoolGeometry.make(op, shape: shape, height: 1, width: shape[2], kernelH: 1, kernelW: kernel,
                                         strideH: 1, strideW: s, padH: 0, padW: 0)
        return averagePool(op, geometry: geometry, outShape: [shape[0], shape[1], geometry.outW])
    }

    private func averagePool(_ op: String, geometry g: PoolGeometry, outShape: [Int]) -> Tensor {
        let planes = shape[0] * shape[1]
        let out = Tensor.empty(outShape)
        let px = storage.pointer, po = out.storage.pointer
        let scale = 1 / Float(g.kernelH * g.kernelW)
        let columns = (0..<g.kernelW).map { g.validColumns($0) }
        // Row at a time: for each window row and column offset, one pass over the output columns (the inner
        // loops vectorize); each output still sums its window in row-major order.
        Threading.parallelItems(planes, work: count + out.count) { p0, p1 in
            for p in p0..<p1 {
                let x = px + p * g.plane, y = po + p * g.outPlane
                for oh in 0..<g.outH {
                    let rows = PoolGeometry.window(oh, stride: g.strideH, pad: g.padH, kernel: g.kernelH, size: g.height)
                    let yr = y + oh * g.outW
                    yr.update(repeating: 0, count: g.outW)
                    for ih in rows {
                        for (kw, cols) in columns.enumerated() {
                            let base = ih * g.width + kw - g.padW, s = g.strideW
                            for ow in cols { yr[ow] += x[base + ow * s] }
                        }
                    }
                    for ow in 0..<g.outW { yr[ow] *= scale }
                }
            }
        }
        let inputShape = shape
        return out.recorded(op, [self]) { grad in
            let dx = Tensor(zeros: inputShape)
            let pg = grad.storage.pointer, pd = dx.storage.pointer
            Threading.parallelItems(planes, work: dx.count + grad.count) { p0, p1 in
                for p in p0..<p1 {
                    let d = pd + p * g.plane, gp = pg + p * g.outPlane
                    for oh in 0..<g.outH {
                        let rows = PoolGeometry.window(oh, stride: g.strideH, pad: g.padH, kernel: g.kernelH, size: g.height)
                        let gr = gp + oh * g.outW
                        for ih in rows {
                            for (kw, cols) in columns.enumerated() {
                                let base = ih * g.width + kw - g.padW, s = g.strideW
                                for ow in cols { d[base + ow * s] += gr[ow] * scale }
                            }
                        }
                    }
                }
            }
            return [dx]
        }
    }

    // MARK: Max pooling

    /// Maximum over kernel × kernel windows of [N, C, H, W] -> [N, C, Hout, Wout]; padding never wins. The
    /// gradient flows to the first maximal element of each window (row-major order); NaN propagates.
    public func maxPooled2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let op = "maxPooled2d"
        check(rank == 4, "\(op): input must be [N, C, H, W], got \(shape)")
        let s = stride ?? kernel
        let g = PoolGeometry.make(op, shape: shape, height: shape[2], width: shape[3], kernelH: kernel,
                                  kernelW: kernel, strideH: s, strideW: s, padH: padding, padW: padding)
        let planes = shape[0] * shape[1]
        let out = Tensor.empty([shape[0], shape[1], g.outH, g.outW])
        // Index within its plane of each output's maximum, in a pooled buffer viewed as Int32.
        let argmax = Storage(uninitializedCount: out.count)
        let px = storage.pointer, po = out.storage.pointer
        let columns = (0..<g.kernelW).map { g.validColumns($0) }
        argmax.pointer.withMemoryRebound(to: Int32.self, capacity: out.count) { pa in
          po.withMemoryRebound(to: UInt32.self, capacity: out.count) { pu in
            Threading.parallelItems(planes, work: count + out.count) { p0, p1 in
                for p in p0..<p1 {
                    let x = px + p * g.plane, a = pa + p * g.outPlane, y = pu + p * g.outPlane
                    for oh in 0..<g.outH {
                        let rows = PoolGeometry.window(oh, stride: g.strideH, pad: g.padH, kernel: g.kernelH, size: g.height)
                        let yr = y + oh * g.outW, ar = a + oh * g.outW
                        // Start every window of the output row at its first element inside the image, then sweep
                        // the windows one (row, column offset) at a time across the whole row. The running maxima
                        // are independent, so they overlap rather than form one compare-select chain, and the
                        // selects are bit masks: on random data a branch mispredicts half the time. (Measured
                        // 5× faster than one window at a time, and faster than the same sweep in C.) A later
                        // element wins only when strictly larger, or when it is the first NaN.
                        for ow in 0..<g.outW {
                            let i = rows.lowerBound * g.width + Swift.max(ow * g.strideW - g.padW, 0)
                            yr[ow] = x[i].bitPattern; ar[ow] = Int32(truncatingIfNeeded: i)
                        }
                        for ih in rows {
                            for (kw, cols) in columns.enumerated() {
                                let base = ih * g.width + kw - g.padW, s = g.strideW
                                for ow in cols {
                                    let i = base &+ ow &* s, v = x[i], best = Float(bitPattern: yr[ow])
                                    let mask = 0 &- UInt32(!(v <= best) && best == best ? 1 : 0)
                                    yr[ow] = (v.bitPattern & mask) | (yr[ow] & ~mask)
                                    ar[ow] = Int32(bitPattern: (UInt32(truncatingIfNeeded: i) & mask) | (UInt32(bitPattern: ar[ow]) & ~mask))
                                }
                            }
                        }
                    }
                }
            }
          }
        }
        let inputShape = shape, outPlane = g.outPlane, plane = g.plane
        return out.recorded(op, [self]) { grad in
            let dx = Tensor(zeros: inputShape)
            let pg = grad.storage.pointer, pd = dx.storage.pointer
            argmax.pointer.withMemoryRebound(to: Int32.self, capacity: outPlane * planes) { pa in
                Threading.parallelItems(planes, work: dx.count + grad.count) { p0, p1 in
                    for p in p0..<p1 {
                        let d = pd + p * plane, gp = pg + p * outPlane, a = pa + p * outPlane
                        for j in 0..<outPlane { d[Int(a[j])] += gp[j] }
                    }
                }
            }
            return [dx]
        }
    }

    // MARK: Upsampling

    /// Nearest-neighbour upsampling by an integer factor: [N, C, H, W] -> [N, C, H·scale, W·scale]. The
    /// gradient of each input pixel is the sum over its scale × scale block.
    public func upsampledNearest(scale: Int) -> Tensor {
        let op = "upsampledNearest"
        check(rank == 4, "\(op): input must be [N, C, H, W], got \(shape)")
        check(scale >= 1, "\(op): scale must be ≥ 1, got \(scale) (input \(shape))")
        let (h, w) = (shape[2], shape[3])
        let (oh, ow) = (h * scale, w * scale)
        let planes = shape[0] * shape[1]
        let out = Tensor.empty([shape[0], shape[1], oh, ow])
        let px = storage.pointer, po = out.storage.pointer
        Threading.parallelItems(planes, work: out.count) { p0, p1 in
            for p in p0..<p1 {
                let x = px + p * h * w, y = po + p * oh * ow
                for i in 0..<h {
                    let row = y + i * scale * ow, src = x + i * w
                    for j in 0..<w {
                        let v = src[j], dst = row + j * scale
                        for k in 0..<scale { dst[k] = v }
                    }
                    for r in 1..<Swift.max(scale, 1) { (row + r * ow).update(from: row, count: ow) }
                }
            }
        }
        let inputShape = shape
        return out.recorded(op, [self]) { grad in
            let dx = Tensor.empty(inputShape)
            let pg = grad.storage.pointer, pd = dx.storage.pointer
            Threading.parallelItems(planes, work: grad.count) { p0, p1 in
                for p in p0..<p1 {
                    let d = pd + p * h * w, gp = pg + p * oh * ow
                    for i in 0..<h {
                        let drow = d + i * w
                        for j in 0..<w { drow[j] = 0 }
                        for r in 0..<scale {
                            let grow = gp + (i * scale + r) * ow
                            for j in 0..<w {
                                var acc: Float = 0
                                for k in 0..<scale { acc += grow[j * scale + k] }
                                drow[j] += acc
                            }
                        }
                    }
                }
            }
            return [dx]
        }
    }

    /// Bilinear resizing of [N, C, H, W] to [N, C, height, width] with PyTorch's `align_corners=False`
    /// semantics: output pixel centres map to input coordinates (i + ½)·(H / height) − ½, clamped below at 0.
    public func upsampledBilinear(height: Int, width: Int) -> Tensor {
        let op = "upsampledBilinear"
        check(rank == 4, "\(op): input must be [N, C, H, W], got \(shape)")
        check(height > 0 && width > 0 && shape[2] > 0 && shape[3] > 0,
                     "\(op): output size \(height)×\(width) must be positive (input \(shape))")
        let (h, w) = (shape[2], shape[3])
        let rows = Self.bilinearTaps(input: h, output: height), cols = Self.bilinearTaps(input: w, output: width)
        let planes = shape[0] * shape[1], outPlane = height * width
        let out = Tensor.empty([shape[0], shape[1], height, width])
        let px = storage.pointer, po = out.storage.pointer
        Threading.parallelItems(planes, work: out.count) { p0, p1 in
            for p in p0..<p1 {
                let x = px + p * h * w, y = po + p * outPlane
                for i in 0..<height {
                    let (r0, r1, lr) = rows[i]
                    let top = x + r0 * w, bottom = x + r1 * w
                    for j in 0..<width {
                        let (c0, c1, lc) = cols[j]
                        let t = (1 - lc) * top[c0] + lc * top[c1]
                        let b = (1 - lc) * bottom[c0] + lc * bottom[c1]
                        y[i * width + j] = (1 - lr) * t + lr * b
                    }
                }
            }
        }
        let inputShape = shape
        return out.recorded(op, [self]) { grad in
            let dx = Tensor(zeros: inputShape)
            let pg = grad.storage.pointer, pd = dx.storage.pointer
            Threading.parallelItems(planes, work: grad.count) { p0, p1 in
                for p in p0..<p1 {
                    let d = pd + p * h * w, gp = pg + p * outPlane
                    for i in 0..<height {
                        let (r0, r1, lr) = rows[i]
                        let top = d + r0 * w, bottom = d + r1 * w
                        for j in 0..<width {
                            let (c0, c1, lc) = cols[j]
                            let v = gp[i * width + j]
                            let vt = (1 - lr) * v, vb = lr * v
                            top[c0] += (1 - lc) * vt; top[c1] += lc * vt
                            bottom[c0] += (1 - lc) * vb; bottom[c1] += lc * vb
                        }
                    }
                }
            }
            return [dx]
        }
    }

    /// For each output index along one axis: the two input indices it blends and the weight of the second.
    static func bilinearTaps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            let src = Swift.max(scale * (Float(o) + 0.5) - 0.5, 0)
            let i0 = Swift.min(Int(src), input - 1)
            let i1 = Swift.min(i0 + 1, input - 1)
            return (i0, i1, src - Float(i0))
        }
    }
}
