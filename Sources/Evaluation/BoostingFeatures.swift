import Datasets
import Tensor

/// Turns a frame into the byte-sized bin codes the trees split on, as CatBoost quantises its inputs.
///
/// - Numeric features: up to `borderCount` borders at quantiles of the training column, each halfway between two
///   distinct training values (every gap when there are few distinct values).
/// - Categorical features with at most `oneHotMaxSize` levels: one 0/1 indicator per level (one in all for two
///   levels), i.e. CatBoost's one-hot splits.
/// - Larger categorical features: ordered target statistics (CatBoost's CTRs). Along one random permutation of
///   the training rows, a row's statistic uses only the rows before it, (Σ target + prior) / (count + 1), so a row
///   never sees its own label; validation and test rows use all training rows. The "target" is, per channel, the
///   indicator of one class (the positive class for a binary task, each class for a multiclass one) with prior
///   `ctrPrior`, or the value itself for regression with the training mean as prior (CatBoost's `Mean` CTR; its
///   CPU default for regression, `Borders` on a binarised target, is not used). Each such feature also gets its
///   category's share of the training rows (CatBoost's `Counter` CTR, which uses no label). The statistics are
///   quantised to `ctrBorderCount` borders. Feature combinations (CatBoost's CTRs over pairs of categoricals
///   chosen while growing trees) are not built.
///
/// Constant inputs (no border) are dropped.
struct BoostingQuantizer: Sendable {
    enum Source: Equatable, Sendable {
        case numeric(Int)
        /// 1 when categorical feature `feature` has code `level`.
        case indicator(feature: Int, level: Int)
        case targetStatistic(feature: Int, channel: Int)
        /// The share of training rows with this row's category (CatBoost's `Counter` CTR).
        case frequency(feature: Int)
    }

    var sources: [Source] = []
    var borders: [[Double]] = []
    /// Per categorical feature that has target statistics: Σ target per (level × channel), and rows per level.
    var sums: [Int: [Double]] = [:]
    var counts: [Int: [Double]] = [:]
    var priors: [Double] = []

    var featureCount: Int { sources.count }

    /// Fits on the training frame and returns its bin codes, feature-major (`bins[f * rows + row]`).
    static func fit(_ frame: TabularFrame, config: BoostingConfig, rng: RandomGenerator) -> (BoostingQuantizer, [UInt8]) {
        var q = BoostingQuantizer()
        let n = frame.rowCount
        let targets = channelTargets(frame)
        q.priors = frame.isClassification ? targets.map { _ in config.ctrPrior } : [frame.y.reduce(0, +) / Double(max(n, 1))]
        var columns: [[Double]] = []
        func add(_ source: Source, _ values: [Double], borderCount: Int) {
            let b = borders(values, maxCount: borderCount)
            guard !b.isEmpty else { return }
            q.sources.append(source)
            q.borders.append(b)
            columns.append(values)
        }
        for (f, column) in frame.numeric.enumerated() { add(.numeric(f), column, borderCount: config.borderCount) }
        let order = rng.permutation(n)
        for (f, codes) in frame.categorical.enumerated() {
            let cardinality = frame.levels[f].count
            if cardinality <= config.oneHotMaxSize {
                for level in (cardinality == 2 ? 1..<2 : 0..<cardinality) {
                    add(.indicator(feature: f, level: level), codes.map { $0 == level ? 1 : 0 }, borderCount: 1)
                }
                continue
            }
            let channels = targets.count
            var sums = [Double](repeating: 0, count: cardinality * channels)
            var counts = [Double](repeating: 0, count: cardinality)
            var values = [[Double]](repeating: [Double](repeating: 0, count: n), count: channels)
            for row in order {
                let code = codes[row]
                for c in 0..<channels {
                    values[c][row] = (sums[code * channels + c] + q.priors[c]) / (counts[code] + 1)
                    sums[code * channels + c] += targets[c][row]
                }
                counts[code] += 1
            }
            q.sums[f] = sums
            q.counts[f] = counts
            for c in 0..<channels { add(.targetStatistic(feature: f, channel: c), values[c], borderCount: config.ctrBorderCount) }
            add(.frequency(feature: f), codes.map { counts[$0] / Double(n) }, borderCount: config.ctrBorderCount)
        }
        return (q, q.quantize(columns))
    }

    /// Bin codes of another frame (validation, test, synthetic) with the training borders and full statistics.
    func bins(_ frame: TabularFrame) -> [UInt8] { quantize(values(frame)) }

    /// The inputs before quantisation, `[feature][row]`, with target statistics over all training rows.
    func values(_ frame: TabularFrame) -> [[Double]] {
        sources.map { source in
            switch source {
            case let .numeric(f):
                return frame.numeric[f]
            case let .indicator(f, level):
                return frame.categorical[f].map { $0 == level ? 1 : 0 }
            case let .targetStatistic(f, c):
                let sums = self.sums[f]!, counts = self.counts[f]!, channels = priors.count
                return frame.categorical[f].map { (sums[$0 * channels + c] + priors[c]) / (counts[$0] + 1) }
            case let .frequency(f):
                let counts = self.counts[f]!, n = counts.reduce(0, +)
                return frame.categorical[f].map { counts[$0] / n }
            }
        }
    }

    /// The bin of each value: how many borders lie below it.
    func quantize(_ columns: [[Double]]) -> [UInt8] {
        let n = columns.first?.count ?? 0
        var out = [UInt8](repeating: 0, count: columns.count * n)
        for (f, column) in columns.enumerated() {
            let b = borders[f]
            for (row, x) in column.enumerated() {
                var lo = 0, hi = b.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if b[mid] < x { lo = mid + 1 } else { hi = mid }
                }
                out[f * n + row] = UInt8(lo)
            }
        }
        return out
    }

    /// Per channel, the quantity a target statistic averages: class indicators, or the regression value.
    static func channelTargets(_ frame: TabularFrame) -> [[Double]] {
        guard frame.isClassification else { return [frame.y] }
        let classes = frame.classCount <= 2 ? [1] : Array(0..<frame.classCount)
        return classes.map { k in frame.labels.map { $0 == k ? 1 : 0 } }
    }

    /// Up to `maxCount` borders at evenly spaced quantiles of `values`, each halfway between the quantile's value and
    /// the next smaller distinct value; every midpoint when there are at most `maxCount + 1` distinct values.
    static func borders(_ values: [Double], maxCount: Int) -> [Double] {
        let sorted = values.sorted()
        var distinct: [Double] = []
        for v in sorted where distinct.last != v { distinct.append(v) }
        guard distinct.count > 1 else { return [] }
        if distinct.count - 1 <= maxCount { return zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 } }
        var result: [Double] = []
        for k in 1...maxCount {
            let v = sorted[k * sorted.count / (maxCount + 1)]
            var lo = 0, hi = distinct.count - 1           // the index of v among the distinct values
            while lo < hi {
                let mid = (lo + hi) / 2
                if distinct[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0 else { continue }
            let border = (distinct[lo - 1] + v) / 2
            if result.last != border { result.append(border) }
        }
        return result
    }
}
