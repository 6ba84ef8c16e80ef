import Foundation

/// Why reading or preparing data failed. Every message names the file (and, for a cell, its line and column),
/// and says what to do where there is something to do.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A malformed CSV record or cell. `line` is the 1-based physical line; `column` is 1-based and, when the
    /// header is known, `columnName` names it.
    case csv(file: String, line: Int, column: Int?, columnName: String?, reason: String)
    /// A schema file that cannot be read or does not fit its CSV.
    case schema(file: String, reason: String)
    /// The manifest (data/sources.json) is unreadable or lacks the data set.
    case manifest(file: String, reason: String)
    /// A converted file is not in the cache; `command` prepares it.
    case missing(dataset: String, file: String, command: String)
    /// A file's SHA-256 differs from the manifest's.
    case hashMismatch(dataset: String, file: String, expected: String, actual: String, command: String)
    /// A file could not be read at all.
    case unreadable(file: String, reason: String)
    /// A split that cannot be made (fractions, class sizes).
    case split(reason: String)

    public var description: String {
        switch self {
        case let .csv(file, line, column, columnName, reason):
            var place = "\(file):\(line)"
            if let column { place += ", column \(column)" + (columnName.map { " (\($0))" } ?? "") }
            return "\(place): \(reason)"
        case let .schema(file, reason):
            return "\(file): schema: \(reason)"
        case let .manifest(file, reason):
            return "\(file): \(reason)"
        case let .missing(dataset, file, command):
            return "data set \(dataset) is not prepared: \(file) does not exist; run `\(command)`"
        case let .hashMismatch(dataset, file, expected, actual, command):
            return "data set \(dataset): \(file) has SHA-256 \(actual), data/sources.json expects \(expected); "
                + "the file was changed or is stale: run `\(command)` to rebuild it"
        case let .unreadable(file, reason):
            return "cannot read \(file): \(reason)"
        case let .split(reason):
            return "cannot split: \(reason)"
        }
    }
}
