import Crypto
import Foundation

/// SHA-256 of a file as lowercase hex, read in blocks.
public func sha256Hex(ofFile url: URL) throws -> String {
    guard let handle = try? FileHandle(forReadingFrom: url) else {
        throw DataError.unreadable(file: url.path, reason: "cannot open for hashing")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let block: Data?
        do { block = try handle.read(upToCount: 1 << 20) } catch {
            throw DataError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        guard let block, !block.isEmpty else { break }
        hasher.update(data: block)
    }
    return hex(hasher.finalize())
}

/// SHA-256 of bytes as lowercase hex.
public func sha256Hex(of data: Data) -> String { hex(SHA256.hash(data: data)) }

private func hex(_ digest: SHA256.Digest) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
}
