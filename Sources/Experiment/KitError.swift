import Artifacts
/// Every failure the experiment kit reports. Each message names the file, option or table involved, because a
/// chapter run that dies after an hour of training must say exactly what to fix.
public enum KitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A command-line option got a value outside its allowed set.
    case unknownValue(option: String, value: String, allowed: [String])
    /// Reading, writing, renaming or hashing a file failed.
    case fileSystem(path: String, operation: String, reason: String)
    /// A value could not be turned into (or read back from) JSON.
    case encoding(what: String, reason: String)
    /// A result table is malformed (bad id, row length that does not match the columns, …).
    case invalidTable(id: String, reason: String)
    /// An identifier used in a file name is not kebab-case.
    case invalidIdentifier(kind: String, value: String)

    public var description: String {
        switch self {
        case let .unknownValue(option, value, allowed):
            "unknown value '\(value)' for \(option); allowed values: \(allowed.joined(separator: ", "))"
        case let .fileSystem(path, operation, reason):
            "cannot \(operation) \(path): \(reason)"
        case let .encoding(what, reason):
            "cannot encode \(what) as JSON: \(reason)"
        case let .invalidTable(id, reason):
            "table '\(id)': \(reason)"
        case let .invalidIdentifier(kind, value):
            "\(kind) id '\(value)' is not kebab-case (use lowercase letters, digits and '-')"
        }
    }
}

/// Ids become file names and cross-reference targets (`@tbl:<id>`), so they are held to kebab-case.
func validateIdentifier(_ value: String, kind: String) throws {
    let allowed = value.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    guard !value.isEmpty, allowed, value.first != "-", value.last != "-" else {
        throw KitError.invalidIdentifier(kind: kind, value: value)
    }
}

extension KitError {
    /// The same failure as the kit's own error, with the same message.
    init(_ error: ArtifactError) {
        switch error {
        case let .fileSystem(path, operation, reason): self = .fileSystem(path: path, operation: operation, reason: reason)
        case let .encoding(what, reason): self = .encoding(what: what, reason: reason)
        case let .invalid(path, reason): self = .fileSystem(path: path, operation: "decode", reason: reason)
        }
    }
}

/// Runs `body`, which uses the Artifacts library, rethrowing its errors as `KitError` so that every failure the
/// kit reports is one type.
func asKitError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ArtifactError {
        throw KitError(error)
    }
}
