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

/// A strict RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside written as
/// two), LF or CRLF line ends, a final line end optional. The first record is the header. Anything else — a
/// record with the wrong number of cells, a quote inside an unquoted field, text after a closing quote, an
/// unterminated quote, an empty or repeated header name, a blank line — is an error naming file, line and column.
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
        guard String(data: data, encoding: .utf8) != nil else {
            throw DataError.unreadable(file: file, reason: "not UTF-8 text")
        }
        let bytes = [UInt8](data)
        var records: [[String]] = []
        var starts: [Int] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = 0
        var quoted = false        // inside a quoted field
        var wasQuoted = false     // the current field was quoted and is closed
        var wasQuotedEmpty = false // the record is one quoted empty field (not a blank line)
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

        func fail(_ reason: String) -> DataError {
            let header = records.first
            let column = record.count + 1
            let name = header.flatMap { column <= $0.count ? $0[column - 1] : nil }
            return .csv(file: file, line: line, column: column, columnName: name, reason: reason)
        }
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() throws {
            if record.count == 1, record[0].isEmpty, !wasQuotedEmpty {
                throw DataError.csv(file: file, line: recordLine, column: nil, columnName: nil,
                                    reason: "blank line (every record needs its cells)")
            }
            records.append(record)
            starts.append(recordLine)
            record.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == quote {
                    if i + 1 < bytes.count, bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    quoted = false
                    wasQuoted = true
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case quote:
                guard field.isEmpty, !wasQuoted else { throw fail("a double quote inside an unquoted field") }
                quoted = true
            case comma:
                endField()
            case cr:
                guard i + 1 < bytes.count, bytes[i + 1] == lf else { throw fail("a carriage return not followed by a line feed") }
            case lf:
                wasQuotedEmpty = wasQuoted && field.isEmpty && record.isEmpty
                endField()
                try endRecord()
                line += 1
                recordLine = line
            default:
                if wasQuoted { throw fail("text after a closing double quote") }
                field.append(b)
            }
            i += 1
        }
        if quoted {
            throw DataError.csv(file: file, line: recordLine, column: record.count + 1,
                                columnName: records.first.flatMap { record.count < $0.count ? $0[record.count] : nil },
                                reason: "a quoted field is not closed before the end of the file")
        }
        if !field.isEmpty || wasQuoted || !record.isEmpty {
            wasQuotedEmpty = wasQuoted && field.isEmpty && record.isEmpty
            endField()
            try endRecord()
        }
        guard let header = records.first else {
            throw DataError.csv(file: file, line: 1, column: nil, columnName: nil, reason: "empty file: no header row")
        }
        var seen: Set<String> = []
        for (index, name) in header.enumerated() {
            guard !name.isEmpty else {
                throw DataError.csv(file: file, line: 1, column: index + 1, columnName: nil, reason: "empty column name")
            }
            guard seen.insert(name).inserted else {
                throw DataError.csv(file: file, line: 1, column: index + 1, columnName: name,
                                    reason: "column name \(name) appears twice")
            }
        }
        for (row, start) in zip(records.dropFirst(), starts.dropFirst()) where row.count != header.count {
            throw DataError.csv(file: file, line: start, column: min(row.count, header.count) + 1,
                                columnName: row.count < header.count ? header[row.count] : nil,
                                reason: "ragged row: \(row.count) cells, the header has \(header.count)")
        }
        return CSVTable(file: file, header: header, rows: Array(records.dropFirst()), lines: Array(starts.dropFirst()))
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
