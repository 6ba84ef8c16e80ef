import Data
import Dispatch
import Tensor

/// TabDDPM's privacy score (`scripts/resample_privacy.py`, after CTAB-GAN): the Euclidean distance from each
/// synthetic row to its nearest real training row.
///
/// Numeric columns (and the target of a regression task) are min-max scaled by the real data's range;
/// categorical columns (and the class of a classification task) are one-hot vectors divided by √2, so a
/// mismatching category adds exactly 1 to the squared distance. That is computed from code equality directly,
/// without materialising the one-hot vectors. The paper reports the median.
public enum DistanceToClosestRecord {
    /// Rows of real data scanned per block: the block's squared distances stay in L1 cache.
    static let blockSize = 2048
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
        let scaler = MinMaxScaler(fitting: numericColumns(real))
        let scaledReal = scaler.transform(numericColumns(real)), realCodes = categoricalColumns(real)
        let (m, c) = (scaledReal.count, realCodes.count)
        let n = realRows.count, queries = syntheticRows.count
        // Real rows column-major (each block of a column is contiguous), synthetic rows row-major.
        var realNumeric = [Float](repeating: 0, count: m * n), realCategorical = [Int32](repeating: 0, count: c * n)
        for f in 0..<m { for (i, row) in realRows.enumerated() { realNumeric[f * n + i] = Float(scaledReal[f][row]) } }
        for f in 0..<c { for (i, row) in realRows.enumerated() { realCategorical[f * n + i] = Int32(realCodes[f][row]) } }
        let scaledSynthetic = scaler.transform(numericColumns(synthetic)), syntheticCodes = categoricalColumns(synthetic)
        var queryNumeric = [Float](repeating: 0, count: queries * m), queryCategorical = [Int32](repeating: 0, count: queries * c)
        for (i, row) in syntheticRows.enumerated() {
            for f in 0..<m { queryNumeric[i * m + f] = Float(scaledSynthetic[f][row]) }
            for f in 0..<c { queryCategorical[i * c + f] = Int32(syntheticCodes[f][row]) }
        }

        let inputs = UncheckedSendableBox((realNumeric, realCategorical, queryNumeric, queryCategorical))
        var result = [Double](repeating: 0, count: queries)
        let chunk = (queries + threadCount - 1) / threadCount
        result.withUnsafeMutableBufferPointer { out in
            let out = UncheckedSendableBox(out)
            DispatchQueue.concurrentPerform(iterations: threadCount) { t in
                let range = (t * chunk)..<min(queries, (t + 1) * chunk)
                guard !range.isEmpty else { return }
                let (realNumeric, realCategorical, queryNumeric, queryCategorical) = inputs.value
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: blockSize)
                defer { acc.deallocate() }
                realNumeric.withUnsafeBufferPointer { rn in
                    realCategorical.withUnsafeBufferPointer { rc in
                        for q in range {
                            var best = Float.infinity
                            var start = 0
                            while start < n {
                                let width = min(blockSize, n - start)
                                acc.update(repeating: 0, count: width)
                                for f in 0..<m {
                                    let v = queryNumeric[q * m + f], column = rn.baseAddress! + (f * n + start)
                                    for i in 0..<width {
                                        let d = column[i] - v
                                        acc[i] += d * d
                                    }
                                }
                                for f in 0..<c {
                                    let code = queryCategorical[q * c + f], column = rc.baseAddress! + (f * n + start)
                                    for i in 0..<width { acc[i] += column[i] == code ? 0 : 1 }
                                }
                                for i in 0..<width { best = min(best, acc[i]) }
                                start += width
                            }
                            out.value[q] = Double(best).squareRoot()
                        }
                    }
                }
            }
        }
        return result
    }

    /// The median DCR (NumPy's median: the mean of the two middle values for an even count).
    public static func median(synthetic: TabularFrame, real: TabularFrame, seed: UInt64, limit: Int = 50_000) -> Double {
        median(of: distances(synthetic: synthetic, real: real, seed: seed, limit: limit))
    }

    static func median(of values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// All of 0..<count, or `limit` of them drawn without replacement.
    static func sample(_ count: Int, limit: Int, rng: RandomGenerator) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        return Array(rng.permutation(count).prefix(limit))
    }
}
