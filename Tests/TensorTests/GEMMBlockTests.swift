import Testing
@testable import Tensor

/// The blocks of a large GEMM tile the cut dimension exactly once, whatever its length.
@Test(arguments: [1, 15, 127, 128, 300, 1_000, 4_097])
func gemmBlocksTileTheDimension(length: Int) {
    for work in [1, 1 << 20, 1 << 30] {
        let blocks = GEMMBlocks(length: length, work: work)
        var next = 0
        for i in 0..<blocks.count {
            let (start, count) = blocks.range(i)
            #expect(start == next && count > 0)
            next = start + count
        }
        #expect(next == length)
        if work < GEMMBlocks.minimumWork { #expect(blocks.count == 1) }
    }
}

/// Cut products (rows or columns, every transpose) match a Float64 reference and are bit-identical at 1 and 2
/// threads.
@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func blockedProductsMatchAReferenceAtAnyThreadCount(transposeA: Bool, transposeB: Bool) {
    let rng = RandomGenerator(seed: 3)
    for (m, n, k) in [(600, 40, 64), (40, 600, 64)] {
        let a = rng.normal(transposeA ? [k, m] : [m, k]), b = rng.normal(transposeB ? [n, k] : [k, n])
        Threading.setThreadCount(1)
        let one = a.matmul(b, transposeA: transposeA, transposeB: transposeB).scalars
        Threading.setThreadCount(2)
        let two = a.matmul(b, transposeA: transposeA, transposeB: transposeB).scalars
        Threading.setThreadCount(1)
        #expect(one == two)
        let pa = a.scalars, pb = b.scalars
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for l in 0..<k {
                    let x = transposeA ? pa[l * m + i] : pa[i * k + l]
                    let y = transposeB ? pb[j * k + l] : pb[l * n + j]
                    sum += Double(x) * Double(y)
                }
                worst = max(worst, abs(sum - Double(one[i * n + j])))
            }
        }
        #expect(worst < 1e-3, "largest error \(worst) for \(m)×\(n)×\(k)")
    }
}
