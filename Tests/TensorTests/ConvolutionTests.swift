import Foundation
import Testing
@testable import Tensor

// Convolution, pooling and upsampling: gradients against finite differences, forward values against direct
// loops (convolutions) or hand-computed results (pooling, upsampling), thread-count independence and misuse.

/// One configuration of an op under test: input shapes and the function of those inputs.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let name: String
    let shapes: [[Int]]
    /// Inputs are a shuffled ramp with steps of 0.05 instead of normal draws, so no window has near-ties.
    var distinct = false
    let f: @Sendable ([Tensor]) -> Tensor
    var testDescription: String { "\(name) \(shapes)" }
}

private let conv2dCases: [ConvCase] = [
    ConvCase(name: "conv2d 3×3", shapes: [[1, 1, 4, 4], [1, 1, 3, 3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: nil)
    },
    ConvCase(name: "conv2d padding 1, bias", shapes: [[2, 3, 5, 4], [4, 3, 3, 3], [4]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
    },
    ConvCase(name: "conv2d stride 2, padding 1", shapes: [[2, 2, 7, 6], [3, 2, 3, 3], [3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1)
    },
    ConvCase(name: "conv2d stride 2, no padding, no bias", shapes: [[2, 2, 6, 7], [3, 2, 3, 3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: nil, stride: 2)
    },
    ConvCase(name: "conv2d dilation 2, padding 2", shapes: [[1, 2, 7, 6], [2, 2, 3, 3], [2]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 2, dilation: 2)
    },
    ConvCase(name: "conv2d dilation 2, stride 2", shapes: [[2, 1, 8, 9], [2, 1, 3, 3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: nil, stride: 2, dilation: 2)
    },
    ConvCase(name: "conv2d non-square kernel", shapes: [[2, 2, 5, 6], [3, 2, 2, 3], [3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
    },
    ConvCase(name: "conv2d 1×1", shapes: [[2, 3, 4, 5], [2, 3, 1, 1], [2]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2])
    },
    ConvCase(name: "conv2d 1×1 stride 2", shapes: [[2, 3, 5, 5], [2, 3, 1, 1]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: nil, stride: 2)
    },
    // One image: the per-image path, where a stride-1 convolution's dx is itself a convolution of g.
    ConvCase(name: "conv2d padding 1, one image", shapes: [[1, 3, 5, 4], [4, 3, 3, 3], [4]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
    },
    ConvCase(name: "conv2d non-square kernel, no padding, one image", shapes: [[1, 2, 5, 6], [3, 2, 2, 3], [3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2])
    },
    ConvCase(name: "conv2d dilation 2, padding 1, one image", shapes: [[1, 2, 7, 6], [2, 2, 3, 3]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: nil, padding: 1, dilation: 2)
    },
    ConvCase(name: "conv2d 5×5 padding 2 on a 2×3 image (taps that miss it whole)", shapes: [[2, 2, 2, 3], [2, 2, 5, 5], [2]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 2)
    },
    ConvCase(name: "conv2d padding beyond the kernel's reach, one image", shapes: [[1, 2, 4, 4], [2, 2, 3, 3], [2]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], padding: 3)
    },
    ConvCase(name: "conv2d window over the whole image (a matrix product)", shapes: [[3, 2, 3, 4], [2, 2, 3, 4], [2]]) {
        Tensor.conv2d($0[0], weight: $0[1], bias: $0[2])
    },
]

private let conv1dCases: [ConvCase] = [
    ConvCase(name: "conv1d padding 1, bias", shapes: [[2, 3, 9], [4, 3, 3], [4]]) {
        Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], padding: 1)
    },
    ConvCase(name: "conv1d padding 2, one sequence", shapes: [[1, 3, 9], [2, 3, 4], [2]]) {
        Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2)
    },
    ConvCase(name: "conv1d stride 2", shapes: [[1, 2, 10], [3, 2, 4]]) {
        Tensor.conv1d($0[0], weight: $0[1], bias: nil, stride: 2)
    },
    ConvCase(name: "conv1d dilation 2, padding 2", shapes: [[2, 2, 11], [2, 2, 3], [2]]) {
        Tensor.conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2, dilation: 2)
    },
    ConvCase(name: "conv1d pointwise", shapes: [[2, 3, 6], [4, 3, 1], [4]]) {
        Tensor.conv1d($0[0], weight: $0[1], bias: $0[2])
    },
]

private let convTransposeCases: [ConvCase] = [
    ConvCase(name: "convTranspose2d stride 1", shapes: [[1, 2, 3, 3], [2, 3, 3, 3], [3]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: $0[2])
    },
    ConvCase(name: "convTranspose2d stride 2, padding 1, outputPadding 1", shapes: [[2, 2, 3, 4], [2, 3, 3, 3], [3]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1)
    },
    ConvCase(name: "convTranspose2d 4×4 stride 2, no bias", shapes: [[2, 3, 4, 3], [3, 2, 4, 4]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: nil, stride: 2, padding: 1)
    },
    ConvCase(name: "convTranspose2d 2×2 stride 2", shapes: [[1, 2, 3, 2], [2, 2, 2, 2], [2]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2)
    },
    ConvCase(name: "convTranspose2d 1×1", shapes: [[2, 3, 3, 4], [3, 2, 1, 1], [2]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: $0[2])
    },
    ConvCase(name: "convTranspose2d of a 1×1 input (a matrix product)", shapes: [[3, 4, 1, 1], [4, 2, 3, 3], [2]]) {
        Tensor.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2)
    },
]

private let poolCases: [ConvCase] = [
    ConvCase(name: "avgPooled2d 2", shapes: [[2, 3, 4, 6]]) { $0[0].avgPooled2d(kernel: 2) },
    ConvCase(name: "avgPooled2d 3 stride 2 padding 1", shapes: [[1, 2, 5, 6]]) {
        $0[0].avgPooled2d(kernel: 3, stride: 2, padding: 1)
    },
    ConvCase(name: "avgPooled2d 3 stride 1 (overlapping)", shapes: [[2, 1, 5, 4]]) {
        $0[0].avgPooled2d(kernel: 3, stride: 1)
    },
    ConvCase(name: "maxPooled2d 2", shapes: [[2, 2, 4, 6]], distinct: true) { $0[0].maxPooled2d(kernel: 2) },
    ConvCase(name: "maxPooled2d 3 stride 2 padding 1", shapes: [[1, 2, 5, 6]], distinct: true) {
        $0[0].maxPooled2d(kernel: 3, stride: 2, padding: 1)
    },
    ConvCase(name: "maxPooled2d 3 stride 1 (overlapping)", shapes: [[1, 2, 5, 7]], distinct: true) {
        $0[0].maxPooled2d(kernel: 3, stride: 1)
    },
    ConvCase(name: "avgPooled1d 2", shapes: [[2, 3, 8]]) { $0[0].avgPooled1d(kernel: 2) },
    ConvCase(name: "avgPooled1d 3 stride 2", shapes: [[2, 2, 9]]) { $0[0].avgPooled1d(kernel: 3, stride: 2) },
    ConvCase(name: "upsampledNearest 2", shapes: [[2, 2, 3, 2]]) { $0[0].upsampledNearest(scale: 2) },
    ConvCase(name: "upsampledNearest 3", shapes: [[1, 1, 2, 3]]) { $0[0].upsampledNearest(scale: 3) },
    ConvCase(name: "upsampledBilinear ×2", shapes: [[2, 2, 3, 4]]) { $0[0].upsampledBilinear(height: 6, width: 8) },
    ConvCase(name: "upsampledBilinear non-integer", shapes: [[1, 2, 3, 4]]) {
        $0[0].upsampledBilinear(height: 5, width: 7)
    },
    ConvCase(name: "upsampledBilinear downsampling", shapes: [[1, 1, 5, 6]]) {
        $0[0].upsampledBilinear(height: 2, width: 3)
    },
]

/// Normal draws, or (for max pooling) a shuffled ramp 0.05·k so window maxima stay unique under ±epsilon.
private func convInputs(_ c: ConvCase, seed: UInt64 = 42) -> [Tensor] {
    let rng = RandomGenerator(seed: seed)
    return c.shapes.map { shape in
        guard c.distinct else { return rng.normal(shape) }
        let n = shape.reduce(1, *)
        let order = rng.permutation(n)
        return Tensor(order.map { Float($0) * 0.05 - Float(n) * 0.025 }, shape: shape)
    }
}

// MARK: Direct-loop references

/// Cross-correlation by its definition: y[n,o,i,j] = b[o] + Σ x[n,c,i·s−p+kh·d, j·s−p+kw·d]·w[o,c,kh,kw].
private func referenceConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: (Int, Int), padding p: (Int, Int),
                             dilation d: (Int, Int)) -> [Float] {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * p.0 - d.0 * (kh - 1) - 1) / s.0 + 1, ow = (wd + 2 * p.1 - d.1 * (kw - 1) - 1) / s.1 + 1
    let xs = x.scalars, ws = w.scalars, bs = b?.scalars
    var y = [Float](repeating: 0, count: n * o * oh * ow)
    for b in 0..<n { for f in 0..<o { for i in 0..<oh { for j in 0..<ow {
        var acc = Double(bs?[f] ?? 0)
        for ch in 0..<c { for u in 0..<kh { for v in 0..<kw {
            let r = i * s.0 - p.0 + u * d.0, q = j * s.1 - p.1 + v * d.1
            guard r >= 0 && r < h && q >= 0 && q < wd else { continue }
            acc += Double(xs[((b * c + ch) * h + r) * wd + q]) * Double(ws[((f * c + ch) * kh + u) * kw + v])
        } } }
        y[((b * o + f) * oh + i) * ow + j] = Float(acc)
    } } } }
    return y
}

/// Transposed convolution by scattering: y[n,co,i·s−p+u, j·s−p+v] += x[n,ci,i,j]·w[ci,co,u,v], plus bias.
private func referenceConvTranspose2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: Int, padding p: Int,
                                      outputPadding op: Int) -> [Float] {
    let (n, ci, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (co, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
    let oh = (h - 1) * s - 2 * p + kh + op, ow = (wd - 1) * s - 2 * p + kw + op
    let xs = x.scalars, ws = w.scalars, bs = b?.scalars
    var y = [Double](repeating: 0, count: n * co * oh * ow)
    for b in 0..<n { for f in 0..<co { for r in 0..<oh { for q in 0..<ow { y[((b * co + f) * oh + r) * ow + q] = Double(bs?[f] ?? 0) } } } }
    for b in 0..<n { for c in 0..<ci { for i in 0..<h { for j in 0..<wd { for f in 0..<co { for u in 0..<kh { for v in 0..<kw {
        let r = i * s - p + u, q = j * s - p + v
        guard r >= 0 && r < oh && q >= 0 && q < ow else { continue }
        y[((b * co + f) * oh + r) * ow + q] += Double(xs[((b * ci + c) * h + i) * wd + j]) * Double(ws[((c * co + f) * kh + u) * kw + v])
    } } } } } } }
    return y.map { Float($0) }
}

private func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

private func ramp(_ shape: [Int]) -> Tensor {
    Tensor((1...shape.reduce(1, *)).map(Float.init), shape: shape)
}

@Suite struct ConvolutionTests {
    // MARK: Gradients

    @Test("conv2d gradient matches finite differences", arguments: conv2dCases)
    func conv2dGradient(_ c: ConvCase) { expectGradients(c) }

    @Test("conv1d gradient matches finite differences", arguments: conv1dCases)
    func conv1dGradient(_ c: ConvCase) { expectGradients(c) }

    @Test("convTranspose2d gradient matches finite differences", arguments: convTransposeCases)
    func convTranspose2dGradient(_ c: ConvCase) { expectGradients(c) }

    @Test("pooling and upsampling gradients match finite differences", arguments: poolCases)
    func poolingGradient(_ c: ConvCase) { expectGradients(c) }

    private func expectGradients(_ c: ConvCase) {
        let result = checkGradients(of: convInputs(c), c.f)
        #expect(result.maxRelativeError < 1e-2, "\(c.name): \(result)")
    }

    /// Images are shared among threads and the weight gradient is summed in fixed runs of images: a batch of 11
    /// (runs of one and two images) gives the same outputs and gradients, bit for bit, at 1 and 2 threads, and the
    /// weight gradient equals the sum of the per-image ones.
    @Test(arguments: [false, true])
    func batchesAreBitIdenticalAcrossThreadCounts(transposed: Bool) {
        let rng = RandomGenerator(seed: 5)
        let x = rng.normal([11, 8, 16, 16]), w = rng.normal([8, 8, 3, 3]), b = rng.normal([8])
        func run(threads: Int, batch: Range<Int>) -> [[Float]] {
            Threading.setThreadCount(threads)
            defer { Threading.setThreadCount(1) }
            let xs = Tensor(Array(x.scalars[(batch.lowerBound * 2_048)..<(batch.upperBound * 2_048)]),
                            shape: [batch.count, 8, 16, 16], requiresGrad: true)
            let ws = Tensor(w.scalars, shape: w.shape, requiresGrad: true)
            let bs = Tensor(b.scalars, shape: b.shape, requiresGrad: true)
            let y = transposed ? Tensor.convTranspose2d(xs, weight: ws, bias: bs, stride: 1, padding: 1)
                               : Tensor.conv2d(xs, weight: ws, bias: bs, padding: 1)
            (y * y).sum().backward()
            return [y.scalars, xs.grad!.scalars, ws.grad!.scalars, bs.grad!.scalars]
        }
        let one = run(threads: 1, batch: 0..<11), two = run(threads: 2, batch: 0..<11)
        #expect(one == two)
        var perImage = [Float](repeating: 0, count: w.count)
        for i in 0..<11 { for (j, v) in run(threads: 1, batch: i..<(i + 1))[2].enumerated() { perImage[j] += v } }
        #expect(close(one[2], perImage, tolerance: 1e-4))
    }

    /// Small images go a chunk per GEMM (`ImageChunks`): a batch of 150 whose GEMMs have 8×8 grids (three chunks, the last short)
    /// gives the same outputs and gradients, bit for bit, at 1 and 2 threads, and the same values as its images
    /// convolved one at a time (the per-image path).
    @Test(arguments: [false, true])
    func chunkedBatchesEqualImagesOneAtATime(transposed: Bool) {
        let rng = RandomGenerator(seed: 6)
        let (n, c, side) = (150, 3, transposed ? 8 : 16), size = c * side * side
        let x = rng.normal([n, c, side, side]), w = rng.normal([c, 4, 4, 4]) * 0.2, b = rng.normal([4])
        #expect(ImageChunks.size(batch: n, patch: (transposed ? 4 : c) * 16, grid: 64, outputs: transposed ? c : 4) == 64)
        func run(threads: Int, batch: Range<Int>) -> [[Float]] {
            Threading.setThreadCount(threads)
            defer { Threading.setThreadCount(1) }
            let xs = Tensor(Array(x.scalars[(batch.lowerBound * size)..<(batch.upperBound * size)]),
                            shape: [batch.count, c, side, side], requiresGrad: true)
            let weight = transposed ? w : w.reshaped([4, c, 4, 4])
            let ws = Tensor(weight.scalars, shape: weight.shape, requiresGrad: true)
            let bs = Tensor(b.scalars, shape: b.shape, requiresGrad: true)
            let y = transposed ? Tensor.convTranspose2d(xs, weight: ws, bias: bs, stride: 2, padding: 1)
                               : Tensor.conv2d(xs, weight: ws, bias: bs, stride: 2, padding: 1)
            (y * y).sum().backward()
            return [y.scalars, xs.grad!.scalars, ws.grad!.scalars, bs.grad!.scalars]
        }
        let one = run(threads: 1, batch: 0..<n), two = run(threads: 2, batch: 0..<n)
        #expect(one == two)
        var images: [[Float]] = [[], [], [Float](repeating: 0, count: w.count), [Float](repeating: 0, count: 4)]
        for i in 0..<n {
            let single = run(threads: 1, batch: i..<(i + 1))
            images[0] += single[0]; images[1] += single[1]
            for k in 2...3 { for (j, v) in single[k].enumerated() { images[k][j] += v } }
        }
        #expect(close(one[0], images[0]) && close(one[1], images[1]))
        #expect(close(one[2], images[2], tolerance: 1e-3) && close(one[3], images[3], tolerance: 1e-3))
    }

    /// Frozen weights (no weight gradient wanted) give the same input gradient as trainable ones.
    @Test func inputGradientWithFrozenWeights() {
        let rng = RandomGenerator(seed: 3)
        let x = rng.normal([2, 3, 6, 5]), w = rng.normal([4, 3, 3, 3]), b = rng.normal([4])
        let seed = rng.normal([2, 4, 3, 3])
        x.requiresGrad = true; w.requiresGrad = true
        Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1).backward(seed: seed)
        let full = x.grad!.scalars
        x.zeroGrad(); w.requiresGrad = false; w.zeroGrad()
        Tensor.conv2d(x, weight: w, bias: b, stride: 2, padding: 1).backward(seed: seed)
        #expect(x.grad!.scalars == full)
        #expect(w.grad == nil && b.grad == nil)
    }

    // MARK: Forward values

    @Test("conv2d matches a direct loop",
          arguments: [([2, 3, 7, 6], [4, 3, 3, 3], 1, 1, 1), ([1, 2, 9, 8], [3, 2, 3, 2], 2, 1, 1),
                      ([2, 2, 9, 9], [2, 2, 3, 3], 1, 2, 2), ([1, 4, 5, 6], [3, 4, 1, 1], 1, 0, 1),
                      ([2, 3, 8, 7], [5, 3, 4, 4], 3, 0, 1), ([4, 3, 4, 4], [2, 3, 4, 4], 1, 0, 1),
                      ([2, 2, 2, 3], [2, 2, 5, 5], 1, 2, 1)])
    func conv2dForward(_ xs: [Int], _ ws: [Int], _ stride: Int, _ padding: Int, _ dilation: Int) {
        let rng = RandomGenerator(seed: 11)
        let x = rng.normal(xs), w = rng.normal(ws), b = rng.normal([ws[0]])
        for bias in [b, nil] {
            let y = Tensor.conv2d(x, weight: w, bias: bias, stride: stride, padding: padding, dilation: dilation)
            let expected = referenceConv2d(x, w, bias, stride: (stride, stride), padding: (padding, padding),
                                           dilation: (dilation, dilation))
            #expect(close(y.scalars, expected))
        }
    }

    @Test("conv1d matches a direct loop",
          arguments: [([2, 3, 12], [4, 3, 3], 1, 1, 1), ([2, 2, 15], [3, 2, 5], 2, 2, 1), ([1, 3, 13], [2, 3, 3], 1, 0, 3)])
    func conv1dForward(_ xs: [Int], _ ws: [Int], _ stride: Int, _ padding: Int, _ dilation: Int) {
        let rng = RandomGenerator(seed: 12)
        let x = rng.normal(xs), w = rng.normal(ws), b = rng.normal([ws[0]])
        let y = Tensor.conv1d(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation)
        let expected = referenceConv2d(x.reshaped([xs[0], xs[1], 1, xs[2]]), w.reshaped([ws[0], ws[1], 1, ws[2]]), b,
                                       stride: (1, stride), padding: (0, padding), dilation: (1, dilation))
        #expect(y.shape == [xs[0], ws[0], expected.count / (xs[0] * ws[0])])
        #expect(close(y.scalars, expected))
    }

    @Test("convTranspose2d matches a direct loop",
          arguments: [([2, 3, 4, 5], [3, 2, 3, 3], 1, 0, 0), ([2, 3, 4, 5], [3, 4, 3, 3], 2, 1, 1),
                      ([1, 4, 5, 3], [4, 3, 4, 4], 2, 1, 0), ([2, 2, 3, 3], [2, 3, 1, 1], 1, 0, 0),
                      ([1, 2, 3, 4], [2, 2, 3, 3], 3, 0, 2), ([5, 6, 1, 1], [6, 3, 4, 4], 1, 0, 0)])
    func convTranspose2dForward(_ xs: [Int], _ ws: [Int], _ stride: Int, _ padding: Int, _ outputPadding: Int) {
        let rng = RandomGenerator(seed: 13)
        let x = rng.normal(xs), w = rng.normal(ws), b = rng.normal([ws[1]])
        for bias in [b, nil] {
            let y = Tensor.convTranspose2d(x, weight: w, bias: bias, stride: stride, padding: padding,
                                           outputPadding: outputPadding)
            let size = { (n: Int, k: Int) in (n - 1) * stride - 2 * padding + k + outputPadding }
            #expect(y.shape == [xs[0], ws[1], size(xs[2], ws[2]), size(xs[3], ws[3])])
            #expect(close(y.scalars, referenceConvTranspose2d(x, w, bias, stride: stride, padding: padding,
                                                              outputPadding: outputPadding)))
        }
    }

    /// A transposed convolution is the input-gradient of the convolution with the same weight.
    @Test(arguments: [(7, 0), (8, 1)])
    func convTransposeIsTheAdjointOfConv(_ size: Int, _ outputPadding: Int) {
        let rng = RandomGenerator(seed: 14)
        let x = rng.normal([2, 3, size, size]), w = rng.normal([4, 3, 3, 3]), g = rng.normal([2, 4, 4, 4])
        x.requiresGrad = true
        Tensor.conv2d(x, weight: w, bias: nil, stride: 2, padding: 1).backward(seed: g)
        let adjoint = Tensor.convTranspose2d(g, weight: w, bias: nil, stride: 2, padding: 1, outputPadding: outputPadding)
        #expect(adjoint.shape == x.shape)
        #expect(close(adjoint.scalars, x.grad!.scalars, tolerance: 1e-5))
    }

    @Test func upsamplingTwoByTwo() {
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        #expect(x.upsampledNearest(scale: 2).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        // PyTorch F.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False).
        let bilinear = x.upsampledBilinear(height: 4, width: 4)
        #expect(bilinear.shape == [1, 1, 4, 4])
        #expect(close(bilinear.scalars, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4],
                      tolerance: 1e-6))
        // Same size is the identity; one output pixel samples the centre.
        #expect(x.upsampledBilinear(height: 2, width: 2).scalars == [1, 2, 3, 4])
        #expect(close(x.upsampledBilinear(height: 1, width: 1).scalars, [2.5], tolerance: 1e-6))
        // Two channels, two items: planes stay separate.
        let planes = Tensor([1, 2, 3, 4, 10, 20, 30, 40], shape: [2, 1, 2, 2]).upsampledNearest(scale: 2)
        #expect(Array(planes.scalars[16...]) == [10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40])
    }

    @Test func poolingFourByFour() {
        let x = ramp([1, 1, 4, 4])  // rows 1…4, 5…8, 9…12, 13…16
        #expect(x.avgPooled2d(kernel: 2).scalars == [3.5, 5.5, 11.5, 13.5])
        #expect(x.maxPooled2d(kernel: 2).scalars == [6, 8, 14, 16])
        #expect(x.maxPooled2d(kernel: 3, stride: 1).scalars == [11, 12, 15, 16])
        #expect(close(x.avgPooled2d(kernel: 3, stride: 1).scalars, [6, 7, 10, 11], tolerance: 1e-6))
        // Padding: zeros count in the mean (count_include_pad), and never win a max.
        let avg = x.avgPooled2d(kernel: 3, stride: 1, padding: 1)
        #expect(avg.shape == [1, 1, 4, 4])
        #expect(close(Array(avg.scalars[0..<2]), [14 / 9, 24 / 9], tolerance: 1e-6))
        #expect(Swift.abs(avg.scalars[5] - 6) < 1e-6)
        #expect(x.maxPooled2d(kernel: 2, stride: 2, padding: 1).scalars == [1, 3, 4, 9, 11, 12, 13, 15, 16])
        (-x).maxPooled2d(kernel: 2, stride: 2, padding: 1).withBuffer { #expect($0[0] == -1) }
        // 1-D.
        let line = ramp([1, 1, 6])
        #expect(line.avgPooled1d(kernel: 2).scalars == [1.5, 3.5, 5.5])
        #expect(line.avgPooled1d(kernel: 3, stride: 1).scalars == [2, 3, 4, 5])
        #expect(line.avgPooled1d(kernel: 4, stride: 2).scalars == [2.5, 4.5])
    }

    @Test func maxPoolGradientGoesToTheFirstMaximum() {
        let x = Tensor([1, 5, 5, 2], shape: [1, 1, 2, 2], requiresGrad: true)
        x.maxPooled2d(kernel: 2).sum().backward()
        #expect(x.grad!.scalars == [0, 1, 0, 0])
    }

    // MARK: Threads and misuse

    @Test func resultsDoNotDependOnThreadCount() {
        let rng = RandomGenerator(seed: 21)
        let x = rng.normal([8, 16, 24, 24]), w = rng.normal([16, 16, 3, 3]), b = rng.normal([16])
        let wt = rng.normal([16, 8, 4, 4]), seed = rng.normal([8, 8, 12, 12])
        func run() -> [[Float]] {
            for t in [x, w, b, wt] { t.zeroGrad(); t.requiresGrad = true }
            let h = Tensor.conv2d(x, weight: w, bias: b, padding: 1)
            let pooled = h.maxPooled2d(kernel: 2) + h.avgPooled2d(kernel: 2)
            let up = Tensor.convTranspose2d(pooled, weight: wt, bias: nil, stride: 2, padding: 1)
            let y = up.upsampledNearest(scale: 2).upsampledBilinear(height: 36, width: 36)
                .avgPooled2d(kernel: 3, stride: 3, padding: 1)
            y.backward(seed: seed)
            return [y.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars, wt.grad!.scalars]
        }
        Threading.setThreadCount(1)
        let one = run()
        Threading.setThreadCount(2)
        let two = run()
        Threading.setThreadCount(1)
        #expect(one == two)
    }

    @Test func misuseNamesTheOpAndShapes() async throws {
        let r0 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.conv2d(Tensor(zeros: [1, 3, 5, 5]), weight: Tensor(zeros: [2, 4, 3, 3]), bias: nil)
        }
        #expect(String(decoding: r0.standardErrorContent, as: UTF8.self)
            .contains("conv2d: input has 3 channels but weight expects 4 (input [1, 3, 5, 5], weight [2, 4, 3, 3])"))
        let r1 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.conv2d(Tensor(zeros: [3, 5, 5]), weight: Tensor(zeros: [2, 3, 3, 3]), bias: nil)
        }
        #expect(String(decoding: r1.standardErrorContent, as: UTF8.self)
            .contains("conv2d: input must be [N, C, H, W], got [3, 5, 5]"))
        let r2 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.conv2d(Tensor(zeros: [1, 3, 2, 5]), weight: Tensor(zeros: [2, 3, 3, 3]), bias: nil)
        }
        #expect(String(decoding: r2.standardErrorContent, as: UTF8.self)
            .contains("conv2d: output size is not positive"))
        let r3 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.conv1d(Tensor(zeros: [1, 3, 5]), weight: Tensor(zeros: [2, 3, 3]), bias: Tensor(zeros: [3]))
        }
        #expect(String(decoding: r3.standardErrorContent, as: UTF8.self)
            .contains("conv1d: bias [3] for weight [2, 3, 3]"))
        let r4 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.convTranspose2d(Tensor(zeros: [1, 3, 4, 4]), weight: Tensor(zeros: [2, 3, 3, 3]), bias: nil)
        }
        #expect(String(decoding: r4.standardErrorContent, as: UTF8.self)
            .contains("convTranspose2d: input [1, 3, 4, 4] has 3 channels but weight [2, 3, 3, 3] expects 2"))
        let r5 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(zeros: [1, 1, 2, 2]).maxPooled2d(kernel: 3)
        }
        #expect(String(decoding: r5.standardErrorContent, as: UTF8.self)
            .contains("maxPooled2d: output size is not positive"))
        let r6 = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(zeros: [4, 4]).upsampledNearest(scale: 2)
        }
        #expect(String(decoding: r6.standardErrorContent, as: UTF8.self)
            .contains("upsampledNearest: input must be [N, C, H, W], got [4, 4]"))
    }
}
