import Foundation

/// A supervised table encoded for models: numeric features as numbers, categorical features as integer codes,
/// and the target (class index or value). Columns are stored column-major, as models and evaluators scan them.
///
/// Category levels are fixed once for the whole data set (sorted), so codes mean the same in every split and in
/// every synthetic sample.
public struct TabularFrame: Codable, Equatable, Sendable {
    public var task: PredictionTask
    public var numericNames: [String]
    public var categoricalNames: [String]
    public var targetName: String
    /// The levels of each categorical feature; a code indexes into its feature's levels.
    public var levels: [[String]]
    /// The class names of a classification target (empty for regression); a label indexes into them.
    public var classNames: [String]
    /// `numeric[feature][row]`.
    public var numeric: [[Double]]
    /// `categorical[feature][row]`, codes in `0..<levels[feature].count`.
    public var categorical: [[Int]]
    /// The target: class index (as a whole number) for classification, the value for regression.
    public var y: [Double]

    public init(task: PredictionTask, numericNames: [String], categoricalNames: [String], targetName: String,
                levels: [[String]], classNames: [String], numeric: [[Double]], categorical: [[Int]], y: [Double]) {
        self.task = task
        self.numericNames = numericNames
        self.categoricalNames = categoricalNames
        self.targetName = targetName
        self.levels = levels
        self.classNames = classNames
        self.numeric = numeric
        self.categorical = categorical
        self.y = y
    }

    public var rowCount: Int { y.count }
    public var isClassification: Bool { task != .regression }
    /// The class labels (classification only).
    public var labels: [Int] { y.map { Int($0) } }
    /// The number of classes (0 for regression).
    public var classCount: Int { classNames.count }
    /// Category counts per categorical feature.
    public var cardinalities: [Int] { levels.map(\.count) }

    /// Encodes a table whose schema names a target and a task. Levels and class names are sorted.
    public init(_ table: Table) throws {
        let schema = table.schema
        guard let targetName = schema.target, let task = schema.task else {
            throw DataError.schema(file: table.file, reason: "a tabular experiment needs a target and a task in the schema")
        }
        self.task = task
        self.targetName = targetName
        numericNames = schema.numericFeatures
        categoricalNames = schema.categoricalFeatures
        numeric = numericNames.map { table.column($0)!.numbers! }
        var levels: [[String]] = []
        var codes: [[Int]] = []
        for name in categoricalNames {
            let values = table.column(name)!.strings!
            let sorted = Array(Set(values)).sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            levels.append(sorted)
            codes.append(values.map { index[$0]! })
        }
        self.levels = levels
        categorical = codes
        if task == .regression {
            classNames = []
            y = table.column(targetName)!.numbers!
        } else {
            let values = table.column(targetName)!.strings!
            classNames = Array(Set(values)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
            y = values.map { Double(index[$0]!) }
        }
    }

    /// The rows at `indices`, in that order, with the same levels and classes.
    public func rows(_ indices: [Int]) -> TabularFrame {
        var copy = self
        copy.numeric = numeric.map { column in indices.map { column[$0] } }
        copy.categorical = categorical.map { column in indices.map { column[$0] } }
        copy.y = indices.map { y[$0] }
        return copy
    }

    /// A frame with the same columns and levels holding other rows (for example a synthetic sample).
    public func replacingRows(numeric: [[Double]], categorical: [[Int]], y: [Double]) -> TabularFrame {
        var copy = self
        copy.numeric = numeric
        copy.categorical = categorical
        copy.y = y
        return copy
    }

    /// This frame's rows followed by `other`'s (same columns and levels).
    public func appending(_ other: TabularFrame) -> TabularFrame {
        var copy = self
        copy.numeric = zip(numeric, other.numeric).map { $0 + $1 }
        copy.categorical = zip(categorical, other.categorical).map { $0 + $1 }
        copy.y = y + other.y
        return copy
    }

    /// How often each class occurs, as fractions (classification only).
    public var classFrequencies: [Double] {
        var counts = [Double](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts.map { $0 / Double(max(rowCount, 1)) }
    }

    /// The rows as CSV text in schema order (numeric features, categorical features, target), numbers written
    /// with up to 10 significant digits.
    public func csvText() -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func number(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.10g", v)
        }
        var lines = [(numericNames + categoricalNames + [targetName]).map(quote).joined(separator: ",")]
        lines.reserveCapacity(rowCount + 1)
        for r in 0..<rowCount {
            var cells = numeric.map { number($0[r]) }
            cells += categorical.indices.map { quote(levels[$0][categorical[$0][r]]) }
            cells.append(isClassification ? quote(classNames[Int(y[r])]) : number(y[r]))
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
