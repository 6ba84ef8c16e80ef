import Artifacts
import Foundation

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
        let value = try compute()
        try store(value, for: key)
        return value
    }

    /// The asynchronous form of `cached(key:compute:)`, running on the caller's executor.
    nonisolated(nonsending)
    public func cached<Value: Codable>(key: CacheKey, compute: () async throws -> Value) async throws -> Value {
        if let value: Value = load(key) { return value }
        let value = try await compute()
        try store(value, for: key)
        return value
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
