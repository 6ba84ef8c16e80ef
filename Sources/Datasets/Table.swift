import Foundation

/// A time series or any all-numeric table: rows of numbers in file order (chronological for the series the
/// catalog provides).
public struct NumericTable: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[Double]]
    public init(columns: [String], rows: [[Double]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// One column of a typed table.
public enum TableColumn: Equatable, Sendable {
    case numeric([Double])
    case categorical([String])
    /// Time stamps, as written in the file.
    case time([String])

    public var count: Int {
        switch self {
        case let .numeric(v): v.count
        case let .categorical(v), let .time(v): v.count
        }
    }
    public var numbers: [Double]? { if case let .numeric(v) = self { return v }; return nil }
    public var strings: [String]? {
        switch self {
        case .numeric: nil
        case let .categorical(v), let .time(v): v
        }
    }
}

/// A CSV read against its schema: every cell checked for its column's kind, columns in schema order.
public struct Table: Sendable {
    public var schema: Schema
    public var columns: [TableColumn]
    /// The CSV file's path, for messages and manifests.
    public var file: String

    public var rowCount: Int { columns.first?.count ?? 0 }

    public func column(_ name: String) -> TableColumn? {
        schema.names.firstIndex(of: name).map { columns[$0] }
    }

    /// The target column's values as text (classification) — nil for a regression or unsupervised set.
    public var classLabels: [String]? {
        guard let target = schema.target, schema.task != .regression else { return nil }
        return column(target)?.strings
    }

    /// The largest magnitude a numeric cell may have: the kit's tensors are 32-bit floats, which cannot hold more.
    public static let largestMagnitude = Double(Float.greatestFiniteMagnitude)

    /// Reads `csv` and checks it against `schema` (schema.json's columns, in order). Errors name file, line and
    /// column: an empty cell, text in a numeric column, NaN or infinity, a magnitude above `largestMagnitude`.
    public init(csv url: URL, schema: Schema, schemaFile: String = "schema") throws {
        try self.init(csv: CSVReader.read(url), schema: schema, schemaFile: schemaFile)
    }

    public init(csv: CSVTable, schema: Schema, schemaFile: String = "schema") throws {
        try schema.check(header: csv.header, csvFile: csv.file, schemaFile: schemaFile)
        guard !csv.rows.isEmpty else {
            throw DataError.csv(file: csv.file, line: 2, column: nil, columnName: nil, reason: "no data rows")
        }
        self.schema = schema
        self.file = csv.file
        self.columns = try schema.columns.enumerated().map { index, column in
            switch column.kind {
            case .numeric: .numeric(try Self.checkMagnitudes(csv.numbers(column: index), csv: csv, column: index))
            case .categorical: .categorical(try csv.strings(column: index))
            case .time: .time(try csv.strings(column: index))
            }
        }
    }

    static func checkMagnitudes(_ values: [Double], csv: CSVTable, column: Int) throws -> [Double] {
        guard let row = values.firstIndex(where: { Swift.abs($0) > largestMagnitude }) else { return values }
        throw DataError.csv(file: csv.file, line: csv.lines[row], column: column + 1, columnName: csv.header[column],
                            reason: "\(csv.rows[row][column]) is too large: the kit computes in 32-bit floats, which hold "
                                + "magnitudes up to 3.4e38; rescale the column (e.g. divide it by a power of ten)")
    }

    /// The numeric columns (all but time stamps; categorical columns are not allowed) as rows.
    public func numericTable() throws -> NumericTable {
        if let categorical = schema.columns.first(where: { $0.kind == .categorical }) {
            throw DataError.schema(file: file, reason: "column \(categorical.name) is categorical; a numeric table has only numeric (and time) columns")
        }
        let picked = schema.columns.indices.filter { schema.columns[$0].kind == .numeric }
        let values = picked.map { columns[$0].numbers! }
        let rows = (0..<rowCount).map { r in values.map { $0[r] } }
        return NumericTable(columns: picked.map { schema.columns[$0].name }, rows: rows)
    }
}
