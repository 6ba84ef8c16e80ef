import CKernels
import Dispatch
import RealModule

// Convolutions by im2col + GEMM. Every op here is one forward/backward pair over the same two kernels:
// `im2col` unfolds one image into a [C·KH·KW, Hout·Wout] matrix of patches, and `col2im` folds such a matrix
// back, adding overlapping patches. Then
//
//   conv forward        y_n  = W · im2col(x_n)                    W as [O, C·KH·KW]
//   conv backward       dW   = Σ_n g_n · im2col(x_n)ᵀ,   dx_n = col2im(Wᵀ · g_n)
//   transposed forward  y_n  = col2im(Wᵀ · x_n)                   W as [Cin, Cout·KH·KW]
//   transposed backward dx_n = W · im2col(g_n),          dW   = Σ_n x_n · im2col(g_n)ᵀ
//
// For a stride-1 convolution the input gradient is itself a convolution of g_n (flipped kernel, channels swapped):
// dx_n = W̃ · im2col'(g_n), which writes the image directly instead of a KH·KW-times larger patch matrix.
//
// Work is done one batch item at a time into a scratch matrix holding one image's patches (2.4 MB for 64 channels
// at 32×32 with a 3×3 kernel, so it stays near the cache), with one sgemm per item; small images go a chunk of
// images per GEMM instead (ConvolutionChunks.swift). Nothing is kept for the
// backward pass but the inputs: the backward unfolds again, which costs far less than the GEMMs and saves
// C·KH·KW·Hout·Wout floats per item per layer. A 1×1 kernel with stride 1 and no padding skips the unfolding.
//
// Threads take whole images: each unfolds and multiplies its own images with its own scratch, so the per-image
// work never meets a synchronisation point (splitting every small per-image GEMM among threads instead cost more
// in hand-offs than it gained: the DDPM step ran 1.1× faster on two threads than on one). The batch-sum of dW is
// cut into `WeightGradientGroups` fixed runs of images, summed in image order within a run and the runs in order
// after, and the bias gradient sums each channel in a fixed order, so no result depends on
// `Threading.threadCount` (checked bit for bit at 1 and 2 threads).
//
// im2col/col2im are C kernels (CKernels): 5.3 and 5.6 ms for 32 images against 7.4–8.5 and 6.7–6.8 ms for the same
// loops in Swift.

/// Shapes of one 2-D convolution: the image it reads, the kernel window and the output grid.
struct ConvGeometry {
    let channels: Int, height: Int, width: Int
    let kernelH: Int, kernelW: Int
    let strideH: Int, strideW: Int
    let padH: Int, padW: Int
    let dilationH: Int, dilationW: Int
    let outH: Int, outW: Int

    /// Rows of the patch matrix (C·KH·KW) and its columns (Hout·Wout).
    var patchSize: Int { channels * kernelH * kernelW }
    var positions: Int { outH * outW }
    var imageSize: Int { channels * height * width }

    /// A 1×1 kernel at stride 1 without padding: the patch matrix is the image itself.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }

    /// A window over the whole unpadded, undilated input: one output position whose patch is the image itself.
    var coversWholeImage: Bool {
        kernelH == height && kernelW == width && padH == 0 && padW == 0 && outH == 1 && outW == 1
    }

    /// For a stride-1 convolution with `outputs` output channels: the convolution of its output gradient that
    /// gives its input gradient, with the kernel flipped and its two channel axes swapped (`flippedWeight`). Nil
    /// when there is no such convolution (a stride above 1, or more padding than the dilated kernel's reach).
    ///
    /// Why: the input gradient otherwise goes through Wᵀ·g into a patch matrix KH·KW times the image's size, which
    /// OpenBLAS first zeroes (β = 0) and col2im then folds back; this way the GEMM writes the image directly.
    func inputGradientGeometry(outputs: Int) -> ConvGeometry? {
        let reachH = dilationH * (kernelH - 1) - padH, reachW = dilationW * (kernelW - 1) - padW
        guard strideH == 1, strideW == 1, reachH >= 0, reachW >= 0, !isPointwise else { return nil }
        return ConvGeometry(channels: outputs, height: outH, width: outW, kernelH: kernelH, kernelW: kernelW,
                            strideH: 1, strideW: 1, padH: reachH, padW: reachW, dilationH: dilationH,
                            dilationW: dilationW, outH: height, outW: width)
    }

    /// A weight [O, C, KH, KW] as the kernel of `inputGradientGeometry`: [C, O, KH, KW], each window reversed.
    func flippedWeight(_ weight: UnsafePointer<Float>, outputs: Int) -> Storage {
        let taps = kernelH * kernelW
        let flipped = Storage(uninitializedCount: outputs * channels * taps)
        let pf = flipped.pointer
        for o in 0..<outputs {
            for c in 0..<channels {
                let source = weight + (o * channels + c) * taps, target = pf + (c * outputs + o) * taps
                for t in 0..<taps { target[t] = source[taps - 1 - t] }
            }
        }
        return flipped
    }

    /// The output length of a convolution along one axis, or nil when the window does not fit.
    static func outputLength(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> Int? {
        let span = input + 2 * padding - dilation * (kernel - 1) - 1
        return span < 0 ? nil : span / stride + 1
    }

    /// The same geometry for the C kernels.
    var kernelGeometry: kit_conv_geometry {
        kit_conv_geometry(channels: channels, height: height, width: width, kernel_h: kernelH, kernel_w: kernelW,
                          stride_h: strideH, stride_w: strideW, pad_h: padH, pad_w: padW, dilation_h: dilationH,
                          dilation_w: dilationW, out_h: outH, out_w: outW)
    }

    /// Unfolds one image [C, H, W] into patches [C·KH·KW, Hout·Wout] (zeros where the window hangs over), the
    /// patch rows `rowStride` floats apart (one image's positions unless several images share the matrix).
    func im2col(_ image: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        withUnsafePointer(to: kernelGeometry) { kit_im2col(image, cols, rowStride ?? positions, $0, 0, channels) }
    }

    /// Folds patches [C·KH·KW, Hout·Wout] back into an image [C, H, W], adding into what `image` holds.
    func col2im(_ cols: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        withUnsafePointer(to: kernelGeometry) { kit_col2im(cols, image, rowStride ?? positions, $0, 0, channels) }
    }
}

/// How the batch-sum of a convolution's weight gradient is cut: at most this many runs of consecutive images,
/// a number fixed by the batch size alone, so the sum's order never depends on the thread count.
enum WeightGradientGroups {
    static let maximum = 8

    /// The runs of `0..<batch`, in order.
    static func runs(batch: Int) -> [Range<Int>] {
        let count = Swift.min(maximum, batch)
        return (0..<count).map { g in (g * batch / count)..<((g + 1) * batch / count) }
    }
}

extension Threading {
    /// Runs `body(start, end)` over `0..<items` in at most `threadCount` contiguous chunks, when the whole
    /// job touches at least `splitThreshold` elements. Only for items whose results do not interact.
    static func parallelItems(_ items: Int, work: Int, _ body: (Int, Int) -> Void) {
        let chunks = Swift.min(threadCount, items)
        if chunks <= 1 || work < splitThreshold { body(0, items); return }
        let size = (items + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let start = c * size, end = Swift.min(start + size, items)
                if start < end { box.value(start, end) }
            }
        }
    }
}

extension Tensor {
    // MARK: Public ops

    /// 1-D convolution (cross-correlation, as PyTorch's `conv1d`): input [N, C, L], weight [O, C, K],
    /// bias [O] -> [N, O, Lout] with Lout = ⌊(L + 2·padding − dilation·(K − 1) − 1) / stride⌋ + 1.
    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1) -> Tensor {
        let op = "conv1d"
        check(input.rank == 3, "\(op): input must be [N, C, L], got \(input.shape)")
        check(weight.rank == 3, "\(op): weight must be [O, C, K], got \(weight.shape)")
        let (n, c, l) = (input.shape[0], input.shape[1], input.shape[2])
        let (o, k) = (weight.shape[0], weight.shape[2])
        let geometry = convGeometry(op, input: input, weight: weight, channels: c, height: 1, width: l,
                                    kernelH: 1, kernelW: k, strideH: 1, strideW: stride, padH: 0, padW: padding,
                                    dilationH: 1, dilationW: dilation, bias: bias, outChannels: o)
        return convolutionForward(op, input, weight: weight, bias: bias, geometry: geometry,
                                  outShape: [n, o, geometry.outW])
    }

    /// 2-D convolution (cross-correlation, as PyTorch's `conv2d`): input [N, C, H, W], weight [O, C, KH, KW],
    /// bias [O] -> [N, O, Hout, Wout]; the same stride, padding and dilation along both axes.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1) -> Tensor {
        let op = "conv2d"
        check(input.rank == 4, "\(op): input must be [N, C, H, W], got \(input.shape)")
        check(weight.rank == 4, "\(op): weight must be [O, C, KH, KW], got \(weight.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let o = weight.shape[0]
        let geometry = convGeometry(op, input: input, weight: weight, channels: c, height: h, width: w,
                                    kernelH: weight.shape[2], kernelW: weight.shape[3], strideH: stride,
                                    strideW: stride, padH: padding, padW: padding, dilationH: dilation,
                                    dilationW: dilation, bias: bias, outChannels: o)
        return convolutionForward(op, input, weight: weight, bias: bias, geometry: geometry,
                                  outShape: [n, o, geometry.outH, geometry.outW])
    }

    /// Transposed 2-D convolution (the gradient of `conv2d` with respect to its input, as PyTorch's
    /// `conv_transpose2d`): input [N, Cin, H, W], weight [Cin, Cout, KH, KW], bias [Cout] ->
    /// [N, Cout, (H − 1)·stride − 2·padding + KH + outputPadding, (W − 1)·stride − 2·padding + KW + outputPadding].
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1,
                                       padding: Int = 0, outputPadding: Int = 0) -> Tensor {
        let op = "convTranspose2d"
        check(input.rank == 4, "\(op): input must be [N, Cin, H, W], got \(input.shape)")
        check(weight.rank == 4, "\(op): weight must be [Cin, Cout, KH, KW], got \(weight.shape)")
        check(stride >= 1 && padding >= 0,
                     "\(op): stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0 (input \(input.shape), weight \(weight.shape))")
        check(outputPadding >= 0 && outputPadding < stride,
                     "\(op): outputPadding \(outputPadding) must be in 0..<stride (\(stride)) (input \(input.shape), weight \(weight.shape))")
        let (n, cin, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
        check(weight.shape[0] == cin,
                     "\(op): input \(input.shape) has \(cin) channels but weight \(weight.shape) expects \(weight.shape[0])")
        if let bias {
            check(bias.shape == [cout], "\(op): bias \(bias.shape) for weight \(weight.shape) (expected [\(cout)])")
        }
        let outH = (h - 1) * stride - 2 * padding + kh + outputPadding
        let outW = (w - 1) * stride - 2 * padding + kw + outputPadding
        check(outH > 0 && outW > 0 && h > 0 && w > 0 && kh > 0 && kw > 0,
                     "\(op): output size \(outH)×\(outW) is not positive for input \(input.shape), weight \(weight.shape), stride \(stride), padding \(padding), outputPadding \(outputPadding)")
        // The convolution whose input gradient this is: it reads the [Cout, outH, outW] output image and
        // produces the [Cin, H, W] input grid.
        let geometry = ConvGeometry(channels: cout, height: outH, width: outW, kernelH: kh, kernelW: kw,
                                    strideH: stride, strideW: stride, padH: padding, padW: padding,
                                    dilationH: 1, dilationW: 1, outH: h, outW: w)
        let patch = geometry.patchSize, grid = geometry.positions, image = geometry.imageSize
        if h == 1 && w == 1 && padding == 0 && outputPadding == 0 {
            return matrixProductConvolution(op, input, weight: weight, bias: bias, transposed: true,
                                            outShape: [n, cout, outH, outW], plane: outH * outW)
        }
        if let chunk = ImageChunks.size(batch: n, patch: patch, grid: grid, outputs: cin) {
            return chunkedTransposedConvolution(op, input, weight: weight, bias: bias, geometry: geometry,
                                                outShape: [n, cout, outH, outW], chunk: chunk)
        }
        let out = Tensor.empty([n, cout, outH, outW])
        let px = input.storage.pointer, pw = weight.storage.pointer, po = out.storage.pointer
        let unfold = !geometry.isPointwise
        forEachImage(n, work: cin * patch * grid, scratch: unfold ? patch * grid : 0) { b, cols in
            let xn = px + b * cin * grid, on = po + b * image
            if let cols {
                on.update(repeating: 0, count: image)
                sgemm(pw, xn, cols, m: patch, n: grid, k: cin, transposeA: true, transposeB: false,
                      onCallingThread: true)
                geometry.col2im(cols, on)
            } else {
                sgemm(pw, xn, on, m: patch, n: grid, k: cin, transposeA: true, transposeB: false,
                      onCallingThread: true)
            }
        }
        if let bias { addChannelBias(po, bias.storage.pointer, batch: n, channels: cout, plane: outH * outW) }

        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return out.recorded(op, inputs) { g in
            let pg = g.storage.pointer
            let dx = input.requiresGrad ? Tensor.empty(input.shape) : nil
            let dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            sumOverImages(n, into: dw, work: 2 * cin * patch * grid, scratch: unfold ? patch * grid : 0) { b, partial, first, cols in
                let gn = pg + b * image
                var unfolded = UnsafePointer(gn)
                if let cols { geometry.im2col(gn, cols); unfolded = UnsafePointer(cols) }
                if let dx {
                    sgemm(pw, unfolded, dx.storage.pointer + b * cin * grid, m: cin, n: grid, k: patch,
                          transposeA: false, transposeB: false, onCallingThread: true)
                }
                if let partial {
                    sgemm(px + b * cin * grid, unfolded, partial, m: cin, n: patch, k: grid,
                          transposeA: false, transposeB: true, beta: first ? 0 : 1, onCallingThread: true)
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: cout, plane: outH * outW) : nil) }
            return grads
        }
    }

    // MARK: Shared machinery

    /// Validates a convolution's arguments and works out its output grid.
    static func convGeometry(_ op: String, input: Tensor, weight: Tensor, channels: Int, height: Int, width: Int,
                             kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, padH: Int, padW: Int,
                             dilationH: Int, dilationW: Int, bias: Tensor?, outChannels: Int) -> ConvGeometry {
        let shapes = "input \(input.shape), weight \(weight.shape)"
        check(weight.shape[1] == channels,
                     "\(op): input has \(channels) channels but weight expects \(weight.shape[1]) (\(shapes))")
        check(strideH >= 1 && strideW >= 1, "\(op): stride must be ≥ 1, got \(Swift.min(strideH, strideW)) (\(shapes))")
        check(padH >= 0 && padW >= 0, "\(op): padding must be ≥ 0, got \(Swift.min(padH, padW)) (\(shapes))")
        check(dilationH >= 1 && dilationW >= 1, "\(op): dilation must be ≥ 1, got \(Swift.min(dilationH, dilationW)) (\(shapes))")
        check(kernelH >= 1 && kernelW >= 1 && outChannels >= 1, "\(op): empty kernel (\(shapes))")
        if let bias {
            check(bias.shape == [outChannels], "\(op): bias \(bias.shape) for weight \(weight.shape) (expected [\(outChannels)])")
        }
        guard let outH = ConvGeometry.outputLength(input: height, kernel: kernelH, stride: strideH, padding: padH, dilation: dilationH),
              let outW = ConvGeometry.outputLength(input: width, kernel: kernelW, stride: strideW, padding: padW, dilation: dilationW),
              height > 0, width > 0
        else {
            fatalError("\(op): output size is not positive: the kernel (dilated) does not fit the padded input (\(shapes), stride \(strideW), padding \(padW), dilation \(dilationW))")
        }
        return ConvGeometry(channels: channels, height: height, width: width, kernelH: kernelH, kernelW: kernelW,
                            strideH: strideH, strideW: strideW, padH: padH, padW: padW,
                            dilationH: dilationH, dilationW: dilationW, outH: outH, outW: outW)
    }

    /// y_n = W · im2col(x_n) (+ bias), one sgemm per batch item; records dx = col2im(Wᵀ·g), dW = Σ g·im2colᵀ.
    /// The bias is written into the output first and sgemm accumulates onto it (β = 1), as `linear` does.
    static func convolutionForward(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?,
                                   geometry: ConvGeometry, outShape: [Int]) -> Tensor {
        let n = input.shape[0], o = weight.shape[0]
        let patch = geometry.patchSize, grid = geometry.positions, image = geometry.imageSize
        if geometry.coversWholeImage {
            return matrixProductConvolution(op, input, weight: weight, bias: bias, transposed: false, outShape: outShape,
                                            plane: 1)
        }
        if let chunk = ImageChunks.size(batch: n, patch: patch, grid: grid, outputs: o) {
            return chunkedConvolutionForward(op, input, weight: weight, bias: bias, geometry: geometry, outShape: outShape,
                                             chunk: chunk)
        }
        let out = Tensor.empty(outShape)
        let px = input.storage.pointer, pw = weight.storage.pointer, po = out.storage.pointer
        if let bias { fillChannelBias(po, bias.storage.pointer, batch: n, channels: o, plane: grid) }
        let unfold = !geometry.isPointwise
        forEachImage(n, work: o * patch * grid, scratch: unfold ? patch * grid : 0) { b, cols in
            var unfolded = UnsafePointer(px + b * image)
            if let cols { geometry.im2col(unfolded, cols); unfolded = UnsafePointer(cols) }
            sgemm(pw, unfolded, po + b * o * grid, m: o, n: grid, k: patch, transposeA: false, transposeB: false,
                  beta: bias == nil ? 0 : 1, onCallingThread: true)
        }

        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return out.recorded(op, inputs) { g in
            let pg = g.storage.pointer
            let dx = input.requiresGrad ? Tensor.empty(input.shape) : nil
            let dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            let adjoint = dx == nil ? nil : geometry.inputGradientGeometry(outputs: o)
            let flipped = adjoint.map { _ in geometry.flippedWeight(pw, outputs: o) }
            let dxPatches = adjoint.map { $0.patchSize * $0.positions } ?? patch * grid
            let scratch = unfold ? (dw == nil ? 0 : patch * grid) + (dx == nil ? 0 : dxPatches) : 0
            sumOverImages(n, into: dw, work: 2 * o * patch * grid, scratch: scratch) { b, partial, first, cols in
                let gn = pg + b * o * grid
                if let partial {
                    var unfolded = UnsafePointer(px + b * image)
                    if let cols { geometry.im2col(unfolded, cols); unfolded = UnsafePointer(cols) }
                    sgemm(gn, unfolded, partial, m: o, n: patch, k: grid, transposeA: false, transposeB: true,
                          beta: first ? 0 : 1, onCallingThread: true)
                }
                if let dx {
                    let dxn = dx.storage.pointer + b * image
                    if let cols, let adjoint, let flipped {
                        let gcols = dw == nil ? cols : cols + patch * grid
                        adjoint.im2col(gn, gcols)
                        sgemm(flipped.pointer, gcols, dxn, m: geometry.channels, n: adjoint.positions,
                              k: adjoint.patchSize, transposeA: false, transposeB: false, onCallingThread: true)
                    } else if let cols {
                        let dcols = dw == nil ? cols : cols + patch * grid
                        sgemm(pw, gn, dcols, m: patch, n: grid, k: o, transposeA: true, transposeB: false,
                              onCallingThread: true)
                        dxn.update(repeating: 0, count: image)
                        geometry.col2im(dcols, dxn)
                    } else {
                        sgemm(pw, gn, dxn, m: patch, n: grid, k: o, transposeA: true, transposeB: false,
                              onCallingThread: true)
                    }
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: o, plane: grid) : nil) }
            return grads
        }
    }

    /// Runs `body(image, scratch)` for every image of a batch, the images shared among threads in contiguous runs;
    /// each thread has its own scratch of `scratch` floats (nil when 0).
    static func forEachImage(_ batch: Int, work: Int, scratch: Int,
                             _ body: (Int, UnsafeMutablePointer<Float>?) -> Void) {
        Threading.parallelItems(batch, work: batch * work) { start, end in
            let buffer = scratch > 0 ? Storage(uninitializedCount: scratch) : nil
            withExtendedLifetime(buffer) {
                for b in start..<end { body(b, buffer?.pointer) }
            }
        }
    }

    /// Runs `body(image, partial, first, scratch)` for every image, where `partial` is the weight-gradient sum that
    /// image adds to (β = 0 when `first`): one per run of `WeightGradientGroups`, the runs shared among threads.
    /// The partial sums are then added into `gradient` in run order. With no `gradient`, `partial` is nil.
    static func sumOverImages(_ batch: Int, into gradient: Tensor?, work: Int, scratch: Int,
                              _ body: (Int, UnsafeMutablePointer<Float>?, Bool, UnsafeMutablePointer<Float>?) -> Void) {
        let runs = WeightGradientGroups.runs(batch: batch)
        let size = gradient?.count ?? 0
        guard let target = gradient?.storage.pointer, !runs.isEmpty else {
            gradient?.storage.pointer.update(repeating: 0, count: size)
            forEachImage(batch, work: work, scratch: scratch) { b, cols in body(b, nil, false, cols) }
            return
        }
        let partials = Storage(uninitializedCount: (runs.count - 1) * size)
        Threading.parallelItems(runs.count, work: batch * work) { start, end in
            let buffer = scratch > 0 ? Storage(uninitializedCount: scratch) : nil
            withExtendedLifetime(buffer) {
                for r in start..<end {
                    let partial = r == 0 ? target : partials.pointer + (r - 1) * size
                    for b in runs[r] { body(b, partial, b == runs[r].lowerBound, buffer?.pointer) }
                }
            }
        }
        for r in 1..<runs.count {
            let partial = partials.pointer + (r - 1) * size
            for i in 0..<size { target[i] += partial[i] }
        }
    }

    /// out[n, c, :] = bias[c].
    static func fillChannelBias(_ out: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, batch: Int,
                                channels: Int, plane: Int) {
        Threading.parallelItems(batch * channels, work: batch * channels * plane) { s, e in
            for i in s..<e { (out + i * plane).update(repeating: bias[i % channels], count: plane) }
        }
    }

    /// out[n, c, :] += bias[c].
    static func addChannelBias(_ out: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, batch: Int,
                               channels: Int, plane: Int) {
        Threading.parallelItems(batch * channels, work: batch * channels * plane) { s, e in
            for i in s..<e {
                let row = out + i * plane, v = bias[i % channels]
                for j in 0..<plane { row[j] += v }
            }
        }
    }

    /// Σ over batch and positions of g [N, C, plane] -> [C]; each channel sums in a fixed order.
    static func channelSums(_ g: Tensor, batch: Int, channels: Int, plane: Int) -> Tensor {
        let out = Tensor.empty([channels])
        let pg = g.storage.pointer, po = out.storage.pointer
        Threading.parallelItems(channels, work: g.count) { s, e in
            for c in s..<e {
                var acc: Double = 0
                for b in 0..<batch {
                    let row = pg + (b * channels + c) * plane
                    var part: Float = 0
                    for j in 0..<plane { part = Relaxed.sum(part, row[j]) }
                    acc += Double(part)
                }
                po[c] = Float(acc)
            }
        }
        return out
    }
}
