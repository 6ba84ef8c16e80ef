import Artifacts
import Foundation

/// SHA-256 of a file as lowercase hex (`SHA256Hex`, streamed), failing as this library's `DataError`.
public func sha256Hex(ofFile url: URL) throws -> String {
    do {
        return try SHA256Hex.digest(ofFile: url)
    } catch let ArtifactError.fileSystem(path, operation, reason) {
        throw DataError.unreadable(file: path, reason: "\(operation): \(reason)")
    }
}

/// SHA-256 of bytes as lowercase hex.
public func sha256Hex(of data: Data) -> String { SHA256Hex.digest(of: data) }
