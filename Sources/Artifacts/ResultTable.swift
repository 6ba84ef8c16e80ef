import Foundation

/// A table of results (`reports/runs/<chapter>/tables/<id>.json`), written beside its Markdown rendering `<id>.md`
/// by the Experiment library; the report reads the JSON for captions and `report diff`. Cells carry numbers, not pre-formatted strings, so the best value of
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

    /// Reads a table back from its JSON file.
    public static func read(from url: URL) throws -> ResultTable {
        try readArtifact(ResultTable.self, from: url)
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
    }
}

/// A measured value as the paper reports it: the mean over `n` runs and their sample standard deviation.
/// `std` and `n` are optional because a paper often prints a bare number.
public struct Summary: Codable, Equatable, Sendable {
    public var mean: Double
    public var std: Double?
    public var n: Int?

    public init(mean: Double, std: Double? = nil, n: Int? = nil) {
        self.mean = mean
        self.std = std
        self.n = n
    }
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
