import Datasets
import Tensor
import Testing
@testable import TabularBaselines

/// Trains a model and draws its sample at `threads` threads, restoring the previous count afterwards.
func atThreadCount<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
    let original = Threading.threadCount
    defer { Threading.setThreadCount(original) }
    Threading.setThreadCount(threads)
    return try body()
}

/// `--threads` must not change a number: each baseline trained and sampled at 1 and at 2 threads gives the same
/// rows to the last bit. Batches of 500 rows through 256-wide layers make the elementwise kernels (split from
/// 65,536 elements) and the GEMMs (blocked from 2²⁰ multiply-adds) share their work between the threads.
@Suite(.serialized) struct ThreadCountTests {
    static let data = skewedFrame(rows: 600)

    @Test func ctganIsBitIdenticalAtOneAndTwoThreads() throws {
        let config = CTGANConfig(steps: 3, batchSize: 500)
        let samples = try [1, 2].map { threads in
            try atThreadCount(threads) { try CTGAN.train(on: Self.data, config: config, seed: 3).sample(count: 600, seed: 4) }
        }
        #expect(samples[0] == samples[1])
        #expect(Set(samples[0].numeric[0]).count > 100)
    }

    @Test func tvaeIsBitIdenticalAtOneAndTwoThreads() throws {
        let config = TVAEConfig(steps: 6, batchSize: 500, compressSizes: [256, 256], decompressSizes: [256, 256])
        let samples = try [1, 2].map { threads in
            try atThreadCount(threads) { try TVAE.train(on: Self.data, config: config, seed: 3).sample(count: 600, seed: 4) }
        }
        #expect(samples[0] == samples[1])
        #expect(Set(samples[0].numeric[0]).count > 100)
    }

    @Test(arguments: [CTABGANConfig.Variant.ctabgan, .ctabganPlus])
    func ctabganIsBitIdenticalAtOneAndTwoThreads(_ variant: CTABGANConfig.Variant) throws {
        let data = ctabganFrame(rows: 600)
        let config = CTABGANConfig(variant: variant, steps: 3, batchSize: 500)
        let samples = try [1, 2].map { threads in
            try atThreadCount(threads) {
                try CTABGAN.train(on: data, config: config, columns: ctabganColumns, seed: 3).sample(count: 600, seed: 4)
            }
        }
        #expect(samples[0] == samples[1])
        #expect(Set(samples[0].numeric[0]).count > 100)
    }

    @Test func smoteIsBitIdenticalAtOneAndTwoThreads() {
        let samples = [1, 2].map { threads in atThreadCount(threads) { SMOTE().sample(from: Self.data, count: 600, seed: 4) } }
        #expect(samples[0] == samples[1])
        #expect(Set(samples[0].numeric[0]).count > 100)
    }
}
