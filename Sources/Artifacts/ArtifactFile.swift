import Foundation

/// A JSON file of the run contract (`results.json`, `manifest.json`, `tables/<id>.json`): written by the chapter
/// programs in one canonical spelling, read back by the report with the same type.
public protocol ArtifactFile: Codable {}

extension ArtifactFile {
    /// The file's text: keys sorted by their UTF-8 bytes, two-space indents, a final newline, so equal values
    /// always give equal bytes.
    public func jsonText() throws -> String {
        try JSONValue(encoding: self).canonicalText(pretty: true) + "\n"
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(jsonText(), to: url)
    }

    /// Reads a file written by `write(to:)`. A missing or unreadable file is `ArtifactError.fileSystem`; one that
    /// does not decode is `ArtifactError.invalid`, naming the field at fault.
    public static func read(from url: URL) throws -> Self {
        try readArtifact(Self.self, from: url)
    }
}

/// Reads and decodes one contract file; see `ArtifactFile.read(from:)`.
func readArtifact<Value: Decodable>(_ type: Value.Type, from url: URL) throws -> Value {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw ArtifactError.fileSystem(path: url.path, operation: "read", reason: reason(error))
    }
    do {
        return try JSONDecoder().decode(Value.self, from: data)
    } catch {
        throw ArtifactError.invalid(path: url.path, reason: describe(error))
    }
}
