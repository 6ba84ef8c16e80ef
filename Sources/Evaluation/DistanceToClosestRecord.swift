import Datasets
import Dispatch
import Tensor

/// TabDDPM's privacy score (`scripts/resample_privacy.py`, after CTAB-GAN): the Euclidean distance from each
/// synthetic row to its nearest real training row.
///
/// Numeric columns (and the target of a regression task) are min-max scaled by the (sampled) real rows' range, as
/// scikit-learn scales them; categorical columns (and the class of a classification task) are one-hot vectors
/// divided by √2, so a mismatching category adds exactly 1 to the squared distance. That is computed from the
/// codes directly, without materialising the one-hot vectors; distances are summed in single precision, SIMD over
/// real rows. The paper reports the median. `scripts/verify_dcr.py` computes the same definition with scikit-learn
/// for the golden values of the tests.
public enum DistanceToClosestRecord {
    /// Real rows per block: a block of all columns stays in L2 cache while the queries pass over it.
    static let blockSize = 4096
    /// Real rows compared at once (one SIMD vector).
    static let lanes = 8
    static let threadCount = 2

    /// The distance of every synthetic row to its nearest real row. Either side larger than `limit` rows is
    /// first subsampled to `limit` rows without replacement (seeded), as the reference does at 50,000; the result
    /// is then in the order of the sampled synthetic rows, otherwise in the input order. Results do not depend on
    /// how the work is split between threads.
    public static func distances(synthetic: TabularFrame, real: TabularFrame, seed: UInt64, limit: Int = 50_000) -> [Double] {
        precondition(synthetic.numericNames == real.numericNames && synthetic.categoricalNames == real.categoricalNames
                     && synthetic.task == real.task, "DCR: synthetic and real frames have different columns or tasks")
        precondition(real.rowCount > 0, "DCR: the real frame has no rows")
        let rng = RandomGenerator(seed: seed)
        let realRows = sample(real.rowCount, limit: limit, rng: rng.derived(1))
        let syntheticRows = sample(synthetic.rowCount, limit: limit, rng: rng.derived(2))

        // Numeric part: the real frame's range defines the scale for both sides.
        func numericColumns(_ frame: TabularFrame) -> [[Double]] {
            frame.numeric + (frame.isClassification ? [] : [frame.y])
        }
        func categoricalColumns(_ frame: TabularFrame) -> [[Int]] {
            frame.categorical + (frame.isClassification ? [frame.labels] : [])
        }
        let scaler = ReferenceScaler(fitting: numericColumns(real), rows: realRows)
        let scaledReal = scaler.transform(numericColumns(real)), realCodes = categoricalColumns(real)
        let (m, c) = (scaledReal.count, realCodes.count)
        let n = realRows.count, queries = syntheticRows.count
        // Real rows column-major, padded to whole vectors with rows that are infinitely far (numeric +∞) or
        // mismatch every category (code −1; with no numeric column such a row is no nearer than any real one).
        let padded = (n + lanes - 1) / lanes * lanes
        var realNumeric = [Float](repeating: .infinity, count: m * padded)
        var realCategorical = [Float](repeating: -1, count: c * padded)
        for f in 0..<m { for (i, row) in realRows.enumerated() { realNumeric[f * padded + i] = Float(scaledReal[f][row]) } }
        for f in 0..<c { for (i, row) in realRows.enumerated() { realCategorical[f * padded + i] = Float(realCodes[f][row]) } }
        let scaledSynthetic = scaler.transform(numericColumns(synthetic)), syntheticCodes = categoricalColumns(synthetic)
        var queryNumeric = [Float](repeating: 0, count: queries * m), queryCategorical = [Float](repeating: 0, count: queries * c)
        for (i, row) in syntheticRows.enumerated() {
            for f in 0..<m { queryNumeric[i * m + f] = Float(scaledSynthetic[f][row]) }
            for f in 0..<c { queryCategorical[i * c + f] = Float(syntheticCodes[f][row]) }
        }

        let inputs = UncheckedSendableBox((realNumeric, realCategorical, queryNumeric, queryCategorical))
        var squared = [Float](repeating: .infinity, count: queries)
        let chunk = (queries + threadCount - 1) / threadCount
        squared.withUnsafeMutableBufferPointer { out in
            let out = UncheckedSendableBox(out)
            DispatchQueue.concurrentPerform(iterations: threadCount) { t in
                let range = (t * chunk)..<min(queries, (t + 1) * chunk)
                guard !range.isEmpty else { return }
                let (realNumeric, realCategorical, queryNumeric, queryCategorical) = inputs.value
                realNumeric.withUnsafeBufferPointer { rn in
                    realCategorical.withUnsafeBufferPointer { rc in
                        let numeric = UnsafeRawPointer(rn.baseAddress!), categorical = UnsafeRawPointer(rc.baseAddress!)
                        // A block of real rows stays in cache while every query of this thread passes over it.
                        for blockStart in stride(from: 0, to: padded, by: blockSize) {
                            let blockEnd = min(padded, blockStart + blockSize)
                            for first in stride(from: range.lowerBound, to: range.upperBound, by: 4) {
                                // Four queries share each loaded vector (the last group repeats its final query).
                                let last = range.upperBound - 1
                                let q0 = first, q1 = min(first + 1, last), q2 = min(first + 2, last), q3 = min(first + 3, last)
                                var near = (SIMD8<Float>(repeating: .infinity), SIMD8<Float>(repeating: .infinity),
                                            SIMD8<Float>(repeating: .infinity), SIMD8<Float>(repeating: .infinity))
                                for i in stride(from: blockStart, to: blockEnd, by: lanes) {
                                    var a = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                                    for f in 0..<m {
                                        let x = numeric.loadUnaligned(fromByteOffset: (f * padded + i) * 4, as: SIMD8<Float>.self)
                                        let d0 = x - queryNumeric[q0 * m + f], d1 = x - queryNumeric[q1 * m + f]
                                        let d2 = x - queryNumeric[q2 * m + f], d3 = x - queryNumeric[q3 * m + f]
                                        a.0 += d0 * d0; a.1 += d1 * d1; a.2 += d2 * d2; a.3 += d3 * d3
                                    }
                                    for f in 0..<c {
                                        // Codes are whole numbers, so d² is 0 on a match and ≥ 1 otherwise, and
                                        // d² / (d² + 10⁻³⁰) is exactly 0 or 1.
                                        let x = categorical.loadUnaligned(fromByteOffset: (f * padded + i) * 4, as: SIMD8<Float>.self)
                                        let d0 = x - queryCategorical[q0 * c + f], d1 = x - queryCategorical[q1 * c + f]
                                        let d2 = x - queryCategorical[q2 * c + f], d3 = x - queryCategorical[q3 * c + f]
                                        let s0 = d0 * d0, s1 = d1 * d1, s2 = d2 * d2, s3 = d3 * d3
                                        a.0 += s0 / (s0 + 1e-30); a.1 += s1 / (s1 + 1e-30)
                                        a.2 += s2 / (s2 + 1e-30); a.3 += s3 / (s3 + 1e-30)
                                    }
                                    near = (pointwiseMin(near.0, a.0), pointwiseMin(near.1, a.1),
                                            pointwiseMin(near.2, a.2), pointwiseMin(near.3, a.3))
                                }
                                out.value[q0] = min(out.value[q0], near.0.min())
                                out.value[q1] = min(out.value[q1], near.1.min())
                                out.value[q2] = min(out.value[q2], near.2.min())
                                out.value[q3] = min(out.value[q3], near.3.min())
                            }
                        }
                    }
                }
            }
        }
        let result = squared.map { Double($0).squareRoot() }
        return result
    }

    /// The median DCR (NumPy's median: the mean of the two middle values for an even count).
    public static func median(synthetic: TabularFrame, real: TabularFrame, seed: UInt64, limit: Int = 50_000) -> Double {
        median(of: distances(synthetic: synthetic, real: real, seed: seed, limit: limit))
    }

    public static func median(of values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The `levels + 1` quantiles at 0, 1/levels, …, 1, interpolated linearly between order statistics as NumPy's
    /// default does (so the middle one of an even `levels` is the median): a distribution kept in a few numbers.
    public static func quantiles(of values: [Double], levels: Int) -> [Double] {
        precondition(levels > 0, "DCR quantiles: levels must be positive")
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted(), last = Double(sorted.count - 1)
        return (0...levels).map { k in
            let position = last * Double(k) / Double(levels)
            let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
            return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
        }
    }

    /// All of 0..<count, or `limit` of them drawn without replacement.
    static func sample(_ count: Int, limit: Int, rng: RandomGenerator) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return Array(rng.permutation(count).prefix(limit))
    }
}

/// scikit-learn's `MinMaxScaler` as the reference fits it: on the (sampled) real rows only, and a column constant
/// there keeps a scale of 1 instead of collapsing to 0, so a synthetic value off the constant still counts.
struct ReferenceScaler {
    var minimum: [Double]
    var span: [Double]

    init(fitting columns: [[Double]], rows: [Int]) {
        minimum = columns.map { column in rows.map { column[$0] }.min() ?? 0 }
        span = zip(columns, minimum).map { column, low in
            let range = (rows.map { column[$0] }.max() ?? 0) - low
            return range > 0 ? range : 1
        }
    }

    func transform(_ columns: [[Double]]) -> [[Double]] {
        columns.indices.map { f in columns[f].map { ($0 - minimum[f]) / span[f] } }
    }
}
