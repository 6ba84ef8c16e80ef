// Convolutions over small images, a chunk of images per GEMM.
//
// One sgemm per image (Convolution.swift) suits large images: a 32×32 output grid is already 1,024 GEMM columns.
// On the 4×4 to 16×16 maps of CTAB-GAN's networks a per-image GEMM is a few dozen columns wide and the calls'
// packing and bookkeeping cost more than their arithmetic (im2col and the small GEMMs took 60 % of a CTAB-GAN step).
// Here the patches of a chunk of images sit side by side in one [C·KH·KW, images·Hout·Wout] matrix, multiplied
// by one sgemm that shares its (shape-fixed) blocks among threads. The chunk size depends on the shapes only and
// the weight gradient adds the chunks in order, so no result depends on the thread count.

/// How many images share one GEMM: enough for about `targetColumns` columns, within a memory cap.
enum ImageChunks {
    /// Output grids of at least this many positions keep one GEMM per image.
    static let largestGrid = 256
    /// Per-image GEMMs of at least this many multiply-adds keep one GEMM per image (the U-Net's 8×8 levels, 2.4M
    /// and more, ran no faster in chunks).
    static let largestImageWork = 1 << 20
    static let targetColumns = 4_096
    /// The largest patch matrix of a chunk, in floats (2 MB, so it stays near the cache).
    static let maximumFloats = 1 << 19

    /// Images per chunk for a batch whose patch matrix per image is [patch, grid] and meets `outputs` channels
    /// (the GEMM's other side), or nil to stay per image.
    static func size(batch: Int, patch: Int, grid: Int, outputs: Int) -> Int? {
        guard grid < largestGrid, outputs * patch * grid < largestImageWork, batch > 1 else { return nil }
        let size = Swift.min(batch, Swift.max(1, targetColumns / grid), Swift.max(1, maximumFloats / (patch * grid)))
        return size > 1 ? size : nil
    }

    /// The chunks of `0..<batch`, in order.
    static func ranges(batch: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: batch, by: size).map { $0..<Swift.min($0 + size, batch) }
    }
}

extension Tensor {
    /// `convolutionForward` a chunk of images per GEMM (see `ImageChunks`).
    static func chunkedConvolutionForward(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?,
                                          geometry: ConvGeometry, outShape: [Int], chunk: Int) -> Tensor {
        let n = input.shape[0], o = weight.shape[0]
        let patch = geometry.patchSize, grid = geometry.positions, image = geometry.imageSize
        let chunks = ImageChunks.ranges(batch: n, size: chunk)
        let out = Tensor.empty(outShape)
        let px = input.storage.pointer, pw = weight.storage.pointer, po = out.storage.pointer
        let cols = Storage(uninitializedCount: patch * chunk * grid)
        let product = Storage(uninitializedCount: o * chunk * grid)
        for images in chunks {
            let columns = images.count * grid
            unfold(images, geometry: geometry, source: px, imageSize: image, into: cols.pointer, work: patch * columns)
            sgemm(pw, cols.pointer, product.pointer, m: o, n: columns, k: patch, transposeA: false, transposeB: false)
            scatter(product.pointer, images, channels: o, grid: grid, into: po)
        }
        if let bias { addChannelBias(po, bias.storage.pointer, batch: n, channels: o, plane: grid) }

        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return out.recorded(op, inputs) { g in
            let pg = g.storage.pointer
            let dx = input.requiresGrad ? Tensor.empty(input.shape) : nil
            let dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            let gathered = Storage(uninitializedCount: o * chunk * grid)
            for (index, images) in chunks.enumerated() {
                let columns = images.count * grid
                gather(pg, images, channels: o, grid: grid, into: gathered.pointer)
                if let dw {
                    unfold(images, geometry: geometry, source: px, imageSize: image, into: cols.pointer, work: patch * columns)
                    sgemm(gathered.pointer, cols.pointer, dw.storage.pointer, m: o, n: patch, k: columns,
                          transposeA: false, transposeB: true, beta: index == 0 ? 0 : 1)
                }
                if let dx {
                    sgemm(pw, gathered.pointer, cols.pointer, m: patch, n: columns, k: o, transposeA: true, transposeB: false)
                    fold(cols.pointer, images, geometry: geometry, into: dx.storage.pointer, imageSize: image,
                         work: patch * columns)
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: o, plane: grid) : nil) }
            return grads
        }
    }

    /// `convTranspose2d` a chunk of images per GEMM; `geometry` is the convolution whose input gradient it is.
    static func chunkedTransposedConvolution(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?,
                                             geometry: ConvGeometry, outShape: [Int], chunk: Int) -> Tensor {
        let n = input.shape[0], cin = input.shape[1], cout = weight.shape[1]
        let patch = geometry.patchSize, grid = geometry.positions, image = geometry.imageSize
        let chunks = ImageChunks.ranges(batch: n, size: chunk)
        let out = Tensor.empty(outShape)
        let px = input.storage.pointer, pw = weight.storage.pointer, po = out.storage.pointer
        let cols = Storage(uninitializedCount: patch * chunk * grid)
        let gathered = Storage(uninitializedCount: cin * chunk * grid)
        for images in chunks {
            let columns = images.count * grid
            gather(px, images, channels: cin, grid: grid, into: gathered.pointer)
            sgemm(pw, gathered.pointer, cols.pointer, m: patch, n: columns, k: cin, transposeA: true, transposeB: false)
            fold(cols.pointer, images, geometry: geometry, into: po, imageSize: image, work: patch * columns)
        }
        if let bias { addChannelBias(po, bias.storage.pointer, batch: n, channels: cout, plane: outShape[2] * outShape[3]) }

        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return out.recorded(op, inputs) { g in
            let pg = g.storage.pointer
            let dx = input.requiresGrad ? Tensor.empty(input.shape) : nil
            let dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            for (index, images) in chunks.enumerated() {
                let columns = images.count * grid
                unfold(images, geometry: geometry, source: pg, imageSize: image, into: cols.pointer, work: patch * columns)
                if let dx {
                    sgemm(pw, cols.pointer, gathered.pointer, m: cin, n: columns, k: patch, transposeA: false, transposeB: false)
                    scatter(gathered.pointer, images, channels: cin, grid: grid, into: dx.storage.pointer)
                }
                if let dw {
                    gather(px, images, channels: cin, grid: grid, into: gathered.pointer)
                    sgemm(gathered.pointer, cols.pointer, dw.storage.pointer, m: cin, n: patch, k: columns,
                          transposeA: false, transposeB: true, beta: index == 0 ? 0 : 1)
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if let bias {
                grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: cout, plane: outShape[2] * outShape[3]) : nil)
            }
            return grads
        }
    }

    /// The patches of `images` side by side: image i's [patch, grid] block at column i·grid of a row-major
    /// [patch, images·grid] matrix.
    private static func unfold(_ images: Range<Int>, geometry: ConvGeometry, source: UnsafePointer<Float>, imageSize: Int,
                               into cols: UnsafeMutablePointer<Float>, work: Int) {
        let stride = images.count * geometry.positions
        Threading.parallelItems(images.count, work: work) { start, end in
            for i in start..<end {
                geometry.im2col(source + (images.lowerBound + i) * imageSize, cols + i * geometry.positions, rowStride: stride)
            }
        }
    }

    /// The adjoint of `unfold`: each image of `images` in `target` set to its folded patches.
    private static func fold(_ cols: UnsafePointer<Float>, _ images: Range<Int>, geometry: ConvGeometry,
                             into target: UnsafeMutablePointer<Float>, imageSize: Int, work: Int) {
        let stride = images.count * geometry.positions
        Threading.parallelItems(images.count, work: work) { start, end in
            for i in start..<end {
                let image = target + (images.lowerBound + i) * imageSize
                image.update(repeating: 0, count: imageSize)
                geometry.col2im(cols + i * geometry.positions, image, rowStride: stride)
            }
        }
    }

    /// Rows [N, C, grid] of `images` as one [C, images·grid] matrix.
    private static func gather(_ source: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, grid: Int,
                               into matrix: UnsafeMutablePointer<Float>) {
        let count = images.count
        for i in 0..<count {
            let from = source + (images.lowerBound + i) * channels * grid
            for c in 0..<channels { (matrix + (c * count + i) * grid).update(from: from + c * grid, count: grid) }
        }
    }

    /// The inverse of `gather`: a [C, images·grid] matrix written back as rows [N, C, grid].
    private static func scatter(_ matrix: UnsafePointer<Float>, _ images: Range<Int>, channels: Int, grid: Int,
                                into target: UnsafeMutablePointer<Float>) {
        let count = images.count
        for i in 0..<count {
            let to = target + (images.lowerBound + i) * channels * grid
            for c in 0..<channels { (to + c * grid).update(from: matrix + (c * count + i) * grid, count: grid) }
        }
    }
}

extension Tensor {
    /// A convolution that is a matrix product: a window covering the whole unpadded input (one output position:
    /// y[n, o] = x[n, :]·W[o, :]), or a transposed convolution of a 1×1 input without padding (y[n, :] = x[n, :]·W as
    /// [Cin, Cout·KH·KW]). CTAB-GAN's critic head and generator stem are such; unfolding them cost a GEMM's time in
    /// bookkeeping for every value. `transposed` says which; `plane` is the output positions per channel.
    static func matrixProductConvolution(_ op: String, _ input: Tensor, weight: Tensor, bias: Tensor?, transposed: Bool,
                                         outShape: [Int], plane: Int) -> Tensor {
        let n = input.shape[0], inner = input.count / n, columns = weight.count / (transposed ? inner : weight.shape[0])
        let outColumns = transposed ? columns : weight.shape[0], channels = outShape[1]
        let out = Tensor.empty(outShape)
        let px = input.storage.pointer, pw = weight.storage.pointer, po = out.storage.pointer
        sgemm(px, pw, po, m: n, n: outColumns, k: inner, transposeA: false, transposeB: !transposed)
        if let bias { addChannelBias(po, bias.storage.pointer, batch: n, channels: channels, plane: plane) }

        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return out.recorded(op, inputs) { g in
            let pg = g.storage.pointer
            let dx = input.requiresGrad ? Tensor.empty(input.shape) : nil
            let dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            if let dx {
                sgemm(pg, pw, dx.storage.pointer, m: n, n: inner, k: outColumns, transposeA: false, transposeB: transposed)
            }
            if let dw {
                if transposed {
                    sgemm(px, pg, dw.storage.pointer, m: inner, n: outColumns, k: n, transposeA: true, transposeB: false)
                } else {
                    sgemm(pg, px, dw.storage.pointer, m: outColumns, n: inner, k: n, transposeA: true, transposeB: false)
                }
            }
            var grads: [Tensor?] = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: channels, plane: plane) : nil) }
            return grads
        }
    }
}
