import Testing
@testable import Tensor

/// One primitive under test: input shapes and the function of those inputs.
struct GradCase: CustomTestStringConvertible, Sendable {
    let name: String
    let shapes: [[Int]]
    /// Shifts inputs away from kinks and poles (log, sqrt, division) so finite differences are valid.
    var positive = false
    /// Keeps inputs at least 0.05 from zero, where ReLU-like ops have their kink.
    var awayFromZero = false
    let f: @Sendable ([Tensor]) -> Tensor
    var testDescription: String { "\(name) \(shapes)" }
}

let gradCases: [GradCase] = [
    GradCase(name: "add", shapes: [[3, 4], [3, 4]]) { $0[0] + $0[1] },
    GradCase(name: "add broadcast row", shapes: [[3, 4], [4]]) { $0[0] + $0[1] },
    GradCase(name: "add broadcast column", shapes: [[3, 1], [1, 4]]) { $0[0] + $0[1] },
    GradCase(name: "sub broadcast", shapes: [[2, 3, 4], [3, 1]]) { $0[0] - $0[1] },
    GradCase(name: "mul broadcast", shapes: [[2, 3, 4], [1, 3, 4]]) { $0[0] * $0[1] },
    GradCase(name: "mul scalar tensor", shapes: [[5], []]) { $0[0] * $0[1] },
    GradCase(name: "div", shapes: [[3, 4], [4]], positive: true) { $0[0] / $0[1] },
    GradCase(name: "scalar ops", shapes: [[6]], positive: true) { (2 - $0[0] * 3 + 1) / 4 + 1 / $0[0] },
    GradCase(name: "maximum", shapes: [[4, 3], [3]]) { Tensor.maximum($0[0], $0[1]) },
    GradCase(name: "where", shapes: [[3, 4], [3, 4], [4]]) { Tensor.where($0[0].detached(), $0[1], $0[2]) },
    GradCase(name: "neg", shapes: [[7]]) { -$0[0] },
    GradCase(name: "exp", shapes: [[3, 5]]) { $0[0].exp() },
    GradCase(name: "log", shapes: [[3, 5]], positive: true) { $0[0].log() },
    GradCase(name: "sqrt", shapes: [[8]], positive: true) { $0[0].sqrt() },
    GradCase(name: "squared", shapes: [[8]]) { $0[0].squared() },
    GradCase(name: "abs", shapes: [[8]], positive: true) { ($0[0] - 1.5).abs() },
    GradCase(name: "pow", shapes: [[8]], positive: true) { $0[0].pow(1.7) },
    GradCase(name: "sin cos", shapes: [[8]]) { $0[0].sin() + $0[0].cos() },
    GradCase(name: "relu", shapes: [[4, 6]], awayFromZero: true) { $0[0].relu() },
    GradCase(name: "leakyRelu", shapes: [[4, 6]], awayFromZero: true) { $0[0].leakyRelu(slope: 0.2) },
    GradCase(name: "sigmoid", shapes: [[4, 6]]) { $0[0].sigmoid() },
    GradCase(name: "tanh", shapes: [[4, 6]]) { $0[0].tanh() },
    GradCase(name: "softplus", shapes: [[4, 6]]) { ($0[0] * 4).softplus() },
    GradCase(name: "silu", shapes: [[4, 6]]) { $0[0].silu() },
    GradCase(name: "gelu", shapes: [[4, 6]]) { $0[0].gelu() },
    GradCase(name: "clamped", shapes: [[12]]) { $0[0].clamped(min: -0.5, max: 0.7) },
    GradCase(name: "sum all", shapes: [[3, 4]]) { $0[0].sum() },
    GradCase(name: "sum axis 0", shapes: [[3, 4]]) { $0[0].sum(axes: [0]) },
    GradCase(name: "sum axes keep", shapes: [[2, 3, 4]]) { $0[0].sum(axes: [0, 2], keepingDims: true) },
    GradCase(name: "mean axis", shapes: [[2, 3, 4]]) { $0[0].mean(axes: [1]) },
    GradCase(name: "max axis", shapes: [[3, 5]]) { $0[0].max(axis: 1) },
    GradCase(name: "max axis 0 keep", shapes: [[3, 2, 2]]) { $0[0].max(axis: 0, keepingDims: true) },
    GradCase(name: "logSumExp", shapes: [[3, 5]]) { ($0[0] * 3).logSumExp(axis: 1) },
    GradCase(name: "logSumExp axis 0", shapes: [[4, 2, 3]]) { $0[0].logSumExp(axis: 0, keepingDims: true) },
    GradCase(name: "softmax", shapes: [[3, 5]]) { $0[0].softmax() },
    GradCase(name: "softmax middle axis", shapes: [[2, 4, 3]]) { $0[0].softmax(axis: 1) },
    GradCase(name: "logSoftmax", shapes: [[3, 5]]) { $0[0].logSoftmax() },
    GradCase(name: "matmul", shapes: [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    GradCase(name: "matmul transposeA", shapes: [[4, 3], [4, 5]]) { $0[0].matmul($0[1], transposeA: true) },
    GradCase(name: "matmul transposeB", shapes: [[3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    GradCase(name: "matmul both", shapes: [[4, 3], [5, 4]]) { $0[0].matmul($0[1], transposeA: true, transposeB: true) },
    GradCase(name: "matmul rows × matrix", shapes: [[2, 3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
    GradCase(name: "batched matmul", shapes: [[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) },
    GradCase(name: "batched matmul transposeB", shapes: [[2, 3, 4], [2, 5, 4]]) { $0[0].matmul($0[1], transposeB: true) },
    GradCase(name: "linear", shapes: [[5, 4], [3, 4], [3]]) { Tensor.linear($0[0], weight: $0[1], bias: $0[2]) },
    GradCase(name: "linear rank 3, no bias", shapes: [[2, 5, 4], [3, 4]]) { Tensor.linear($0[0], weight: $0[1], bias: nil) },
    GradCase(name: "reshape", shapes: [[2, 6]]) { $0[0].reshaped([3, -1]) * $0[0].reshaped([3, 4]) },
    GradCase(name: "broadcasted", shapes: [[3, 1]]) { $0[0].broadcasted(to: [2, 3, 4]) },
    GradCase(name: "permute", shapes: [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
    GradCase(name: "transpose", shapes: [[3, 4]]) { $0[0].transposed() },
    GradCase(name: "slice", shapes: [[4, 5]]) { $0[0].sliced(axis: 1, 1..<4) },
    GradCase(name: "concat", shapes: [[2, 3], [2, 2]]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: 1) },
    GradCase(name: "stack", shapes: [[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], axis: 1) },
    GradCase(name: "gather repeated", shapes: [[4, 3]]) { $0[0].gathering([2, 0, 2, 3], axis: 0) },
    GradCase(name: "gather axis 1", shapes: [[2, 4, 3]]) { $0[0].gathering([3, 1], axis: 1) },
    GradCase(name: "cholesky", shapes: [[4, 4]]) { x in
        // A = XXᵀ + 4I is symmetric positive definite for any X.
        (x[0].matmul(x[0], transposeB: true) + Tensor.identity(4) * 4).cholesky()
    },
    GradCase(name: "batched cholesky", shapes: [[2, 3, 3]]) { x in
        (x[0].matmul(x[0], transposeB: true) + Tensor.identity(3) * 3).cholesky()
    },
    GradCase(name: "triangular solve lower", shapes: [[4, 4], [4, 2]]) { x in
        (x[0] * 0.3 + Tensor.identity(4) * 2).lowerTriangle().triangularSolve(x[1], lower: true)
    },
    GradCase(name: "triangular solve lower transposed", shapes: [[3, 3], [3, 2]]) { x in
        (x[0] * 0.3 + Tensor.identity(3) * 2).lowerTriangle().triangularSolve(x[1], lower: true, transpose: true)
    },
    GradCase(name: "triangular solve upper", shapes: [[3, 3], [3, 2]]) { x in
        (x[0] * 0.3 + Tensor.identity(3) * 2).transposed().lowerTriangle().transposed()
            .triangularSolve(x[1], lower: false)
    },
    GradCase(name: "gruCell", shapes: [[3, 12], [3, 4], [12, 4], [12]]) {
        Tensor.gruCell(gates: $0[0], hidden: $0[1], weightHH: $0[2], biasHH: $0[3])
    },
    GradCase(name: "gruCell chained over steps", shapes: [[2, 6], [2, 2], [6, 2], [6]]) { x in
        let h1 = Tensor.gruCell(gates: x[0], hidden: x[1], weightHH: x[2], biasHH: x[3])
        return Tensor.gruCell(gates: x[0] * 0.5, hidden: h1, weightHH: x[2], biasHH: x[3])
    },
    GradCase(name: "gruSequence", shapes: [[3, 4, 9], [3, 3], [9, 3], [9]]) {
        Tensor.gruSequence(gates: $0[0], initialHidden: $0[1], weightHH: $0[2], biasHH: $0[3])
    },
    GradCase(name: "groupNorm", shapes: [[2, 4, 3], [4], [4]]) {
        Tensor.groupNorm($0[0], groups: 2, weight: $0[1], bias: $0[2], epsilon: 1e-5)
    },
    GradCase(name: "groupNorm 2-D, one group per channel, no affine", shapes: [[2, 3, 2, 2]]) {
        Tensor.groupNorm($0[0], groups: 3, weight: nil, bias: nil, epsilon: 1e-5)
    },
    GradCase(name: "groupNorm + SiLU, blocks past the kernel's 8 lanes", shapes: [[2, 4, 9], [4], [4]]) {
        Tensor.groupNorm($0[0], groups: 2, weight: $0[1], bias: $0[2], epsilon: 1e-5, activation: .silu)
    },
    GradCase(name: "batchNorm over batch and positions", shapes: [[3, 2, 2, 2], [2], [2]]) {
        Tensor.batchNorm($0[0], weight: $0[1], bias: $0[2], epsilon: 1e-5).output
    },
    GradCase(name: "batchNorm [N, C], no affine", shapes: [[4, 3]]) {
        Tensor.batchNorm($0[0], weight: nil, bias: nil, epsilon: 1e-5).output
    },
    GradCase(name: "layerNorm over whole maps, elementwise affine", shapes: [[2, 2, 2, 3], [2, 2, 3], [2, 2, 3]]) {
        Tensor.layerNorm($0[0], normalizedCount: 12, weight: $0[1], bias: $0[2], epsilon: 1e-5)
    },
    GradCase(name: "reused input accumulates", shapes: [[3]]) { x in x[0] * x[0] + x[0].exp() * x[0] },
    GradCase(name: "reused intermediate, paths of different length", shapes: [[3]]) { x in
        let n = x[0].exp()
        return n + (n * 2).sin() * n
    },
]

@Test("gradient matches finite differences", arguments: gradCases)
func gradientMatchesFiniteDifferences(_ c: GradCase) {
    let rng = RandomGenerator(seed: 42)
    let inputs = c.shapes.map { shape -> Tensor in
        let x = rng.normal(shape)
        if c.positive { return x.abs().detached() + 0.5 }
        return c.awayFromZero ? x.map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 } : x
    }
    let result = checkGradients(of: inputs, c.f)
    #expect(result.maxRelativeError < 1e-2, "\(c.name): \(result)")
}

/// The checker must be able to fail: a deliberately wrong backward is caught.
@Test func gradientCheckCatchesAWrongGradient() {
    let x = RandomGenerator(seed: 1).normal([5])
    let result = checkGradients(of: [x]) { x in
        // Forward x², backward claims 3x (a wrong coefficient).
        x[0].map { $0 * $0 }.recorded("bad-square", [x[0]]) { g in [g * x[0] * 3] }
    }
    #expect(result.maxRelativeError > 0.1)
}

@Test func unstackedGradientCoversUsedAndUnusedSlices() {
    let x = RandomGenerator(seed: 4).normal([2, 3, 2])
    let result = checkGradients(of: [x]) { x in
        let parts = x[0].unstacked(axis: 1)
        // Slice 1 unused, slice 2 used twice: its gradient must add up, slice 1's must be zero.
        return parts[0] * parts[2] + parts[2].exp()
    }
    #expect(result.maxRelativeError < 1e-2, "\(result)")
}
