import Foundation

/// What a column holds.
public enum ColumnKind: String, Codable, Sendable {
    case numeric, categorical
    /// A time stamp that orders the rows of a series (not a feature).
    case time
}

/// The learning task of a tabular data set.
public enum PredictionTask: String, Codable, Sendable {
    case binclass, multiclass, regression
}

/// The columns of a data set, their kinds, and (for tabular sets) the target and task; read from schema.json.
///
/// ```json
/// {"columns": [{"name": "age", "kind": "numeric"}, {"name": "income", "kind": "categorical"}],
///  "target": "income", "task": "binclass"}
/// ```
public struct Schema: Codable, Equatable, Sendable {
    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        public var kind: ColumnKind
        public init(name: String, kind: ColumnKind) {
            self.name = name
            self.kind = kind
        }
    }

    public var columns: [Column]
    public var target: String?
    public var task: PredictionTask?

    public init(columns: [Column], target: String? = nil, task: PredictionTask? = nil) {
        self.columns = columns
        self.target = target
        self.task = task
    }

    public var names: [String] { columns.map(\.name) }
    public func kind(of name: String) -> ColumnKind? { columns.first { $0.name == name }?.kind }
    /// The numeric columns other than the target, in schema order.
    public var numericFeatures: [String] { columns.filter { $0.kind == .numeric && $0.name != target }.map(\.name) }
    /// The categorical columns other than the target, in schema order.
    public var categoricalFeatures: [String] { columns.filter { $0.kind == .categorical && $0.name != target }.map(\.name) }

    /// Reads and checks a schema file.
    public static func load(_ url: URL) throws -> Schema {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.schema(file: url.path, reason: "cannot read: \(FileProblem.unreadable(url, error: error))")
        }
        return try decode(data, file: url.path)
    }

    public static func decode(_ data: Data, file: String) throws -> Schema {
        let schema: Schema
        do { schema = try JSONDecoder().decode(Schema.self, from: data) } catch let error as DecodingError {
            throw DataError.schema(file: file, reason: FileProblem.explain(error, in: data))
        } catch {
            throw DataError.schema(file: file, reason: "\(error)")
        }
        try schema.validate(file: file)
        return schema
    }

    /// Names unique and non-empty; target present and of the kind its task needs; task and target together.
    public func validate(file: String) throws {
        func fail(_ reason: String) -> DataError { .schema(file: file, reason: reason) }
        guard !columns.isEmpty else { throw fail("no columns") }
        var seen: Set<String> = []
        for column in columns {
            guard !column.name.isEmpty else { throw fail("a column has an empty name") }
            guard seen.insert(column.name).inserted else { throw fail("column \(column.name) appears twice") }
        }
        switch (target, task) {
        case (nil, nil): break
        case (.some, nil): throw fail("target \(target!) is given without a task (binclass, multiclass or regression)")
        case (nil, .some): throw fail("task \(task!.rawValue) is given without a target")
        case let (.some(target), .some(task)):
            guard let kind = kind(of: target) else { throw fail("target \(target) is not a column") }
            let wanted: ColumnKind = task == .regression ? .numeric : .categorical
            guard kind == wanted else {
                throw fail("target \(target) is \(kind.rawValue), but a \(task.rawValue) task needs a \(wanted.rawValue) target")
            }
        }
    }

    /// Checks that a CSV header has exactly the schema's columns in the schema's order.
    public func check(header: [String], csvFile: String, schemaFile: String) throws {
        guard header == names else {
            let missing = names.filter { !header.contains($0) }, extra = header.filter { !names.contains($0) }
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing from the CSV: \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("not in the schema: \(extra.joined(separator: ", "))") }
            if parts.isEmpty { parts.append("same columns in another order") }
            throw DataError.schema(file: schemaFile, reason: "does not match the header of \(csvFile): " + parts.joined(separator: "; "))
        }
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case let .dataCorrupted(c), let .keyNotFound(_, c), let .typeMismatch(_, c), let .valueNotFound(_, c):
            let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            if case let .keyNotFound(key, _) = error { return "missing key \(path.isEmpty ? "" : path + ".")\(key.stringValue)" }
            return (path.isEmpty ? "" : path + ": ") + c.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
