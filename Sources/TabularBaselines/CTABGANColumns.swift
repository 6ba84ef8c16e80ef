import Datasets
import Foundation
import Tensor

/// Which numeric columns CTAB-GAN(+) encode specially. The reference reads these per data set from a hand-written
/// `columns.json`; `inferred(from:)` is the kit's rule for a table that has none.
public struct CTABGANColumns: Codable, Equatable, Sendable {
    /// A numeric column with point masses (for example the zeros of capital-gain) that get their own one-hot slots.
    public struct Mixed: Codable, Equatable, Sendable {
        public var name: String
        public var specialValues: [Double]
        public init(name: String, specialValues: [Double]) {
            self.name = name
            self.specialValues = specialValues
        }
    }

    public var mixed: [Mixed]
    /// Numeric columns encoded by CTAB-GAN+'s general transform (ignored by CTAB-GAN).
    public var general: [String]
    /// Long-tailed numeric columns, encoded as log x (shifted so the logarithm is defined).
    public var log: [String]
    /// Numeric columns rounded on decoding.
    public var integer: [String]

    public init(mixed: [Mixed] = [], general: [String] = [], log: [String] = [], integer: [String] = []) {
        self.mixed = mixed
        self.general = general
        self.log = log
        self.integer = integer
    }

    /// A value holding at least this share of a column's rows is a point mass.
    static let pointMassShare = 0.1
    /// Columns with fewer distinct values than this are left to the mixture.
    static let minimumDistinct = 10

    /// The kit's rule when nobody listed the columns: a numeric column (the regression target included) with at
    /// least 10 distinct values whose most common value holds at least 10% of the rows and is its minimum or
    /// maximum (a floor such as the zeros of capital-gain, not the peak of a bell) is mixed with that value;
    /// a column whose values are all whole numbers is rounded on decoding; no general or log columns.
    public static func inferred(from frame: TabularFrame) -> CTABGANColumns {
        var columns = CTABGANColumns()
        var named = zip(frame.numericNames, frame.numeric).map { ($0, $1) }
        if !frame.isClassification { named.append((frame.targetName, frame.y)) }
        for (name, values) in named where !values.isEmpty {
            var counts: [Double: Int] = [:]
            for v in values { counts[v, default: 0] += 1 }
            let top = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            if counts.count >= minimumDistinct, Double(top.value) >= pointMassShare * Double(values.count),
               top.key == values.min() || top.key == values.max() {
                columns.mixed.append(Mixed(name: name, specialValues: [top.key]))
            }
            if values.allSatisfy({ $0.rounded() == $0 }) { columns.integer.append(name) }
        }
        return columns
    }

    /// Checks that every name is a numeric column of `frame` (or its regression target) and that no column is
    /// both logged and mixed.
    func validate(against frame: TabularFrame) {
        let known = Set(frame.numericNames + (frame.isClassification ? [] : [frame.targetName]))
        for name in mixed.map(\.name) + general + log + integer {
            check(known.contains(name), "CTAB-GAN columns: \(name) is not a numeric column of the table (numeric: "
                + known.sorted().joined(separator: ", ") + ")")
        }
        for name in log { check(!mixed.contains { $0.name == name }, "CTAB-GAN columns: \(name) is listed both as log and as mixed") }
    }
}
