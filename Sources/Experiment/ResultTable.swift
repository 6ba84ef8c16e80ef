import Artifacts
import Foundation

/// How a run writes a `ResultTable`: `<id>.md`, a GitHub-flavoured pipe table to read, beside `<id>.json`, the same
/// numbers structured. Cells carry numbers, not pre-formatted strings, so the best value of each column can be found
/// and the JSON keeps full precision.
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
                guard let mean = ours(row[columnIndex]) else { return nil }
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

    /// Our mean, if this cell has one that can compete for best.
    private func ours(_ cell: Cell) -> Double? {
        switch cell {
        case let .value(summary): summary.mean.isFinite ? summary.mean : nil
        case let .compared(summary?, _): summary.mean.isFinite ? summary.mean : nil
        default: nil
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

    /// Text is shown as written: Markdown's emphasis and code marks are escaped (the report applies inline
    /// Markdown to run tables, for the bold best values), a pipe would end the cell and a newline the row.
    private func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "*", "_", "`", "|": out += "\\\(character)"
            case "\r\n", "\n": out += "<br>"
            default: out.append(character)
            }
        }
        return out
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
