import Artifacts
import Foundation

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
