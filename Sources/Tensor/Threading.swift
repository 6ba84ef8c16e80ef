import COpenBLAS
import Dispatch
import Synchronization

/// How many threads the core uses: OpenBLAS's own pool and the splits of our elementwise kernels.
/// Results never depend on it: our kernels split elementwise work only, and reductions run in a fixed order.
public enum Threading {
    /// 0 until `setThreadCount` is called; until then we follow OpenBLAS's own default (all cores).
    private static let ownThreads = Atomic<Int>(0)

    /// Sets OpenBLAS's thread count and the number of chunks our elementwise kernels split into.
    public static func setThreadCount(_ n: Int) {
        check(n >= 1, "Threading.setThreadCount: thread count must be at least 1, got \(n)")
        openblas_set_num_threads(Int32(n))
        ownThreads.store(n, ordering: .relaxed)
    }

    public static var threadCount: Int {
        let n = ownThreads.load(ordering: .relaxed)
        return n > 0 ? n : blasThreadCount
    }

    /// OpenBLAS's kernel family chosen for this CPU (e.g. "Cooperlake"), for provenance.
    public static var blasCoreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration line, for provenance.
    public static var blasConfig: String { String(cString: openblas_get_config()) }

    public static var blasThreadCount: Int { Int(openblas_get_num_threads()) }

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
