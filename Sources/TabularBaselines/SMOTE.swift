import Datasets
import Foundation
import Tensor

/// SMOTE as TabDDPM's baseline runs it (tab-ddpm `smote/sample_smote.py`: imbalanced-learn's SMOTE, or SMOTENC
/// when there are categorical features, keeping only the synthetic rows).
///
/// Within each stratum a new row interpolates a uniformly chosen row x towards one of its k nearest neighbours x'
/// of the same stratum: x + λ(x' − x), λ ~ U[λ₁, λ₂], for every numeric feature. Strata and their sizes:
/// - classification: one stratum per class, sampled in proportion to the training class counts;
/// - regression: y joins the numeric features and is interpolated with them; the strata are y above / not above
///   the median, as the reference binarises y before calling imbalanced-learn.
///
/// Neighbours are found as SMOTENC finds them: numeric features min-max scaled on the training set, each
/// categorical one-hot encoded with value median(per-feature std of the stratum's scaled numerics)/2. A
/// categorical takes the most frequent value among the base row's k neighbours (SMOTENC's rule; ties broken
/// uniformly at random, as recent imbalanced-learn does).
///
/// Numeric columns whose training values are at most 32 distinct integers are snapped to the nearest training
/// value afterwards (tab-ddpm's `round_columns`).
///
/// Cost: exact k-NN by blocked brute force through sgemm, O(Σ n_c²·d) time and O(512·n_c) memory per stratum of
/// n_c rows and d = numerics + one-hot width; then O(count·(k + features)) to build the rows.
public struct SMOTE: Sendable {
    public var neighbours: Int
    /// [λ₁, λ₂]: tab-ddpm tunes `frac_lam_del` and sets λ₁ = δ/2, λ₂ = 1 − δ/2; 0...1 is its default.
    public var lambdaRange: ClosedRange<Double>

    public init(neighbours: Int = 5, lambdaRange: ClosedRange<Double> = 0...1) {
        check(neighbours >= 1, "SMOTE: neighbours must be at least 1, got \(neighbours)")
        self.neighbours = neighbours
        self.lambdaRange = lambdaRange
    }

    /// `count` synthetic rows with the columns, levels and classes of `train`, in random order.
    public func sample(from train: TabularFrame, count: Int, seed: UInt64) -> TabularFrame {
        check(train.rowCount > 0, "SMOTE: the training frame is empty")
        let rng = RandomGenerator(seed: seed)
        let regression = !train.isClassification
        // The interpolated numeric columns: the features, then y for regression.
        let numeric = regression ? train.numeric + [train.y] : train.numeric
        let strata = regression ? Self.medianSplit(train.y) : train.labels
        let strataCount = (strata.max() ?? 0) + 1
        var members = [[Int]](repeating: [], count: strataCount)
        for (row, s) in strata.enumerated() { members[s].append(row) }
        let quotas = Self.proportionalCounts(members.map(\.count), total: count)
        let scaled = MinMaxScaler(fitting: numeric).transform(numeric)

        var outNumeric = [[Double]](repeating: [], count: numeric.count)
        var outCategorical = [[Int]](repeating: [], count: train.categorical.count)
        var outStrata: [Int] = []
        for (s, rows) in members.enumerated() where quotas[s] > 0 {
            let k = min(neighbours, rows.count - 1)
            let nearest = k > 0
                ? Self.nearestNeighbours(Self.searchSpace(rows: rows, scaled: scaled, train: train), k: k)
                : [[Int]](repeating: [], count: rows.count)
            let lambdas = rng.uniform([quotas[s]]).scalars
            for i in 0..<quotas[s] {
                let base = rng.integer(below: rows.count)
                let near = nearest[base]
                let other = near.isEmpty ? base : near[rng.integer(below: near.count)]
                let lambda = lambdaRange.lowerBound + (lambdaRange.upperBound - lambdaRange.lowerBound) * Double(lambdas[i])
                let (a, b) = (rows[base], rows[other])
                for f in numeric.indices { outNumeric[f].append(numeric[f][a] + lambda * (numeric[f][b] - numeric[f][a])) }
                for f in train.categorical.indices {
                    let column = train.categorical[f]
                    outCategorical[f].append(near.isEmpty ? column[a]
                        : Self.mostFrequent(near.map { column[rows[$0]] }, levels: train.levels[f].count, rng: rng))
                }
                outStrata.append(s)
            }
        }

        for f in train.numeric.indices { outNumeric[f] = Self.snapToDiscreteValues(outNumeric[f], training: train.numeric[f]) }
        let y = regression ? outNumeric.removeLast() : outStrata.map(Double.init)
        let order = rng.permutation(y.count)
        return train.replacingRows(numeric: outNumeric.map { c in order.map { c[$0] } },
                                   categorical: outCategorical.map { c in order.map { c[$0] } },
                                   y: order.map { y[$0] })
    }

    /// 1 where y is above its median (NumPy's: the mean of the two middle values for an even count), else 0.
    static func medianSplit(_ y: [Double]) -> [Int] {
        let sorted = y.sorted(), n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        return y.map { $0 > median ? 1 : 0 }
    }

    /// `total` split in proportion to `sizes`, rounding by largest remainder so the parts add up exactly.
    static func proportionalCounts(_ sizes: [Int], total: Int) -> [Int] {
        let all = sizes.reduce(0, +)
        guard all > 0 else { return sizes.map { _ in 0 } }
        let exact = sizes.map { Double($0) * Double(total) / Double(all) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for i in order.prefix(total - counts.reduce(0, +)) { counts[i] += 1 }
        return counts
    }

    /// The stratum's rows in SMOTENC's distance space, row-major [rows.count, d].
    static func searchSpace(rows: [Int], scaled: [[Double]], train: TabularFrame) -> Tensor {
        let stds = scaled.map { column -> Double in
            let values = rows.map { column[$0] }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }.sorted()
        // Without numeric features (where imbalanced-learn refuses SMOTENC) categories count as plain one-hots.
        let median = stds.isEmpty ? 2 : stds.count % 2 == 1 ? stds[stds.count / 2]
            : (stds[stds.count / 2 - 1] + stds[stds.count / 2]) / 2
        let oneHotValue = Float(median / 2)
        let widths = train.levels.map(\.count)
        let d = scaled.count + widths.reduce(0, +)
        var values = [Float](repeating: 0, count: rows.count * d)
        for (i, row) in rows.enumerated() {
            for f in scaled.indices { values[i * d + f] = Float(scaled[f][row]) }
            var offset = scaled.count
            for f in widths.indices {
                values[i * d + offset + train.categorical[f][row]] = oneHotValue
                offset += widths[f]
            }
        }
        return Tensor(values, shape: [rows.count, d])
    }

    /// For each row of `points` ([n, d]) the indices of its `k` nearest other rows by Euclidean distance, nearest
    /// first (ties to the lower index). Squared distances ‖a‖² + ‖b‖² − 2a·b come from one sgemm per block of
    /// query rows, so this is exact up to Float rounding.
    static func nearestNeighbours(_ points: Tensor, k: Int, block: Int = 512) -> [[Int]] {
        let n = points.shape[0]
        let norms = withoutGrad { points.squared().sum(axes: [1]).scalars }
        var result = [[Int]](repeating: [], count: n)
        for start in stride(from: 0, to: n, by: block) {
            let end = min(start + block, n)
            let products = withoutGrad { points.sliced(axis: 0, start..<end).matmul(points, transposeB: true) }
            products.withBuffer { p in
                for q in start..<end {
                    let row = p.baseAddress! + (q - start) * n
                    // The k best so far, sorted by (distance, index).
                    var bestDistance = [Float](), bestIndex = [Int]()
                    bestDistance.reserveCapacity(k + 1); bestIndex.reserveCapacity(k + 1)
                    for j in 0..<n where j != q {
                        let distance = norms[q] + norms[j] - 2 * row[j]
                        if bestIndex.count == k && distance >= bestDistance[k - 1] { continue }
                        var at = bestIndex.count
                        while at > 0 && distance < bestDistance[at - 1] { at -= 1 }
                        bestDistance.insert(distance, at: at); bestIndex.insert(j, at: at)
                        if bestIndex.count > k { bestDistance.removeLast(); bestIndex.removeLast() }
                    }
                    result[q] = bestIndex
                }
            }
        }
        return result
    }

    /// The most frequent of `codes`, a tie broken uniformly at random.
    static func mostFrequent(_ codes: [Int], levels: Int, rng: RandomGenerator) -> Int {
        if codes.count == 1 { return codes[0] }
        var counts = [Int](repeating: 0, count: levels)
        for c in codes { counts[c] += 1 }
        let top = counts.max()!
        let tied = counts.indices.filter { counts[$0] == top }
        return tied.count == 1 ? tied[0] : tied[rng.integer(below: tied.count)]
    }

    /// tab-ddpm's `round_columns`: when the training column holds at most 32 distinct values, all integers, each
    /// value becomes the nearest of them (the lower one on a tie).
    static func snapToDiscreteValues(_ values: [Double], training: [Double]) -> [Double] {
        let distinct = Array(Set(training)).sorted()
        guard distinct.count <= 32, distinct.allSatisfy({ $0 == $0.rounded() }) else { return values }
        return values.map { v in
            var best = distinct[0]
            for candidate in distinct where Swift.abs(candidate - v) < Swift.abs(best - v) { best = candidate }
            return best
        }
    }
}
