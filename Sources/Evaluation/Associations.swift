import Datasets
import Foundation

/// Column-to-column association of a mixed table, as the TabDDPM paper's Figure 8 compares them (the `dython`
/// convention): Pearson's r between numeric columns, the correlation ratio η between a numeric and a categorical
/// column, and Cramér's V (without bias correction) between categorical columns. The target is one more column.
public enum Associations {
    /// Column names (numeric features, categorical features, target) and the symmetric matrix, diagonal 1.
    public static func matrix(_ frame: TabularFrame) -> (names: [String], values: [[Double]]) {
        enum Column { case numeric([Double]), categorical([Int], Int) }
        var columns = frame.numeric.map(Column.numeric)
            + zip(frame.categorical, frame.cardinalities).map { Column.categorical($0, $1) }
        columns.append(frame.isClassification ? .categorical(frame.labels, frame.classCount) : .numeric(frame.y))
        let names = frame.numericNames + frame.categoricalNames + [frame.targetName]
        var values = [[Double]](repeating: [Double](repeating: 1, count: columns.count), count: columns.count)
        for i in columns.indices {
            for j in columns.indices where j > i {
                let v: Double
                switch (columns[i], columns[j]) {
                case let (.numeric(a), .numeric(b)): v = pearson(a, b)
                case let (.numeric(a), .categorical(c, k)), let (.categorical(c, k), .numeric(a)): v = correlationRatio(a, c, k)
                case let (.categorical(a, ka), .categorical(b, kb)): v = cramersV(a, ka, b, kb)
                }
                values[i][j] = v
                values[j][i] = v
            }
        }
        return (names, values)
    }

    /// Pearson's r; 0 when either column is constant.
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = a[i] - ma, db = b[i] - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// η = √(between-category variance / total variance) of `values` grouped by `codes`.
    public static func correlationRatio(_ values: [Double], _ codes: [Int], _ count: Int) -> Double {
        var sums = [Double](repeating: 0, count: count), counts = [Double](repeating: 0, count: count)
        for (v, c) in zip(values, codes) { sums[c] += v; counts[c] += 1 }
        let mean = values.reduce(0, +) / Double(values.count)
        var between = 0.0
        for c in 0..<count where counts[c] > 0 { between += counts[c] * pow(sums[c] / counts[c] - mean, 2) }
        let total = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total > 0 ? (between / total).squareRoot() : 0
    }

    /// Cramér's V = √(χ² / (n · (min(r, c) − 1))) over the categories present.
    public static func cramersV(_ a: [Int], _ ka: Int, _ b: [Int], _ kb: Int) -> Double {
        var table = [Double](repeating: 0, count: ka * kb)
        var rows = [Double](repeating: 0, count: ka), cols = [Double](repeating: 0, count: kb)
        for (x, y) in zip(a, b) { table[x * kb + y] += 1; rows[x] += 1; cols[y] += 1 }
        let n = Double(a.count)
        var chi2 = 0.0
        for x in 0..<ka where rows[x] > 0 {
            for y in 0..<kb where cols[y] > 0 {
                let expected = rows[x] * cols[y] / n
                chi2 += pow(table[x * kb + y] - expected, 2) / expected
            }
        }
        let r = rows.filter { $0 > 0 }.count, c = cols.filter { $0 > 0 }.count
        let k = min(r, c) - 1
        return k > 0 ? (chi2 / (n * Double(k))).squareRoot() : 0
    }

    /// Per-column distance between two frames with the same columns, in `matrix`'s column order: Wasserstein-1
    /// on the real data's min-max scale for numerics, total variation for categories.
    public static func featureDistances(real: TabularFrame, synthetic: TabularFrame) -> [Double] {
        func scaledWasserstein(_ a: [Double], _ b: [Double]) -> Double {
            let lo = a.min() ?? 0, hi = a.max() ?? 0
            return wasserstein(a, b) / (hi > lo ? hi - lo : 1)
        }
        func totalVariation(_ a: [Int], _ b: [Int], _ k: Int) -> Double {
            var pa = [Double](repeating: 0, count: k), pb = [Double](repeating: 0, count: k)
            for c in a { pa[c] += 1 / Double(a.count) }
            for c in b { pb[c] += 1 / Double(b.count) }
            return 0.5 * zip(pa, pb).reduce(0) { $0 + abs($1.0 - $1.1) }
        }
        var out = zip(real.numeric, synthetic.numeric).map(scaledWasserstein)
        out += zip(zip(real.categorical, synthetic.categorical), real.cardinalities).map { totalVariation($0.0, $0.1, $1) }
        out.append(real.isClassification ? totalVariation(real.labels, synthetic.labels, real.classCount)
                                         : scaledWasserstein(real.y, synthetic.y))
        return out
    }

    /// Wasserstein-1 distance between two empirical distributions: ∫|F_a − F_b|.
    public static func wasserstein(_ a: [Double], _ b: [Double]) -> Double {
        let sa = a.sorted(), sb = b.sorted()
        let points = (sa + sb).sorted()
        var i = 0, j = 0, total = 0.0
        for k in 0..<(points.count - 1) {
            let x = points[k]
            while i < sa.count, sa[i] <= x { i += 1 }
            while j < sb.count, sb[j] <= x { j += 1 }
            total += abs(Double(i) / Double(sa.count) - Double(j) / Double(sb.count)) * (points[k + 1] - x)
        }
        return total
    }
}
