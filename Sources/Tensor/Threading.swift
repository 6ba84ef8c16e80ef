import COpenBLAS
import Dispatch
import Foundation
import Synchronization

/// How many threads the core uses: the blocks of a large GEMM and the splits of our elementwise kernels.
/// Results never depend on it: GEMM blocks and elementwise splits are cut by shape, reductions run in a fixed
/// order, and OpenBLAS itself runs on one thread.
public enum Threading {
    /// 0 until `setThreadCount` is called; until then every core.
    private static let ownThreads = Atomic<Int>(0)

    /// Sets how many threads share GEMM blocks and elementwise work.
    public static func setThreadCount(_ n: Int) {
        check(n >= 1, "Threading.setThreadCount: thread count must be at least 1, got \(n)")
        ownThreads.store(n, ordering: .relaxed)
    }

    public static var threadCount: Int {
        let n = ownThreads.load(ordering: .relaxed)
        return n > 0 ? n : ProcessInfo.processInfo.activeProcessorCount
    }

    /// OpenBLAS's own threading sums in an order that depends on its thread count; ours does not.
    private static let oneBLASThread: Void = openblas_set_num_threads(1)

    static func pinBLASToOneThread() { _ = oneBLASThread }

    /// Runs `body(i)` for `i` in `0..<count` on at most `threadCount` threads; each `i` runs exactly once.
    static func parallelBlocks(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threadCount, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: count, by: workers) { box.value(i) }
            }
        }
    }

    /// OpenBLAS's kernel family chosen for this CPU (e.g. "Cooperlake"), for provenance.
    public static var blasCoreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration line, for provenance.
    public static var blasConfig: String { String(cString: openblas_get_config()) }

    public static var blasThreadCount: Int { Int(openblas_get_num_threads()) }

    /// Which GEMM runs the core's products: the kit's AVX-512 kernel or OpenBLAS's (see `sgemm`).
    public static var gemmName: String { GEMMKernel.name }

    /// Below this many elements a split costs more than it saves (measured).
    static let splitThreshold = 1 << 16

    /// Runs `body(start, end)` over `0..<count`, split into at most `threadCount` contiguous chunks.
    static func parallelRange(_ count: Int, _ body: (Int, Int) -> Void) {
        let chunks = count < splitThreshold ? 1 : min(threadCount, count / (splitThreshold / 2))
        if chunks <= 1 { body(0, count); return }
        let size = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let start = c * size
                box.value(start, min(start + size, count))
            }
        }
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
