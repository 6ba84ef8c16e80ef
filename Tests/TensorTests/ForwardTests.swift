import Foundation
import Testing
@testable import Tensor

private func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
}

@Test func broadcastingAddsRowsAndColumns() {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let row = Tensor([10, 20, 30], shape: [3])
    let column = Tensor([100, 200], shape: [2, 1])
    #expect((a + row).scalars == [11, 22, 33, 14, 25, 36])
    #expect((a + column).scalars == [101, 102, 103, 204, 205, 206])
    #expect((column + row).shape == [2, 3])
}

@Test func reductionsAlongAxes() {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    #expect(a.sum().item == 21)
    #expect(a.sum(axes: [0]).scalars == [5, 7, 9])
    #expect(a.sum(axes: [1], keepingDims: true).shape == [2, 1])
    #expect(a.mean(axes: [1]).scalars == [2, 5])
    #expect(a.max(axis: 1).scalars == [3, 6])
}

@Test func softmaxAndLogSumExpAreStable() {
    let x = Tensor([1000, 1001, 1002, -.infinity], shape: [1, 4])
    let expected: [Float] = [0.09003057, 0.24472847, 0.66524096, 0]
    #expect(close(x.softmax().scalars, expected))
    #expect(close(x.logSumExp(axis: 1).scalars, [1002.407606]))
    #expect(close(x.sliced(axis: 1, 0..<3).logSoftmax().exp().scalars, Array(expected.prefix(3))))
}

@Test func transcendentalKernelsMatchLibm() {
    let values = (-400...400).map { Float($0) / 20 }
    let x = Tensor(values, shape: [values.count])
    #expect(close(x.exp().scalars, values.map { Foundation.exp($0) }, tolerance: 3e-7))
    #expect(close(x.tanh().scalars, values.map { Foundation.tanh($0) }, tolerance: 3e-7))
    #expect(close(x.sigmoid().scalars, values.map { 1 / (1 + Foundation.exp(-$0)) }, tolerance: 3e-7))
    #expect(close(x.softplus().scalars, values.map { Foundation.log1p(Foundation.exp($0)) }, tolerance: 1e-6))
    #expect(Tensor([-100, 100], shape: [2]).exp().scalars[0] == 0)
}

@Test func matmulMatchesNaiveProduct() {
    let rng = RandomGenerator(seed: 3)
    let a = rng.normal([5, 7]), b = rng.normal([7, 4])
    let pa = a.scalars, pb = b.scalars
    var naive = [Float](repeating: 0, count: 20)
    for i in 0..<5 { for j in 0..<4 { for k in 0..<7 { naive[i * 4 + j] += pa[i * 7 + k] * pb[k * 4 + j] } } }
    #expect(close(a.matmul(b).scalars, naive, tolerance: 1e-5))
    #expect(close(a.transposed().matmul(b, transposeA: true).scalars, naive, tolerance: 1e-5))
    let bias = rng.normal([4])
    let viaLinear = Tensor.linear(a, weight: b.transposed(), bias: bias)
    #expect(close(viaLinear.scalars, (a.matmul(b) + bias).scalars, tolerance: 1e-5))
}

@Test func choleskyReconstructsAndSolves() {
    let a = Tensor([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3], shape: [3, 3])
    let l = a.cholesky()
    #expect(l.scalars[1] == 0 && l.scalars[2] == 0 && l.scalars[5] == 0)
    #expect(close(l.matmul(l, transposeB: true).scalars, a.scalars, tolerance: 1e-5))
    let b = Tensor([1, 2, 3], shape: [3, 1])
    // Solve A x = b through L y = b, Lᵀ x = y.
    let x = l.triangularSolve(l.triangularSolve(b, lower: true), lower: true, transpose: true)
    #expect(close(a.matmul(x).scalars, b.scalars, tolerance: 1e-5))
}

@Test func movementOps() {
    let a = Tensor(Array(0..<12).map(Float.init), shape: [2, 3, 2])
    #expect(a.permuted([2, 0, 1]).scalars == [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11])
    #expect(a.sliced(axis: 1, 1..<2).scalars == [2, 3, 8, 9])
    #expect(Tensor.concat([a, a], axis: 2).shape == [2, 3, 4])
    #expect(a.gathering([2, 0], axis: 1).scalars == [4, 5, 0, 1, 10, 11, 6, 7])
    #expect(Tensor.oneHot([2, 0], classes: 3).scalars == [0, 0, 1, 1, 0, 0])
    let w = Tensor.where(Tensor([1, 0, 1], shape: [3]), Tensor([1, 2, 3], shape: [3]), Tensor(9))
    #expect(w.scalars == [1, 9, 3])
}

@Test func gradientsAccumulateAcrossUsesAndBackwardCalls() {
    let x = Tensor([2], shape: [1], requiresGrad: true)
    (x * x + x).sum().backward()  // d/dx = 2x + 1 = 5
    #expect(x.grad?.scalars == [5])
    (x * 3).sum().backward()  // accumulates: 5 + 3
    #expect(x.grad?.scalars == [8])
    x.zeroGrad()
    let y = withoutGrad { x * x }
    #expect(!y.requiresGrad)
}

@Test func randomStreamsAreReproducibleAndWellDistributed() {
    let a = RandomGenerator(seed: 11).normal([10_001]), b = RandomGenerator(seed: 11).normal([10_001])
    #expect(a.scalars == b.scalars)
    #expect(RandomGenerator(seed: 12).normal([4]).scalars != Array(a.scalars.prefix(4)))
    let v = a.scalars.map(Double.init)
    let mean = v.reduce(0, +) / Double(v.count)
    let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
    #expect(Swift.abs(mean) < 0.03 && Swift.abs(std - 1) < 0.03)
    let u = RandomGenerator(seed: 5).uniform([10_000], low: 2, high: 4).scalars
    #expect(u.allSatisfy { $0 >= 2 && $0 < 4 })
    #expect(Swift.abs(u.reduce(0, +) / 10_000 - 3) < 0.03)
    let p = RandomGenerator(seed: 5).permutation(50)
    #expect(p.sorted() == Array(0..<50) && p != Array(0..<50))
    let draws = RandomGenerator(seed: 9).categorical(weights: [1, 3], count: 4000)
    #expect(Swift.abs(Double(draws.filter { $0 == 1 }.count) / 4000 - 0.75) < 0.03)
    let logits = Tensor([0, Foundation.log(3)], shape: [1, 2]).broadcasted(to: [4000, 2])
    let gumbel = RandomGenerator(seed: 9).categorical(logits: logits)
    #expect(Swift.abs(Double(gumbel.filter { $0 == 1 }.count) / 4000 - 0.75) < 0.03)
}

/// Counter-based draws: the values do not depend on how a request is split into calls.
@Test func randomDrawsDependOnlyOnCounter() {
    let whole = RandomGenerator(seed: 21).uniform([8]).scalars
    let g = RandomGenerator(seed: 21)
    let first = g.uniform([4]).scalars, second = g.uniform([4]).scalars
    #expect(first + second == whole)
}

@Test func resultsDoNotDependOnThreadCount() {
    let rng = RandomGenerator(seed: 8)
    let x = rng.normal([512, 300]), w = rng.normal([200, 300]), bias = rng.normal([200])
    func run() -> [Float] {
        let y = Tensor.linear(x, weight: w, bias: bias).tanh().sigmoid().silu()
        return (y.softmax() + y.sum(axes: [0])).scalars
    }
    Threading.setThreadCount(1)
    let one = run()
    Threading.setThreadCount(2)
    let two = run()
    Threading.setThreadCount(1)
    #expect(one == two)
}

/// The whole-sequence GRU primitive equals `gruCell` chained over the steps, forward and backward, for a hidden
/// size that is no multiple of the kernels' vector width and more rows than one block; and its numbers do not
/// depend on the thread count.
@Test func gruSequenceMatchesChainedCellsOnAnyThreadCount() {
    let rng = RandomGenerator(seed: 17)
    let (n, t, h) = (37, 5, 11)
    let gates = rng.normal([n, t, 3 * h]), h0 = rng.normal([n, h]) * 0.5
    let w = rng.normal([3 * h, h]) * 0.3, b = rng.normal([3 * h]) * 0.3
    let seed = rng.normal([n, t, h])
    func gradients(_ f: ([Tensor]) -> Tensor) -> [[Float]] {
        let inputs = [gates, h0, w, b].map { Tensor($0.scalars, shape: $0.shape, requiresGrad: true) }
        let y = f(inputs)
        (y * seed).sum().backward()
        return [y.scalars] + inputs.map { $0.grad!.scalars }
    }
    let chained = gradients { x in
        let steps = x[0].unstacked(axis: 1)
        var state = x[1], outputs: [Tensor] = []
        for step in steps {
            state = Tensor.gruCell(gates: step, hidden: state, weightHH: x[2], biasHH: x[3])
            outputs.append(state)
        }
        return Tensor.stack(outputs, axis: 1)
    }
    func fused() -> [[Float]] {
        gradients { Tensor.gruSequence(gates: $0[0], initialHidden: $0[1], weightHH: $0[2], biasHH: $0[3]) }
    }
    Threading.setThreadCount(1)
    let one = fused()
    Threading.setThreadCount(2)
    let two = fused()
    Threading.setThreadCount(1)
    #expect(one == two)
    for (a, c) in zip(one, chained) {
        let scale = c.map { Swift.abs($0) }.max() ?? 1
        #expect(zip(a, c).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * Swift.max(scale, 1) })
    }
}

@Test func misuseNamesTheOpAndShapes() async throws {
    let broadcast = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor(zeros: [2, 3]) + Tensor(zeros: [4])
    }
    #expect(String(decoding: broadcast.standardErrorContent, as: UTF8.self)
        .contains("add: shapes [2, 3] and [4] do not broadcast"))
    let product = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor(zeros: [2, 3]).matmul(Tensor(zeros: [4, 5]))
    }
    #expect(String(decoding: product.standardErrorContent, as: UTF8.self)
        .contains("matmul: inner dimensions differ: [2, 3] × [4, 5]"))
    let factor = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor([1, 2, 2, 1], shape: [2, 2]).cholesky()
    }
    #expect(String(decoding: factor.standardErrorContent, as: UTF8.self).contains("not positive definite"))
}

/// The fused GRU step equals the same equations written with separate ops.
@Test func fusedGRUCellMatchesComposedOps() {
    let rng = RandomGenerator(seed: 13)
    let (n, h) = (5, 3)
    let gates = rng.normal([n, 3 * h]), hidden = rng.normal([n, h]), w = rng.normal([3 * h, h]), b = rng.normal([3 * h])
    let fused = Tensor.gruCell(gates: gates, hidden: hidden, weightHH: w, biasHH: b)
    let g = Tensor.linear(hidden, weight: w, bias: b)
    let r = (gates.sliced(axis: 1, 0..<h) + g.sliced(axis: 1, 0..<h)).sigmoid()
    let z = (gates.sliced(axis: 1, h..<(2 * h)) + g.sliced(axis: 1, h..<(2 * h))).sigmoid()
    let c = (gates.sliced(axis: 1, (2 * h)..<(3 * h)) + r * g.sliced(axis: 1, (2 * h)..<(3 * h))).tanh()
    let composed = (1 - z) * c + z * hidden
    #expect(zip(fused.scalars, composed.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
}

/// GroupNorm with SiLU fused equals GroupNorm then SiLU, forward and backward, and its blocks, shared among threads,
/// give the same numbers at 1 and 2 threads (an input large enough to be split).
@Test func fusedGroupNormSiLUMatchesComposedOpsOnAnyThreadCount() {
    let rng = RandomGenerator(seed: 14)
    let x = rng.normal([5, 64, 15, 15]) * 2 + 0.5, w = rng.normal([64]), b = rng.normal([64]), g = rng.normal(x.shape)
    func run(threads: Int, fused: Bool) -> [[Float]] {
        Threading.setThreadCount(threads)
        defer { Threading.setThreadCount(1) }
        let xs = Tensor(x.scalars, shape: x.shape, requiresGrad: true)
        let ws = Tensor(w.scalars, shape: w.shape, requiresGrad: true), bs = Tensor(b.scalars, shape: b.shape, requiresGrad: true)
        let y = fused ? Tensor.groupNorm(xs, groups: 32, weight: ws, bias: bs, epsilon: 1e-5, activation: .silu)
                      : Tensor.groupNorm(xs, groups: 32, weight: ws, bias: bs, epsilon: 1e-5).silu()
        (y * g).sum().backward()
        return [y.scalars, xs.grad!.scalars, ws.grad!.scalars, bs.grad!.scalars]
    }
    let one = run(threads: 1, fused: true), two = run(threads: 2, fused: true), composed = run(threads: 1, fused: false)
    #expect(one == two)
    for (fused, reference) in zip(one, composed) { #expect(close(fused, reference, tolerance: 1e-4)) }
    // An input that needs no gradient takes the kernel's scratch path; γ's and β's gradients stay the same.
    let xs = Tensor(x.scalars, shape: x.shape)
    let ws = Tensor(w.scalars, shape: w.shape, requiresGrad: true), bs = Tensor(b.scalars, shape: b.shape, requiresGrad: true)
    (Tensor.groupNorm(xs, groups: 32, weight: ws, bias: bs, epsilon: 1e-5, activation: .silu) * g).sum().backward()
    #expect(ws.grad!.scalars == one[2] && bs.grad!.scalars == one[3])
}
