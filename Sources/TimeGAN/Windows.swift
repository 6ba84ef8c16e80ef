import Foundation
import Tensor

/// Data preparation as the reference does it: generated sines, per-feature min-max scaling and overlapping windows.
///
/// Every data set here is a tensor [N, T, D]: N sequences of T steps with D features.
public enum SequenceData {
    /// `count` sequences of `length` steps with `features` sines each, as the reference generates them: feature k
    /// of sequence i is sin(f·t + φ) for t = 0, 1, …, with f, φ ~ U(0, 0.1) drawn per feature and sequence,
    /// then mapped to [0, 1] by (x + 1)/2.
    public static func sines(count: Int, length: Int = 24, features: Int = 5, rng: RandomGenerator) -> Tensor {
        let draws = rng.uniform([count, features, 2], low: 0, high: 0.1).scalars
        var values = [Float](repeating: 0, count: count * length * features)
        for i in 0..<count {
            for k in 0..<features {
                let f = draws[(i * features + k) * 2], phase = draws[(i * features + k) * 2 + 1]
                for t in 0..<length {
                    values[(i * length + t) * features + k] = (sinf(f * Float(t) + phase) + 1) / 2
                }
            }
        }
        return Tensor(values, shape: [count, length, features])
    }

    /// Overlapping windows of `length` consecutive rows with stride 1, in a shuffled order (the reference's
    /// real-data pipeline after its per-column scaling). `rows` are in chronological order, one array per time step.
    public static func windows(rows: [[Float]], length: Int, rng: RandomGenerator) -> Tensor {
        check(rows.count >= length, "windows: \(rows.count) rows are fewer than one window of \(length)")
        let features = rows[0].count
        check(rows.allSatisfy { $0.count == features }, "windows: rows have different lengths")
        let count = rows.count - length + 1
        let order = rng.permutation(count)
        var values: [Float] = []
        values.reserveCapacity(count * length * features)
        for start in order {
            for t in start..<(start + length) { values.append(contentsOf: rows[t]) }
        }
        return Tensor(values, shape: [count, length, features])
    }

    /// `count` distinct indices out of 0..<n, in random order (a partial Fisher–Yates shuffle): the reference's
    /// minibatch, a random permutation cut to the batch size.
    public static func drawWithoutReplacement(_ count: Int, from n: Int, rng: RandomGenerator) -> [Int] {
        let k = Swift.min(count, n)
        var pool = Array(0..<n)
        for i in 0..<k { pool.swapAt(i, i + rng.integer(below: n - i)) }
        return Array(pool[0..<k])
    }

    /// The mean of each sequence's values over time, [N, D] (the input of the reference's PCA and t-SNE plots).
    public static func featureMeans(_ data: Tensor) -> [[Double]] {
        check(data.rank == 3, "featureMeans: data \(data.shape) is not [N, T, D]")
        let (n, t, d) = (data.shape[0], data.shape[1], data.shape[2])
        return data.withBuffer { b in
            (0..<n).map { i in
                (0..<d).map { k in
                    var s = 0.0
                    for j in 0..<t { s += Double(b[(i * t + j) * d + k]) }
                    return s / Double(t)
                }
            }
        }
    }
}
