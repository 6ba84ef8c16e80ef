import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form manifests, caches and the data catalog use.
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
            throw ArtifactError.fileSystem(path: url.path, operation: "open for hashing", reason: reason(error))
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw ArtifactError.fileSystem(path: url.path, operation: "read for hashing", reason: reason(error))
        }
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
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
