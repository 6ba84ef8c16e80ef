import Foundation

/// Why writing or encoding an artifact failed. Each message names the path (a file, or a place inside a JSON
/// value) and the operation, so a run that dies after an hour of training says exactly what to fix. Libraries
/// built on this one rethrow it as their own error type with the same facts.
public enum ArtifactError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Creating, writing, flushing or renaming a file failed.
    case fileSystem(path: String, operation: String, reason: String)
    /// A value could not be turned into JSON.
    case encoding(what: String, reason: String)
    /// A file was read but does not follow the contract of `docs/artifacts.md` (not JSON, a field missing or of
    /// the wrong type); `reason` names the field.
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .fileSystem(path, operation, reason):
            "cannot \(operation) \(path): \(reason)"
        case let .encoding(what, reason):
            "cannot encode \(what) as JSON: \(reason)"
        case let .invalid(path, reason):
            "\(path) does not follow docs/artifacts.md: \(reason)"
        }
    }
}

/// Error text for messages: coding errors carry their coding path, which is what the reader needs; errors with
/// their own description (this library's, and its users') keep it.
public func describe(_ error: any Error) -> String {
    switch error {
    case let DecodingError.dataCorrupted(context),
         let DecodingError.keyNotFound(_, context),
         let DecodingError.typeMismatch(_, context),
         let DecodingError.valueNotFound(_, context):
        return located(context.codingPath, context.debugDescription)
    case let EncodingError.invalidValue(_, context):
        return located(context.codingPath, context.debugDescription)
    default:
        return String(describing: error)
    }
}

private func located(_ codingPath: [any CodingKey], _ message: String) -> String {
    let path = codingPath.map(\.stringValue).joined(separator: ".")
    return path.isEmpty ? message : "\(path): \(message)"
}

/// A short human reason for a Foundation or POSIX error (the localized description, without the domain noise).
func reason(_ error: any Error) -> String {
    (error as NSError).localizedDescription
}
