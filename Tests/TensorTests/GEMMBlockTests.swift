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

/// The GEMM the core runs (the kit's AVX-512 kernel where the CPU has it) against a Float64 reference, on shapes
/// that straddle its register tiles (12×32 and 8×48), its cache blocks (k 256, m 144, n 1,056) and the
/// narrow-output fallback; with β = 0 over a C full of NaN (never read) and β = 1 (accumulated).
@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func gemmMatchesAReferenceAcrossTileEdges(transposeA: Bool, transposeB: Bool) {
    let rng = RandomGenerator(seed: 11)
    let shapes = [(1, 1, 1), (12, 32, 1), (13, 33, 257), (11, 31, 255), (145, 15, 20), (144, 1_025, 3),
                  (3, 40, 512), (300, 17, 513), (25, 2_100, 7), (64, 100, 300), (16, 1_100, 9), (9, 47, 258)]
    for (m, n, k) in shapes {
        let a = rng.normal(transposeA ? [k, m] : [m, k]).scalars, b = rng.normal(transposeB ? [n, k] : [k, n]).scalars
        let start = rng.normal([m, n]).scalars
        for beta: Float in [0, 1] {
            var c = beta == 0 ? [Float](repeating: .nan, count: m * n) : start
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        sgemm(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: k,
                              transposeA: transposeA, transposeB: transposeB, beta: beta)
                    }
                }
            }
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var sum = beta == 0 ? 0 : Double(start[i * n + j])
                    for l in 0..<k {
                        let x = transposeA ? a[l * m + i] : a[i * k + l]
                        let y = transposeB ? b[j * k + l] : b[l * n + j]
                        sum += Double(x) * Double(y)
                    }
                    worst = max(worst, abs(sum - Double(c[i * n + j])))
                }
            }
            #expect(worst < 1e-3, "largest error \(worst) for \(m)×\(n)×\(k), β = \(beta)")
        }
    }
}
