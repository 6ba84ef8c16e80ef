import Artifacts
import Foundation

/// A table of results, written as `<id>.md` (a GitHub-flavoured pipe table to read) and `<id>.json` (the same
/// numbers, structured, for `report diff`). Cells carry numbers, not pre-formatted strings, so the best value of
/// each column can be found and the JSON keeps full precision.
public struct ResultTable: Codable, Equatable, Sendable {
    /// Kebab-case id: the file name and the `@tbl:<id>` reference target.
    public var id: String
    public var caption: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// Decimals for numbers in columns that do not set their own.
    public var decimals: Int

    public init(id: String, caption: String, columns: [Column], rows: [[Cell]] = [], decimals: Int = 3) {
        self.id = id
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.decimals = decimals
    }

    /// Appends a row; it must have one cell per column by the time the table is rendered.
    public mutating func append(_ row: [Cell]) {
        rows.append(row)
    }

    /// Which way a column's values improve, so its best value can be set in bold.
    public enum Ranking: String, Codable, Sendable {
        case higherIsBetter
        case lowerIsBetter
        /// No best value is marked (labels, counts, quantities without a direction).
        case unranked
    }

    /// Horizontal alignment in the Markdown table.
    public enum Alignment: String, Codable, Sendable {
        case left, center, right
    }

    public struct Column: Codable, Equatable, Sendable {
        /// The header text.
        public var name: String
        public var ranking: Ranking
        public var alignment: Alignment
        /// Overrides the table's `decimals` for this column.
        public var decimals: Int?

        public init(_ name: String, ranking: Ranking = .unranked, alignment: Alignment = .left, decimals: Int? = nil) {
            self.name = name
            self.ranking = ranking
            self.alignment = alignment
            self.decimals = decimals
        }
    }

    /// One cell. Only the measured value of `value` and `compared` (ours, never the paper's) competes for best.
    public enum Cell: Equatable, Sendable, ExpressibleByStringLiteral {
        /// Plain text such as a model or data set name.
        case text(String)
        /// Our measured value, rendered `0.795 ± 0.002`.
        case value(Summary)
        /// Our value with the paper's beside it, rendered `0.795 ± 0.002 (paper 0.790 ± 0.003)`;
        /// `ours` is nil when the paper has a number we did not produce.
        case compared(ours: Summary?, paper: Summary)
        /// No value, rendered `—`.
        case missing

        public init(stringLiteral value: String) {
            self = .text(value)
        }

        /// Our mean, if this cell has one that can compete for best.
        var ours: Double? {
            switch self {
            case let .value(summary): summary.mean.isFinite ? summary.mean : nil
            case let .compared(summary?, _): summary.mean.isFinite ? summary.mean : nil
            default: nil
            }
        }
    }
}

// MARK: - Markdown

extension ResultTable {
    /// The GitHub-flavoured Markdown pipe table (caption excluded: it lives in the JSON, where the report finds it).
    /// The best value of each ranked column is bold; values that tie at the printed precision are all bold.
    public func markdown() throws -> String {
        try validate()
        let best = bestRows()
        var lines: [String] = []
        lines.append("| " + columns.map { escape($0.name) }.joined(separator: " | ") + " |")
        lines.append("|" + columns.map { column in
            switch column.alignment {
            case .left: "---"
            case .center: ":---:"
            case .right: "---:"
            }
        }.joined(separator: "|") + "|")
        for (rowIndex, row) in rows.enumerated() {
            let cells = row.enumerated().map { columnIndex, cell in
                render(cell, decimals: decimals(of: columnIndex), bold: best[columnIndex].contains(rowIndex))
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `<id>.md` and `<id>.json` into `directory` (usually `reports/runs/<chapter>/tables`), atomically.
    public func write(to directory: URL) throws {
        let markdown = try markdown()
        let json = try jsonText()
        try asKitError {
            try AtomicFile.write(markdown, to: directory.appendingPathComponent("\(id).md"))
            try AtomicFile.write(json, to: directory.appendingPathComponent("\(id).json"))
        }
    }

    /// The structured form: sorted keys, two-space indents, full-precision numbers.
    public func jsonText() throws -> String {
        try validate()
        return try asKitError { try JSONValue(encoding: self).canonicalText(pretty: true) } + "\n"
    }

    /// Reads a table back from the JSON written by `write(to:)`.
    public static func read(from url: URL) throws -> ResultTable {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw KitError.fileSystem(path: url.path, operation: "read", reason: reason(error))
        }
        do {
            return try JSONDecoder().decode(ResultTable.self, from: data)
        } catch {
            throw KitError.fileSystem(path: url.path, operation: "decode table from", reason: describe(error))
        }
    }

    func validate() throws {
        do {
            try validateIdentifier(id, kind: "table")
        } catch {
            throw KitError.invalidTable(id: id, reason: describe(error))
        }
        guard !columns.isEmpty else { throw KitError.invalidTable(id: id, reason: "no columns") }
        for (index, row) in rows.enumerated() where row.count != columns.count {
            throw KitError.invalidTable(
                id: id, reason: "row \(index + 1) has \(row.count) cells but there are \(columns.count) columns")
        }
        for (index, column) in columns.enumerated() {
            if let decimals = column.decimals, !(0 ... 15).contains(decimals) {
                throw KitError.invalidTable(id: id, reason: "column \(index + 1) asks for \(decimals) decimals")
            }
        }
        guard (0 ... 15).contains(decimals) else {
            throw KitError.invalidTable(id: id, reason: "table asks for \(decimals) decimals")
        }
    }

    private func decimals(of column: Int) -> Int {
        columns[column].decimals ?? decimals
    }

    /// For each column, the rows holding its best value. Values are compared as printed, so a reader never sees
    /// one of two identical-looking numbers in bold; a column with fewer than two values marks none.
    private func bestRows() -> [Set<Int>] {
        columns.enumerated().map { columnIndex, column in
            let places = decimals(of: columnIndex)
            let candidates = rows.enumerated().compactMap { rowIndex, row -> (row: Int, value: Double)? in
                guard let mean = row[columnIndex].ours else { return nil }
                return (rowIndex, Double(formatFixed(mean, decimals: places))!)
            }
            guard candidates.count >= 2 else { return [] }
            let target: Double
            switch column.ranking {
            case .unranked: return []
            case .higherIsBetter: target = candidates.map(\.value).max()!
            case .lowerIsBetter: target = candidates.map(\.value).min()!
            }
            return Set(candidates.filter { $0.value == target }.map(\.row))
        }
    }

    private func render(_ cell: Cell, decimals: Int, bold: Bool) -> String {
        func number(_ summary: Summary) -> String {
            var text = formatFixed(summary.mean, decimals: decimals)
            if let std = summary.std { text += " ± " + formatFixed(std, decimals: decimals) }
            return text
        }
        func emphasized(_ text: String) -> String { bold ? "**\(text)**" : text }
        switch cell {
        case let .text(text): return escape(text)
        case let .value(summary): return emphasized(number(summary))
        case let .compared(ours, paper):
            let left = ours.map { emphasized(number($0)) } ?? "—"
            return "\(left) (paper \(number(paper)))"
        case .missing: return "—"
        }
    }

    /// Pipes would end the cell and newlines the row; both are kept as text.
    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
    }
}

/// Fixed-point text with a chosen number of decimals, in the C locale (always a `.`), and never `-0.000`.
public func formatFixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
    let text = String(format: "%.\(decimals)f", value)
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
        return String(text.dropFirst())
    }
    return text
}

// MARK: - Cell coding

extension ResultTable.Cell: Codable {
    private enum CodingKeys: String, CodingKey {
        case ours, paper
    }

    /// Plain JSON shapes so `report diff` and other readers need no knowledge of Swift's enum encoding: text is a
    /// string, missing is `null`, a value is `{"mean", "std", "n"}`, a comparison is `{"ours", "paper"}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .text(text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case let .value(summary):
            try summary.encode(to: encoder)
        case let .compared(ours, paper):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ours, forKey: .ours)
            try container.encode(paper, forKey: .paper)
        case .missing:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .missing
                return
            }
            if let text = try? container.decode(String.self) {
                self = .text(text)
                return
            }
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.paper) {
            self = .compared(ours: try container.decodeIfPresent(Summary.self, forKey: .ours),
                             paper: try container.decode(Summary.self, forKey: .paper))
        } else {
            self = .value(try Summary(from: decoder))
        }
    }
}
