import Artifacts
import Foundation

/// A CSV file as text cells: a header row and records of exactly as many cells.
public struct CSVTable: Equatable, Sendable {
    /// The file the table came from, for messages.
    public var file: String
    public var header: [String]
    public var rows: [[String]]
    /// The physical line (1-based) each record starts on, for messages about its cells.
    public var lines: [Int]

    public init(file: String, header: [String], rows: [[String]], lines: [Int]) {
        self.file = file
        self.header = header
        self.rows = rows
        self.lines = lines
    }
}

/// Reads CSV files with the strict reader of `CSVDocument` (RFC 4180, a byte-order mark dropped), reporting each
/// refusal as a `DataError` that names the file, line and column.
public enum CSVReader {
    public static func read(_ url: URL) throws -> CSVTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, file: url.path)
    }

    public static func parse(_ text: String, file: String) throws -> CSVTable {
        try parse(Data(text.utf8), file: file)
    }

    public static func parse(_ data: Data, file: String) throws -> CSVTable {
        do {
            let document = try CSVDocument.parse(data)
            return CSVTable(file: file, header: document.header, rows: document.rows, lines: document.lines)
        } catch .notUTF8 {
            throw DataError.unreadable(file: file, reason: "not UTF-8 text")
        } catch let .malformed(line, column, columnName, reason) {
            throw DataError.csv(file: file, line: line, column: column, columnName: columnName, reason: reason)
        }
    }
}

extension CSVTable {
    /// The index of the column named `name`.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw DataError.csv(file: file, line: 1, column: nil, columnName: name,
                                reason: "no column named \(name) (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// A column's cells as numbers. Empty cells, text, NaN and infinities are errors naming line and column.
    public func numbers(column index: Int) throws -> [Double] {
        try rows.indices.map { r in
            try Self.number(rows[r][index], file: file, line: lines[r], column: index + 1, name: header[index])
        }
    }

    /// A column's cells as text. Empty cells are errors naming line and column.
    public func strings(column index: Int) throws -> [String] {
        try rows.indices.map { r in
            let cell = rows[r][index]
            guard !cell.isEmpty else {
                throw DataError.csv(file: file, line: lines[r], column: index + 1, columnName: header[index],
                                    reason: "empty cell")
            }
            return cell
        }
    }

    /// One numeric cell, strictly: an optional sign, digits with an optional fraction and exponent.
    static func number(_ cell: String, file: String, line: Int, column: Int, name: String) throws -> Double {
        func fail(_ reason: String) -> DataError {
            .csv(file: file, line: line, column: column, columnName: name, reason: reason)
        }
        if cell.isEmpty { throw fail("empty cell in a numeric column") }
        let lowered = cell.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
        if ["nan", "inf", "infinity"].contains(lowered) { throw fail("\(cell) is not a finite number") }
        guard isDecimal(cell), let value = Double(cell) else {
            throw fail("\"\(cell)\" is not a number in a numeric column")
        }
        guard value.isFinite else { throw fail("\(cell) overflows to infinity") }
        return value
    }

    /// `[+-]? digits [. digits] [(e|E) [+-]? digits]`, with at least one digit before the exponent.
    static func isDecimal(_ cell: String) -> Bool {
        var bytes = cell.utf8[...]
        func digits() -> Int {
            let n = bytes.prefix { $0 >= 48 && $0 <= 57 }.count
            bytes = bytes.dropFirst(n)
            return n
        }
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") { bytes = bytes.dropFirst(); mantissa += digits() }
        guard mantissa > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
