import Foundation

/// N sequences of T steps of D features with their masks, as flat row-major Float32 arrays: what an imputation
/// model trains on and is scored with.
///
/// Every per-entry array is `[N][T][D]` (index `(n·T + t)·D + d`); `present` and `times` are `[N][T]`.
/// - `values`: the ground truth where it is known, 0 where it is not (a real gap or padding).
/// - `observed`: 1 where the model may see the value. The model's input is `values · observed`.
/// - `scored`: 1 where imputation is scored: hidden from the model, its truth known. For Healing MNIST that is
///   every missing pixel; for clinical series only the values hidden artificially (real gaps have no truth).
/// - `present`: 1 for a real time step, 0 for padding after a short series.
/// - `times`: each step's time (frame index, or days since the first visit).
public struct SequenceSet: Equatable, Sendable {
    public var count: Int
    public var length: Int
    public var features: Int
    public var values: [Float]
    public var observed: [Float]
    public var scored: [Float]
    public var present: [Float]
    public var times: [Float]
    /// One class per sequence (digit, or outcome 0/1), for the downstream classifier.
    public var labels: [Int]
    public var classes: Int

    public init(count: Int, length: Int, features: Int, values: [Float], observed: [Float], scored: [Float],
                present: [Float], times: [Float], labels: [Int], classes: Int) {
        precondition(values.count == count * length * features && observed.count == values.count
                     && scored.count == values.count, "SequenceSet: entry arrays must be [N][T][D]")
        precondition(present.count == count * length && times.count == present.count, "SequenceSet: step arrays must be [N][T]")
        precondition(labels.count == count, "SequenceSet: one label per sequence")
        self.count = count
        self.length = length
        self.features = features
        self.values = values
        self.observed = observed
        self.scored = scored
        self.present = present
        self.times = times
        self.labels = labels
        self.classes = classes
    }

    /// [N, T, D].
    public var shape: [Int] { [count, length, features] }

    /// The model's input: observed values, 0 elsewhere.
    public var input: [Float] { zip(values, observed).map { $0 * $1 } }

    /// true where the model does not see the entry (GPVAE's `IncompleteSeries` takes `input` and this).
    public var missing: [Bool] { observed.map { $0 == 0 } }

    /// true where imputation is scored (the `mask` of Evaluation's `ImputationMetrics`).
    public var scoredMask: [Bool] { scored.map { $0 != 0 } }

    /// Fraction of the real (non-padding) entries the model does not see.
    public var missingRate: Double {
        var hidden = 0.0, real = 0.0
        for s in 0..<(count * length) where present[s] > 0 {
            for d in 0..<features { hidden += Double(1 - observed[s * features + d]) }
            real += Double(features)
        }
        return real > 0 ? hidden / real : 0
    }

    /// The sequences at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SequenceSet {
        let entry = length * features
        func pick(_ array: [Float], _ width: Int) -> [Float] {
            indices.flatMap { array[($0 * width)..<(($0 + 1) * width)] }
        }
        return SequenceSet(count: indices.count, length: length, features: features,
                           values: pick(values, entry), observed: pick(observed, entry), scored: pick(scored, entry),
                           present: pick(present, length), times: pick(times, length),
                           labels: indices.map { labels[$0] }, classes: classes)
    }

    /// SHA-256 identifying the set: of a text holding the shape and the SHA-256 of every 1 MiB block of each
    /// array (Float32 bits) and of the labels (Int32), in the host's byte order — little-endian on every platform
    /// the kit builds for. Equal hashes, equal data; a large set is never copied whole.
    public var sha256: String {
        func blocks<Element>(_ array: [Element]) -> String {
            let step = (1 << 20) / MemoryLayout<Element>.stride
            return stride(from: 0, to: max(array.count, 1), by: step).map { start in
                array[start..<min(start + step, array.count)].withUnsafeBytes { sha256Hex(of: Data($0)) }
            }.joined(separator: ",")
        }
        var text = "shape:\(count),\(length),\(features) classes:\(classes)\n"
        for (name, array) in [("values", values), ("observed", observed), ("scored", scored), ("present", present), ("times", times)] {
            text += "\(name):\(blocks(array))\n"
        }
        text += "labels:\(blocks(labels.map { Int32($0) }))\n"
        return sha256Hex(of: Data(text.utf8))
    }
}

/// The sets of one data set, split by sequence, with a hash for the run's manifest.
public struct SequenceSplits: Equatable, Sendable {
    public var train: SequenceSet
    public var validation: SequenceSet
    public var test: SequenceSet

    public init(train: SequenceSet, validation: SequenceSet, test: SequenceSet) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// SHA-256 over the three sets' hashes in order.
    public var sha256: String {
        sha256Hex(of: Data("train:\(train.sha256)\nvalidation:\(validation.sha256)\ntest:\(test.sha256)\n".utf8))
    }
}
