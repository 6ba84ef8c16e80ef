import COpenBLAS
import CKernels

// Matrix products through OpenBLAS's sgemm, and the Cholesky factor and triangular solves that the GP prior needs.

/// One row-major sgemm: C = α·op(A)·op(B) + β·C, with op(A) of shape m×k and op(B) of shape k×n.
///
/// On a CPU with AVX-512 where OpenBLAS runs AVX2 kernels (Debian's 0.3.21 misreads Zen 4/5 as Haswell or Zen,
/// or `OPENBLAS_CORETYPE` pins them) the kit's own packed GEMM (`kit_sgemm`, CKernels/gemm.c) runs it: 1.5–1.9×
/// faster there. Where OpenBLAS runs its own AVX-512 kernels, they are faster on nearly all the MLP's products and
/// the convolutions' A·B (by 3–24 %), so OpenBLAS runs those. On A·Bᵀ with few rows, though (a convolution's
/// weight gradient: 32–128 output channels against a k of 64–1,024 positions), they reach 52–70 GFLOP/s where the
/// kit's kernel reaches 88–96 (Zen 4, BENCHMARKS.md), so the kit's runs those. Outputs narrower than 16 columns
/// always go to OpenBLAS (a 32-column register tile would waste most of its work). The choice is made from the
/// whole product's shape, never a block's.
///
/// OpenBLAS itself always runs on one thread: with some of its kernel families (e.g. Haswell with a small
/// `OPENBLAS_L2_SIZE`) its threaded GEMM sums in a different order for each thread count. Large products are cut
/// instead into one block per thread along the longer of m and n. Both kernels sum each element's k products in
/// an order fixed by k alone, whatever the block an element falls in (`productsAreTheSameHoweverTheyAreCut`), so
/// the cut changes no result; blocks are kept above OpenBLAS's small-matrix threshold, whose kernel sums
/// differently. A caller that already shares its work among threads (e.g. one image per thread) passes
/// `onCallingThread`.
func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
           m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, beta: Float = 0,
           onCallingThread: Bool = false) {
    Threading.pinBLASToOneThread()
    let lda = transposeA ? m : k, ldb = transposeB ? k : n, ldc = n
    let ta = transposeA ? CblasTrans : CblasNoTrans, tb = transposeB ? CblasTrans : CblasNoTrans
    let own = GEMMKernel.runsOwn(m: m, n: n, transposeA: transposeA, transposeB: transposeB)
    let splitRows = m >= n
    let blocks = GEMMBlocks(length: splitRows ? m : n, work: m * n * k,
                            threads: onCallingThread ? 1 : Threading.threadCount)
    Threading.parallelBlocks(blocks.count) { i in
        let (start, count) = blocks.range(i)
        let (rows, columns) = splitRows ? (count, n) : (m, count)
        let pa = splitRows ? a + (transposeA ? start : start * k) : a
        let pb = splitRows ? b : b + (transposeB ? start * k : start)
        let pc = c + (splitRows ? start * n : start)
        if own {
            kit_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, rows, columns, k, pa, lda, pb, ldb, beta, pc, ldc)
        } else {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(rows), Int32(columns), Int32(k), 1, pa, Int32(lda), pb,
                        Int32(ldb), beta, pc, Int32(ldc))
        }
    }
}

/// Which GEMM runs a product (see `sgemm`): from the CPU, OpenBLAS's kernel family and the product's shape.
enum GEMMKernel {
    /// OpenBLAS's kernel families whose sgemm is AVX-512.
    static let avx512Families: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    static let cpuHasOwn = kit_cpu_has_avx512_gemm() != 0
    static let blasIsAVX512 = avx512Families.contains(Threading.blasCoreName.lowercased())
    static let narrowestOwnOutput = 16
    /// The A·Bᵀ products that run faster on the kit's kernel than on OpenBLAS's AVX-512 ones: 16–255 rows and at
    /// least 32 columns (fewer rows or columns leave most of the kit's 12×32 and 8×48 tiles empty).
    static let ownRowsBesideBLAS = 16..<256
    static let ownColumnsBesideBLAS = 32

    static func runsOwn(m: Int, n: Int, transposeA: Bool, transposeB: Bool) -> Bool {
        guard cpuHasOwn && n >= narrowestOwnOutput else { return false }
        return !blasIsAVX512
            || (transposeB && !transposeA && ownRowsBesideBLAS.contains(m) && n >= ownColumnsBesideBLAS)
    }

    /// For provenance.
    static var name: String {
        guard cpuHasOwn else { return "OpenBLAS \(Threading.blasCoreName)" }
        guard blasIsAVX512 else { return "kit AVX-512" }
        let rows = ownRowsBesideBLAS
        return "OpenBLAS \(Threading.blasCoreName); kit AVX-512 for A·Bᵀ with \(rows.lowerBound)–\(rows.upperBound - 1) rows"
    }
}

/// How a GEMM is cut along one dimension: one block per thread, each starting on a multiple of `granularity` and
/// large enough to be worth a call. Fewer, larger blocks pack each operand fewer times: measured on the MLP
/// and TabDDPM steps (2026-12-06, Zen 4), one block per thread ran 7–8 % faster than the eight shape-fixed blocks
/// used before.
struct GEMMBlocks {
    let length: Int
    let count: Int
    let size: Int

    /// The least work a block is given, in multiply-adds: above OpenBLAS's small-matrix threshold (10⁶), below
    /// which one call is cheaper than sharing the work anyway.
    static let minimumWork = 1 << 20
    /// Blocks start on multiples of this many rows or columns, so that few register tiles are cut short.
    static let granularity = 32

    init(length: Int, work: Int, threads: Int) {
        self.length = length
        let perIndex = Double(work) / Double(max(length, 1))
        var wanted = max(1, min(threads, length / Self.granularity))
        var size = length
        while true {
            size = ((length + wanted - 1) / wanted + Self.granularity - 1) / Self.granularity * Self.granularity
            let last = length - (length - 1) / size * size
            if wanted == 1 || Double(last) * perIndex >= Double(Self.minimumWork) { break }
            wanted -= 1
        }
        self.size = max(size, 1)
        count = max(1, (length + self.size - 1) / self.size)
    }

    /// The first index and length of block `i`.
    func range(_ i: Int) -> (start: Int, count: Int) {
        let start = i * size
        return (start, min(size, length - start))
    }
}

extension Tensor {
    /// Matrix product op(a)·op(b) over the last two dimensions.
    ///
    /// `b` is either a matrix (shared by every leading index of `a`) or has the same leading dimensions as `a`
    /// (a batched product).
    public func matmul(_ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a = self
        check(a.rank >= 2 && b.rank >= 2, "matmul: needs rank ≥ 2, got \(a.shape) × \(b.shape)")
        // A stack of rows times one matrix is one big GEMM.
        if b.rank == 2 && a.rank > 2 && !transposeA {
            let lead = Array(a.shape.dropLast())
            let flat = a.reshaped([-1, a.shape[a.rank - 1]]).matmul(b, transposeB: transposeB)
            return flat.reshaped(lead + [flat.shape[1]])
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        check(b.rank == 2 || batchA == batchB,
                     "matmul: batch dimensions differ: \(a.shape) × \(b.shape)")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        check(k == k2, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "")")
        let batch = Shape.count(batchA)
        let out = Tensor.empty(batchA + [m, n])
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.storage.pointer
        let strideB = b.rank == 2 ? 0 : k * n
        for i in 0..<batch {
            sgemm(pa + i * m * k, pb + i * strideB, po + i * m * n, m: m, n: n, k: k,
                  transposeA: transposeA, transposeB: transposeB)
        }
        return out.recorded("matmul", [a, b]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if a.requiresGrad {
                ga = transposeA ? b.matmul(g, transposeA: transposeB, transposeB: true)
                                : g.matmul(b, transposeB: !transposeB)
            }
            if b.requiresGrad {
                if b.rank == 2 && batch > 1 {
                    // Shared matrix: sum the per-batch gradients with one GEMM over the stacked rows.
                    let a2 = transposeA ? a.transposed().reshaped([-1, m]) : a.reshaped([-1, k])
                    let g2 = g.reshaped([-1, n])
                    gb = transposeB ? g2.matmul(a2, transposeA: true) : a2.matmul(g2, transposeA: true)
                } else {
                    gb = transposeB ? g.matmul(a, transposeA: true, transposeB: transposeA)
                                    : a.matmul(g, transposeA: !transposeA)
                }
            }
            return [ga, gb]
        }
    }

    /// x·Wᵀ + bias for a weight stored [out, in] (PyTorch's layout) and bias [out]: the bias is copied into
    /// the output and sgemm accumulates onto it (β = 1), so the add costs no extra pass.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        check(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let inSize = weight.shape[1], outSize = weight.shape[0]
        check(x.rank >= 1 && x.shape[x.rank - 1] == inSize,
                     "linear: input \(x.shape) does not end in \(inSize) (weight \(weight.shape))")
        if let bias { check(bias.shape == [outSize], "linear: bias \(bias.shape) for weight \(weight.shape)") }
        let lead = Array(x.shape.dropLast())
        let rows = Shape.count(lead)
        let out = Tensor.empty(lead + [outSize])
        let po = out.storage.pointer
        if let bias {
            let pb = bias.storage.pointer
            for r in 0..<rows { (po + r * outSize).update(from: pb, count: outSize) }
        }
        sgemm(x.storage.pointer, weight.storage.pointer, po, m: rows, n: outSize, k: inSize,
              transposeA: false, transposeB: true, beta: bias == nil ? 0 : 1)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return out.recorded("linear", inputs) { g in
            let pg = g.storage.pointer
            var grads: [Tensor?] = [nil, nil]
            if x.requiresGrad {
                let dx = Tensor.empty(x.shape)
                sgemm(pg, weight.storage.pointer, dx.storage.pointer, m: rows, n: inSize, k: outSize,
                      transposeA: false, transposeB: false)
                grads[0] = dx
            }
            if weight.requiresGrad {
                let dw = Tensor.empty(weight.shape)
                sgemm(pg, x.storage.pointer, dw.storage.pointer, m: outSize, n: inSize, k: rows,
                      transposeA: true, transposeB: false)
                grads[1] = dw
            }
            if let bias {
                grads.append(bias.requiresGrad ? g.reshapedRaw([rows, outSize]).sum(axes: [0]) : nil)
            }
            return grads
        }
    }

    /// The lower Cholesky factor L of a symmetric positive-definite matrix (or a batch), A = L·Lᵀ.
    public func cholesky() -> Tensor {
        check(rank >= 2 && shape[rank - 1] == shape[rank - 2],
                     "cholesky: needs square matrices, got \(shape)")
        let n = shape[rank - 1], batch = count / Swift.max(n * n, 1)
        let out = copy()
        let po = out.storage.pointer
        for b in 0..<batch {
            let p = po + b * n * n
            // Row-major L·Lᵀ is column-major UᵀU with U = Lᵀ, so LAPACK's "U" gives our lower factor.
            var info: Int32 = 0, nn = Int32(n), uplo = CChar(UInt8(ascii: "U"))
            spotrf_(&uplo, &nn, p, &nn, &info)
            check(info == 0, "cholesky: matrix \(b) of \(shape) is not positive definite (LAPACK info \(info))")
            for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { p[i * n + j] = 0 } }
        }
        let ld = out.detached()
        return out.recorded("cholesky", [self]) { g in
            // Ā = ½(S + Sᵀ), S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, Φ = lower triangle with the diagonal halved.
            let phi = ld.matmul(g, transposeA: true).lowerTriangle(diagonalScale: 0.5)
            let left = ld.triangularSolve(phi, lower: true, transpose: true)
            let s = ld.triangularSolve(left.transposed(), lower: true, transpose: true).transposed()
            return [(s + s.transposed()) * 0.5]
        }
    }

    /// The lower triangle (diagonal scaled by `diagonalScale`), zero above.
    public func lowerTriangle(diagonalScale: Float = 1) -> Tensor {
        let n = shape[rank - 1], m = shape[rank - 2]
        let mask = Tensor(zeros: [m, n])
        let pm = mask.storage.pointer
        for i in 0..<m { for j in 0..<min(i + 1, n) { pm[i * n + j] = i == j ? diagonalScale : 1 } }
        return self * mask
    }

    /// Solves op(A)·X = B for X, with A = self triangular (lower or upper), op = identity or transpose.
    /// A is [n, n] or [batch, n, n]; B is [n, k] or [batch, n, k].
    public func triangularSolve(_ rhs: Tensor, lower: Bool, transpose: Bool = false) -> Tensor {
        let a = self
        check(a.rank >= 2 && a.shape[a.rank - 1] == a.shape[a.rank - 2],
                     "triangularSolve: A must be square, got \(a.shape)")
        let n = a.shape[a.rank - 1]
        check(rhs.rank == a.rank && rhs.shape[rhs.rank - 2] == n
                     && Array(rhs.shape.dropLast(2)) == Array(a.shape.dropLast(2)),
                     "triangularSolve: A \(a.shape) and B \(rhs.shape) do not match")
        let k = rhs.shape[rhs.rank - 1], batch = a.count / Swift.max(n * n, 1)
        let out = rhs.copy()
        let pa = a.storage.pointer, po = out.storage.pointer
        for b in 0..<batch {
            cblas_strsm(CblasRowMajor, CblasLeft, lower ? CblasLower : CblasUpper,
                        transpose ? CblasTrans : CblasNoTrans, CblasNonUnit, Int32(n), Int32(k), 1,
                        pa + b * n * n, Int32(n), po + b * n * k, Int32(k))
        }
        let xd = out.detached()
        return out.recorded("triangular-solve", [a, rhs]) { g in
            // B̄ = op(A)⁻ᵀ X̄; Ā = −B̄ Xᵀ (or −X B̄ᵀ when op is the transpose), kept on A's triangle.
            let gb = a.triangularSolve(g, lower: lower, transpose: !transpose)
            var ga: Tensor? = nil
            if a.requiresGrad {
                let full = transpose ? -xd.matmul(gb, transposeB: true) : -gb.matmul(xd, transposeB: true)
                ga = lower ? full.lowerTriangle() : full.transposed().lowerTriangle().transposed()
            }
            return [ga, rhs.requiresGrad ? gb : nil]
        }
    }
}
