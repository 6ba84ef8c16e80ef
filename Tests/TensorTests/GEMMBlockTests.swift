import CKernels
import COpenBLAS
import Testing
@testable import Tensor

/// The blocks of a large GEMM tile the cut dimension exactly once, whatever its length, one per thread at most,
/// each worth a call (so OpenBLAS never takes its small-matrix kernel for a block of a large product).
@Test(arguments: [1, 15, 127, 128, 300, 1_000, 4_097])
func gemmBlocksTileTheDimension(length: Int) {
    for work in [1, 1 << 20, 1 << 30] {
        for threads in [1, 2, 3, 8] {
            let blocks = GEMMBlocks(length: length, work: work, threads: threads)
            var next = 0
            for i in 0..<blocks.count {
                let (start, count) = blocks.range(i)
                #expect(start == next && count > 0)
                #expect(blocks.count == 1 || count * (work / length) >= GEMMBlocks.minimumWork)
                next = start + count
            }
            #expect(next == length)
            #expect(blocks.count <= threads)
            if work < 2 * GEMMBlocks.minimumWork || threads == 1 { #expect(blocks.count == 1) }
        }
    }
    #expect(GEMMBlocks(length: 4_096, work: 1 << 32, threads: 2).count == 2)
}

/// Both GEMM kernels (OpenBLAS's, and the kit's where the CPU has AVX-512) give every element the same bits
/// however the product is cut into row or column blocks (OpenBLAS's: blocks above its small-matrix threshold):
/// what lets the blocks follow the thread count.
@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func productsAreTheSameHoweverTheyAreCut(transposeA: Bool, transposeB: Bool) {
    let rng = RandomGenerator(seed: 5)
    for (m, n, k) in [(300, 70, 700), (70, 300, 257), (130, 130, 1_000)] {
        let a = rng.normal(transposeA ? [k, m] : [m, k]).scalars, b = rng.normal(transposeB ? [n, k] : [k, n]).scalars
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        for own in kit_cpu_has_avx512_gemm() != 0 ? [false, true] : [false] {
            func product(cuts: [Int], rows: Bool) -> [Float] {
                var c = [Float](repeating: .nan, count: m * n)
                let bounds = [0] + cuts + [rows ? m : n]
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            for (start, end) in zip(bounds, bounds.dropFirst()) {
                                let (r, cols) = rows ? (end - start, n) : (m, end - start)
                                let a0 = pa.baseAddress! + (rows ? (transposeA ? start : start * k) : 0)
                                let b0 = pb.baseAddress! + (rows ? 0 : (transposeB ? start * k : start))
                                let c0 = pc.baseAddress! + (rows ? start * n : start)
                                if own {
                                    kit_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, r, cols, k, a0, lda, b0, ldb, 0,
                                              c0, n)
                                } else {
                                    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                                                transposeB ? CblasTrans : CblasNoTrans, Int32(r), Int32(cols),
                                                Int32(k), 1, a0, Int32(lda), b0, Int32(ldb), 0, c0, Int32(n))
                                }
                            }
                        }
                    }
                }
                return c
            }
            let whole = product(cuts: [], rows: true)
            for rows in [true, false] {
                let length = rows ? m : n
                let perIndex = m * n * k / length
                for cuts in [[32], [length / 2], [37, 2 * length / 3 + 1], [13, 64], [1, length - 5]] {
                    // OpenBLAS sums blocks under its small-matrix threshold with another kernel; `GEMMBlocks`
                    // never makes such blocks.
                    let sizes = zip([0] + cuts, cuts + [length]).map { $1 - $0 }
                    if !own && sizes.contains(where: { $0 * perIndex < GEMMBlocks.minimumWork }) { continue }
                    let cut = product(cuts: cuts, rows: rows)
                    let differing = zip(cut, whole).filter { $0.0 != $0.1 }.count
                    #expect(differing == 0, "\(own ? "kit" : "OpenBLAS") \(m)×\(n)×\(k) cut \(rows ? "rows" : "columns") at \(cuts): \(differing) elements differ")
                }
            }
        }
    }
}

/// Cut products (rows or columns, every transpose) match a Float64 reference and are bit-identical at 1, 2 and 3
/// threads.
@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func blockedProductsMatchAReferenceAtAnyThreadCount(transposeA: Bool, transposeB: Bool) {
    let rng = RandomGenerator(seed: 3)
    for (m, n, k) in [(600, 40, 64), (40, 600, 64), (1_000, 48, 300), (64, 1_000, 300)] {
        let a = rng.normal(transposeA ? [k, m] : [m, k]), b = rng.normal(transposeB ? [n, k] : [k, n])
        Threading.setThreadCount(1)
        let one = a.matmul(b, transposeA: transposeA, transposeB: transposeB).scalars
        for threads in [2, 3] {
            Threading.setThreadCount(threads)
            let more = a.matmul(b, transposeA: transposeA, transposeB: transposeB).scalars
            #expect(one == more, "\(m)×\(n)×\(k) at \(threads) threads")
        }
        Threading.setThreadCount(1)
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
