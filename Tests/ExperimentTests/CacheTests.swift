import Foundation
import Testing
@testable import Experiment

private struct Trained: Codable, Equatable {
    var weights: [Double]
    var loss: Double
}

private func key(seed: UInt64 = 0, name: String = "train") throws -> CacheKey {
    try CacheKey(name: name, codeVersion: "v1", config: ["lr": 0.001], inputHashes: ["ab", "cd"], seed: seed)
}

@Test func cacheHitReturnsStoredValueWithoutComputing() throws {
    let cache = ContentCache(directory: try makeTemporaryDirectory())
    var calls = 0
    let first = try cache.cached(key: key()) { calls += 1; return Trained(weights: [1, 2], loss: 0.5) }
    let second = try cache.cached(key: key()) { calls += 1; return Trained(weights: [9], loss: 9) }
    #expect(calls == 1)
    #expect(first == Trained(weights: [1, 2], loss: 0.5))
    #expect(second == first)
    #expect(try contents(of: cache.directory) == ["\(try key().digest).json"])
}

@Test func everyKeyPartChangesTheDigest() throws {
    let base = try key()
    #expect(try key(seed: 1) != base)
    #expect(try key(name: "sample") != base)
    #expect(try CacheKey(name: "train", codeVersion: "v2", config: ["lr": 0.001], inputHashes: ["ab", "cd"],
                         seed: 0) != base)
    #expect(try CacheKey(name: "train", codeVersion: "v1", config: ["lr": 0.01], inputHashes: ["ab", "cd"],
                         seed: 0) != base)
    #expect(try CacheKey(name: "train", codeVersion: "v1", config: ["lr": 0.001], inputHashes: ["ab"],
                         seed: 0) != base)
    #expect(base.digest.count == 64)
    #expect(try key() == base)
}

@Test func corruptCacheFileIsRecomputed() throws {
    let cache = ContentCache(directory: try makeTemporaryDirectory())
    var calls = 0
    _ = try cache.cached(key: key()) { calls += 1; return Trained(weights: [1], loss: 1) }
    try Data(#"{"weights":[1,2"#.utf8).write(to: cache.url(for: key()))  // a torn write
    let value = try cache.cached(key: key()) { calls += 1; return Trained(weights: [3], loss: 3) }
    #expect(calls == 2)
    #expect(value == Trained(weights: [3], loss: 3))
    let reread: Trained? = cache.load(try key())
    #expect(reread == Trained(weights: [3], loss: 3))
}

@Test func cacheKeepsNonFiniteLosses() throws {
    let cache = ContentCache(directory: try makeTemporaryDirectory())
    _ = try cache.cached(key: key()) { Trained(weights: [.infinity], loss: .nan) }
    let value = try cache.cached(key: key()) { Trained(weights: [], loss: 0) }
    #expect(value.loss.isNaN)
    #expect(value.weights == [.infinity])
}

@Test func asyncCacheHitSkipsCompute() async throws {
    let cache = ContentCache(directory: try makeTemporaryDirectory())
    var calls = 0
    for _ in 0 ..< 3 {
        let value = try await cache.cached(key: key()) { () async throws -> Int in calls += 1; return 42 }
        #expect(value == 42)
    }
    #expect(calls == 1)
}
