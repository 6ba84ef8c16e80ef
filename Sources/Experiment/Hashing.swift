import Artifacts
import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form the manifest and the cache use.
public enum SHA256Hex {
    /// The digest of bytes already in memory.
    public static func digest(of data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The digest of a string's UTF-8 bytes.
    public static func digest(of text: String) -> String {
        digest(of: Data(text.utf8))
    }

    /// The digest of a file, read in 1 MiB chunks so multi-gigabyte data sets never sit in memory whole.
    public static func digest(ofFile url: URL) throws -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw KitError.fileSystem(path: url.path, operation: "open for hashing", reason: reason(error))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw KitError.fileSystem(path: url.path, operation: "read for hashing", reason: reason(error))
        }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.Digest.byteCount * 2)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A short human reason for a Foundation or POSIX error (the localized description, without the domain noise).
func reason(_ error: any Error) -> String {
    if let error = error as? KitError { return error.description }
    return (error as NSError).localizedDescription
}

/// A configuration after every default and override has been applied: the value recorded in the manifest, its
/// canonical JSON and that JSON's SHA-256 (`configHash`). Two runs with the same hash ran the same settings.
public struct ResolvedConfig: Equatable, Sendable {
    /// The configuration as JSON, embedded as `config` in the manifest.
    public let value: JSONValue
    /// Canonical JSON text (sorted keys, fixed number spelling); what is hashed.
    public let canonicalJSON: String
    /// SHA-256 hex of `canonicalJSON`.
    public let configHash: String

    public init(_ config: some Encodable) throws {
        (value, canonicalJSON) = try asKitError {
            let value = try JSONValue(encoding: config)
            return (value, try value.canonicalText())
        }
        configHash = SHA256Hex.digest(of: canonicalJSON)
    }
}
