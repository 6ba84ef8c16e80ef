import Foundation
import Tensor

/// Span-wise operations on encoded rows, built from differentiable tensor ops so that a step costs a few
/// matrix products instead of one slice, softmax and concat per span (adult has about 25 spans).
///
/// Every column belongs to one segment: each softmax span is a segment and each α column a segment of its own.
/// A 0/1 matrix S [width, segments] sums within segments (x·S) and spreads per-segment values back (v·Sᵀ).
struct SpanLayout {
    let width: Int
    let segments: [Range<Int>]
    let alphaColumns: [Int]
    /// S [width, segments] and Sᵀ.
    let segmentMatrix: Tensor, segmentMatrixTransposed: Tensor
    /// [1, width]: 1 on α columns / on softmax columns.
    let tanhMask: Tensor, softmaxMask: Tensor
    /// [1, segments]: 1 on softmax segments.
    let softmaxSegmentMask: Tensor

    init(spans: [OutputSpan], width: Int) {
        self.width = width
        segments = spans.map(\.range)
        let isSoftmaxSegment = spans.map { $0.activation == .softmax }
        alphaColumns = spans.filter { $0.activation == .tanh }.map(\.start)
        var s = [Float](repeating: 0, count: width * segments.count)
        var tanh = [Float](repeating: 0, count: width)
        for (k, range) in segments.enumerated() {
            for column in range {
                s[column * segments.count + k] = 1
                if !isSoftmaxSegment[k] { tanh[column] = 1 }
            }
        }
        segmentMatrix = Tensor(s, shape: [width, segments.count])
        segmentMatrixTransposed = segmentMatrix.transposed()
        tanhMask = Tensor(tanh, shape: [1, width])
        softmaxMask = Tensor(tanh.map { 1 - $0 }, shape: [1, width])
        softmaxSegmentMask = Tensor(isSoftmaxSegment.map { $0 ? 1 : 0 }, shape: [1, segments.count])
    }

    /// Each row's maximum within each segment, [rows, segments], without history: a shift that leaves
    /// log-sum-exp and softmax (and their gradients) unchanged.
    func segmentMaxima(_ x: Tensor) -> Tensor {
        let rows = x.shape[0], k = segments.count
        var out = [Float](repeating: 0, count: rows * k)
        x.withBuffer { p in
            for r in 0..<rows {
                for (j, range) in segments.enumerated() {
                    var m = -Float.infinity
                    for c in range { m = max(m, p[r * width + c]) }
                    out[r * k + j] = m
                }
            }
        }
        return Tensor(out, shape: [rows, k])
    }

    /// log Σ exp of `logits` within each segment, [rows, segments].
    func logSumExp(_ logits: Tensor) -> Tensor {
        let shift = segmentMaxima(logits)
        return (logits - shift.matmul(segmentMatrixTransposed)).exp().matmul(segmentMatrix).log() + shift
    }

    /// Softmax of `logits` within each segment, [rows, width].
    func softmax(_ logits: Tensor) -> Tensor {
        let e = (logits - segmentMaxima(logits).matmul(segmentMatrixTransposed)).exp()
        return e / e.matmul(segmentMatrix).matmul(segmentMatrixTransposed)
    }

    /// CTGAN's `_apply_activate`: tanh on α columns, Gumbel-softmax with temperature τ on every softmax span
    /// (softmax((logits + g)/τ), g = −log(−log u), as `torch.nn.functional.gumbel_softmax` with hard=False).
    func activate(_ raw: Tensor, temperature: Float, rng: RandomGenerator) -> Tensor {
        let gumbel = rng.uniform(raw.shape).withBuffer { u in
            Tensor(u.map { -Foundation.log(-Foundation.log(max($0, 1e-20))) }, shape: raw.shape)
        }
        return raw.tanh() * tanhMask + softmax((raw + gumbel) * (1 / temperature)) * softmaxMask
    }
}
