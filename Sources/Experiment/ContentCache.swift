import Artifacts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a cached result depends on. Its SHA-256 names the cache file, so a change to any part — code, settings,
/// data or seed — misses the cache instead of returning a stale value.
public struct CacheKey: Equatable, Sendable, CustomStringConvertible {
    /// SHA-256 hex of the canonical JSON of all parts.
    public let digest: String

    /// - Parameters:
    ///   - name: what is computed (`"train-tabddpm"`), so two computations with equal settings do not collide.
    ///   - codeVersion: bump when the code producing the value changes meaningfully (e.g. `"tabddpm-v2"`).
    ///   - config: the settings the value depends on (not necessarily the whole run's configuration).
    ///   - inputHashes: SHA-256 of every input file, in a fixed order.
    ///   - seed: the random seed of the computation.
    public init(name: String, codeVersion: String, config: some Encodable, inputHashes: [String] = [],
                seed: UInt64) throws {
        let text = try asKitError {
            try JSONValue.object([
                "name": .string(name),
                "code": .string(codeVersion),
                "config": JSONValue(encoding: config),
                "inputs": .array(inputHashes.map(JSONValue.string)),
                "seed": .string(String(seed)),
            ]).canonicalText()
        }
        digest = SHA256Hex.digest(of: text)
    }

    public var description: String { digest }
}

/// A directory of computed results addressed by `CacheKey`, so re-running a chapter skips work whose inputs did
/// not change. Files are written atomically; a file that does not decode (a crash before this kit, disk trouble,
/// a changed result type) is treated as absent and recomputed.
///
/// Each file starts with a line holding the SHA-256 of its key and value, so a value edited by hand (or a file
/// copied to another key's name) is noticed and recomputed rather than published as if computed.
///
/// Several processes may share one cache (the cells of a chapter run as parallel jobs, on one machine or on a
/// cluster's shared folder): a value missing from the cache is computed under a lock on its key, so a second process
/// that needs it waits and then reads it instead of computing it again.
public struct ContentCache: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Where the value for `key` lives.
    public func url(for key: CacheKey) -> URL {
        directory.appendingPathComponent("\(key.digest).json")
    }

    /// The stored value for `key` if there is a readable one; otherwise computes it, stores it and returns it.
    public func cached<Value: Codable>(key: CacheKey, compute: () throws -> Value) throws -> Value {
        if let value: Value = load(key) { return value }
        let lock = KeyLock(url: lockURL(for: key))
        defer { lock.release() }
        if let value: Value = load(key) { return value }
        let value = try compute()
        try store(value, for: key)
        return value
    }

    /// The asynchronous form of `cached(key:compute:)`, running on the caller's executor.
    nonisolated(nonsending)
    public func cached<Value: Codable>(key: CacheKey, compute: () async throws -> Value) async throws -> Value {
        if let value: Value = load(key) { return value }
        let lock = KeyLock(url: lockURL(for: key))
        defer { lock.release() }
        if let value: Value = load(key) { return value }
        let value = try await compute()
        try store(value, for: key)
        return value
    }

    /// The hidden lock file beside the value's file; `RunOutputs` leaves it alone (only `.*.tmp` files are swept).
    func lockURL(for key: CacheKey) -> URL {
        directory.appendingPathComponent(".\(key.digest).lock")
    }

    /// The stored value, or nil when it is missing, fails its checksum or does not decode (both reported on
    /// standard error).
    public func load<Value: Decodable>(_ key: CacheKey) -> Value? {
        let url = url(for: key)
        guard let data = try? Data(contentsOf: url) else { return nil }
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")),
              String(decoding: data[..<newline], as: UTF8.self) == Self.checksum(key, data[(newline + 1)...])
        else {
            printToStandardError("cache: \(url.path) does not match its checksum (edited or damaged); recomputing\n")
            return nil
        }
        do {
            return try Self.decoder.decode(Value.self, from: data[(newline + 1)...])
        } catch {
            printToStandardError("cache: ignoring unreadable \(url.path) (\(describe(error))); recomputing\n")
            return nil
        }
    }

    /// Stores `value` under `key` after its checksum line, replacing any previous file atomically.
    public func store<Value: Encodable>(_ value: Value, for key: CacheKey) throws {
        let payload: Data
        do {
            payload = try Self.encoder.encode(value)
        } catch {
            throw KitError.encoding(what: "cached \(Value.self) for \(url(for: key).path)", reason: describe(error))
        }
        let data = Data((Self.checksum(key, payload) + "\n").utf8) + payload
        try asKitError { try AtomicFile.write(data, to: url(for: key)) }
    }

    /// The SHA-256 of the key's digest and the value's bytes.
    private static func checksum(_ key: CacheKey, _ payload: Data) -> String {
        SHA256Hex.digest(of: Data((key.digest + "\n").utf8) + payload)
    }

    // Diverged losses are NaN; the cache must hold them rather than refuse the value.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}

/// An exclusive advisory lock (`flock`) on one cache key, taken when created (waiting for another process that holds
/// it) and released by `release()`, which also removes the lock file. A process that dies releases its locks.
///
/// When the lock file cannot be opened (a read-only cache, a file system without locks) the value is computed
/// unlocked: two processes may then both compute it, and the atomic rename of `store` keeps the file whole.
/// Removing the file on release is safe: a process that still waits on the removed file finds the value stored
/// once it gets the lock, and one that arrives later makes a new lock file but finds the value first.
final class KeyLock {
    private let url: URL
    private var descriptor: Int32

    init(url: URL) {
        self.url = url
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        var locked = flock(descriptor, LOCK_EX | LOCK_NB) == 0
        if !locked, errno == EWOULDBLOCK {
            printToStandardError("cache: another process is computing \(url.lastPathComponent.dropFirst().dropLast(5)); waiting for it\n")
            repeat { locked = flock(descriptor, LOCK_EX) == 0 } while !locked && errno == EINTR
        }
        if !locked {
            close(descriptor)
            descriptor = -1
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        unlink(url.path)
        close(descriptor)
        descriptor = -1
    }
}
