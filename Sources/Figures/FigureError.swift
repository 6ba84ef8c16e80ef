import Artifacts
/// What went wrong, naming the figure element (`panel 2, line 'D loss'`) so a failing chapter run points at
/// the offending series instead of crashing inside Cairo.
public enum FigureError: Error, Equatable, CustomStringConvertible {
    case emptyData(String)
    case lengthMismatch(String, field: String, expected: Int, actual: Int)
    case nonFinite(String, field: String, index: Int)
    case nonPositiveOnLogScale(String, field: String, index: Int)
    case invalidInput(String, String)
    case renderFailed(String)
    case writeFailed(path: String, reason: String)
    case readFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyData(let location):
            return "\(location): empty data, nothing to plot"
        case let .lengthMismatch(location, field, expected, actual):
            return "\(location): mismatched lengths, \(field) has \(actual) values but \(expected) were expected"
        case let .nonFinite(location, field, index):
            return "\(location): \(field)[\(index)] is NaN or infinite"
        case let .nonPositiveOnLogScale(location, field, index):
            return "\(location): \(field)[\(index)] is not positive, which a log scale cannot show"
        case let .invalidInput(location, problem):
            return "\(location): \(problem)"
        case .renderFailed(let reason):
            return "rendering failed: \(reason)"
        case let .writeFailed(path, reason):
            return "writing \(path) failed: \(reason)"
        case let .readFailed(path, reason):
            return "reading \(path) failed: \(reason)"
        }
    }
}

/// Runs an atomic write, reporting file-system failures as `writeFailed` so a figure's callers catch one error
/// type; errors thrown by the renderers inside `body` pass through unchanged.
func writingAtomically(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let ArtifactError.fileSystem(path, operation, reason) {
        throw FigureError.writeFailed(path: path, reason: "\(operation): \(reason)")
    }
}
