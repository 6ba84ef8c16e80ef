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
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
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
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
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
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
    _ = try cache.cached(key: key()) { Trained(weights: [.infinity], loss: .nan) }
    let value = try cache.cached(key: key()) { Trained(weights: [], loss: 0) }
    #expect(value.loss.isNaN)
    #expect(value.weights == [.infinity])
}

@Test func asyncCacheHitSkipsCompute() async throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
    var calls = 0
    for _ in 0 ..< 3 {
        let value = try await cache.cached(key: key()) { () async throws -> Int in calls += 1; return 42 }
        #expect(value == 42)
    }
    #expect(calls == 1)
}

@Test func anEditedCacheEntryFailsItsChecksumAndIsRecomputed() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
    var calls = 0
    _ = try cache.cached(key: key()) { calls += 1; return Trained(weights: [1], loss: 0.25) }
    // Valid JSON with a different score: decodes fine, and must not be trusted.
    let url = cache.url(for: try key())
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains("0.25"))
    try text.replacingOccurrences(of: "0.25", with: "0.99").write(to: url, atomically: true, encoding: .utf8)
    let value = try cache.cached(key: key()) { calls += 1; return Trained(weights: [1], loss: 0.25) }
    #expect(calls == 2)
    #expect(value.loss == 0.25)
    // An entry copied to another key's name is caught too.
    try FileManager.default.copyItem(at: url, to: cache.url(for: try key(seed: 9)))
    let other: Trained? = cache.load(try key(seed: 9))
    #expect(other == nil)
    #expect(cache.load(try key()) == Trained(weights: [1], loss: 0.25))
}

@Test func aValueMissingFromTheCacheIsComputedOnceWhenTwoWorkersAskAtOnce() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cache = ContentCache(directory: directory)
    let calls = Counter()
    let values = Counter()
    // Each worker opens the lock file itself, as another process would; the second waits for the first.
    DispatchQueue.concurrentPerform(iterations: 2) { worker in
        let value = try? cache.cached(key: key()) { () -> Trained in
            calls.increment()
            Thread.sleep(forTimeInterval: 0.3)
            return Trained(weights: [Double(worker)], loss: 1)
        }
        if value != nil { values.increment() }
    }
    #expect(calls.value == 1)
    #expect(values.value == 2)
    #expect(try contents(of: directory) == ["\(try key().digest).json"])  // no lock file or temporary left
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
