import Foundation

/// One numeric time series read from a CSV: a row per time step, a column per feature, nothing missing.
///
/// Sequence models read rows as consecutive steps, so the file is checked strictly before any training: every
/// picked cell must be a finite number (a gap is refused, not filled), and a date column, when named, must rise
/// from row to row. Every refusal is a `DataError` naming the file, line and column.
public struct NumericSeries: Equatable, Sendable {
    public var file: String
    /// The feature columns, in the file's order (or the order asked for).
    public var columns: [String]
    /// One array per row, in file order, one value per column.
    public var rows: [[Double]]
    /// The physical line (1-based) of each row, for messages.
    public var lines: [Int]
    public var dateColumn: String?
    /// The date column's first and last cells, when there is one.
    public var dateRange: ClosedRange<String>?
    /// Columns left out because they hold text (only when the columns were inferred).
    public var skipped: [String]

    /// Reads `table`'s `columns` (default: every column other than `dateColumn` whose first non-empty cell is a
    /// number), checking that `dateColumn`, when given, rises strictly from row to row.
    public init(_ table: CSVTable, columns names: [String]? = nil, dateColumn: String? = nil) throws {
        let file = table.file
        guard !table.rows.isEmpty else {
            throw DataError.csv(file: file, line: 1, column: nil, columnName: nil, reason: "no rows under the header")
        }
        let dateIndex = try dateColumn.map { try table.columnIndex($0) }
        if let dateIndex { try Self.checkOrder(table, column: dateIndex) }

        var picked: [Int]
        skipped = []
        if let names {
            picked = try names.map { name in
                let index = try table.columnIndex(name)
                guard index != dateIndex else {
                    throw DataError.csv(file: file, line: 1, column: index + 1, columnName: name,
                                        reason: "\(name) is the date column; it cannot also be a feature")
                }
                return index
            }
        } else {
            picked = []
            for index in table.header.indices where index != dateIndex {
                let first = table.rows.lazy.map { $0[index] }.first { !$0.isEmpty }
                if let first, CSVTable.isDecimal(first) || Self.isNonFinite(first) {
                    picked.append(index)
                } else {
                    skipped.append(table.header[index])
                }
            }
            guard !picked.isEmpty else {
                throw DataError.csv(file: file, line: 2, column: nil, columnName: nil, reason: "no numeric column (columns: "
                    + table.header.joined(separator: ", ") + (dateColumn.map { "; \($0) is the date column" } ?? "") + ")")
            }
        }
        let values = try picked.map { index in
            do {
                return try table.numbers(column: index)
            } catch let DataError.csv(file, line, column, name, reason) where reason.hasPrefix("empty cell") {
                throw DataError.csv(file: file, line: line, column: column, columnName: name,
                                    reason: "empty cell: a gap in the series (fill it or drop the row; sequence models "
                                        + "read rows as consecutive steps)")
            }
        }
        self.file = file
        self.columns = picked.map { table.header[$0] }
        self.rows = table.rows.indices.map { r in values.map { $0[r] } }
        lines = table.lines
        self.dateColumn = dateColumn
        dateRange = dateIndex.map { table.rows.first![$0]...table.rows.last![$0] }
    }

    /// Reads and checks the CSV file at `url`.
    public static func load(_ url: URL, columns: [String]? = nil, dateColumn: String? = nil) throws -> NumericSeries {
        try FileProblem.checkReadable(url)
        return try NumericSeries(CSVReader.read(url), columns: columns, dateColumn: dateColumn)
    }

    /// "nan" or "inf" cells make a column numeric, so that `numbers(column:)` names them rather than the column
    /// being skipped as text.
    static func isNonFinite(_ cell: String) -> Bool {
        ["nan", "inf", "infinity"].contains(cell.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-")))
    }

    /// Dates rise strictly: numbers compare as numbers, ISO 8601 dates (`YYYY-MM-DD`, optionally with a time) as
    /// text, which is their chronological order; anything else cannot be checked and is refused.
    static func checkOrder(_ table: CSVTable, column index: Int) throws {
        let cells = try table.strings(column: index)
        let name = table.header[index]
        func fail(_ row: Int, _ reason: String) -> DataError {
            .csv(file: table.file, line: table.lines[row], column: index + 1, columnName: name, reason: reason)
        }
        let numeric = cells.allSatisfy(CSVTable.isDecimal)
        if !numeric, let bad = cells.firstIndex(where: { !isISODate($0) }) {
            throw fail(bad, "\"\(cells[bad])\" is neither a number nor an ISO 8601 date (YYYY-MM-DD, optionally with "
                + "hh:mm[:ss]), so the order of the rows cannot be checked")
        }
        for r in cells.indices.dropFirst() {
            let rises = numeric ? Double(cells[r])! > Double(cells[r - 1])! : cells[r] > cells[r - 1]
            guard rises else {
                throw fail(r, "date \(cells[r]) does not come after \(cells[r - 1]) on line \(table.lines[r - 1]): the rows "
                    + "must be in time order with no date twice (sort the file by \(name))")
            }
        }
    }

    static func isISODate(_ cell: String) -> Bool {
        cell.range(of: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"#, options: .regularExpression) != nil
    }
}
