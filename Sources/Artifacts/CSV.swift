import Foundation

/// The text of a CSV file split into a header and records, before anyone gives the cells a meaning. Both the data
/// sets and the paper's tables are read through it, so the two agree on what a CSV file is.
public struct CSVDocument: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// The physical line (1-based) each record starts on, for messages about its cells.
    public var lines: [Int]

    public init(header: [String], rows: [[String]], lines: [Int]) {
        self.header = header
        self.rows = rows
        self.lines = lines
    }
}

/// Why a CSV text was refused. Readers that know the file prefix its name to `description`.
public enum CSVSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    case notUTF8
    /// `line` is the 1-based physical line; `column` the 1-based cell, named by `columnName` when the header is
    /// known.
    case malformed(line: Int, column: Int?, columnName: String?, reason: String)

    public var description: String {
        switch self {
        case .notUTF8:
            return "not UTF-8 text"
        case let .malformed(line, column, columnName, reason):
            var place = "line \(line)"
            if let column { place += ", column \(column)" + (columnName.map { " (\($0))" } ?? "") }
            return "\(place): \(reason)"
        }
    }
}

extension CSVDocument {
    /// A strict RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside written as
    /// two), LF or CRLF line ends, a final line end optional. The first record is the header. Anything else — a
    /// record with the wrong number of cells, a quote inside an unquoted field, text after a closing quote, an
    /// unterminated quote, an empty or repeated header name, a blank line — is an error naming line and column.
    /// A UTF-8 byte-order mark (spreadsheet exports write one) is dropped, so it never becomes part of the first
    /// column's name.
    public static func parse(_ data: Data) throws(CSVSyntaxError) -> CSVDocument {
        guard String(data: data, encoding: .utf8) != nil else { throw .notUTF8 }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var tokenizer = Tokenizer()
        let (records, starts) = try tokenizer.records(of: bytes)
        guard let header = records.first else {
            throw .malformed(line: 1, column: nil, columnName: nil, reason: "empty file: no header row")
        }
        var seen: Set<String> = []
        for (index, name) in header.enumerated() {
            guard !name.isEmpty else {
                throw .malformed(line: 1, column: index + 1, columnName: nil, reason: "empty column name")
            }
            guard seen.insert(name).inserted else {
                throw .malformed(line: 1, column: index + 1, columnName: name, reason: "column name \(name) appears twice")
            }
        }
        for (row, start) in zip(records.dropFirst(), starts.dropFirst()) where row.count != header.count {
            throw .malformed(line: start, column: min(row.count, header.count) + 1,
                             columnName: row.count < header.count ? header[row.count] : nil,
                             reason: "ragged row: \(row.count) cells, the header has \(header.count)")
        }
        return CSVDocument(header: header, rows: Array(records.dropFirst()), lines: Array(starts.dropFirst()))
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) throws(CSVSyntaxError) -> CSVDocument {
        try parse(Data(text.utf8))
    }
}

/// The byte-level state machine: records and the line each starts on.
private struct Tokenizer {
    var records: [[String]] = []
    var starts: [Int] = []
    var record: [String] = []
    var field: [UInt8] = []
    var line = 1, recordLine = 1
    var quoted = false          // inside a quoted field
    var wasQuoted = false       // the current field was quoted and is closed
    var wasQuotedEmpty = false  // the record is one quoted empty field (not a blank line)

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"),
                       cr = UInt8(ascii: "\r")

    mutating func records(of bytes: [UInt8]) throws(CSVSyntaxError) -> ([[String]], [Int]) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == Self.quote {
                    if i + 1 < bytes.count, bytes[i + 1] == Self.quote { field.append(Self.quote); i += 2; continue }
                    quoted = false
                    wasQuoted = true
                } else {
                    if b == Self.lf { line += 1 }
                    field.append(b)
                }
                i += 1
                continue
            }
            switch b {
            case Self.quote:
                guard field.isEmpty, !wasQuoted else { throw failure("a double quote inside an unquoted field") }
                quoted = true
            case Self.comma:
                endField()
            case Self.cr:
                guard i + 1 < bytes.count, bytes[i + 1] == Self.lf else {
                    throw failure("a carriage return not followed by a line feed")
                }
            case Self.lf:
                wasQuotedEmpty = wasQuoted && field.isEmpty && record.isEmpty
                endField()
                try endRecord()
                line += 1
                recordLine = line
            default:
                if wasQuoted { throw failure("text after a closing double quote") }
                field.append(b)
            }
            i += 1
        }
        if quoted {
            line = recordLine
            throw failure("a quoted field is not closed before the end of the file")
        }
        if !field.isEmpty || wasQuoted || !record.isEmpty {
            wasQuotedEmpty = wasQuoted && field.isEmpty && record.isEmpty
            endField()
            try endRecord()
        }
        return (records, starts)
    }

    private func failure(_ reason: String) -> CSVSyntaxError {
        let column = record.count + 1
        let name = records.first.flatMap { column <= $0.count ? $0[column - 1] : nil }
        return .malformed(line: line, column: column, columnName: name, reason: reason)
    }

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        wasQuoted = false
    }

    private mutating func endRecord() throws(CSVSyntaxError) {
        if record.count == 1, record[0].isEmpty, !wasQuotedEmpty {
            throw .malformed(line: recordLine, column: nil, columnName: nil,
                             reason: "blank line (every record needs its cells)")
        }
        records.append(record)
        starts.append(recordLine)
        record.removeAll(keepingCapacity: true)
    }
}
