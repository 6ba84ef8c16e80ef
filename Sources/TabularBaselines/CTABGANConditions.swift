import Foundation
import Tensor

/// CTAB-GAN's `Cond` and `Sampler`: conditional vectors over *every* one-hot span of the encoded rows (categories,
/// classes and the mode slots of continuous and mixed columns alike) and the real rows that match them.
struct CTABGANConditions {
    /// The one-hot spans of the encoding, in order; the conditional vector concatenates them.
    let spans: [Range<Int>]
    /// Where each span's block starts in the conditional vector.
    let offsets: [Int]
    let width: Int
    /// Per span, the cumulative probability of each slot: ∝ log(1 + count) for training, ∝ count for sampling.
    let trainingCumulative: [[Double]], samplingCumulative: [[Double]]
    /// `rowsBySlot[span][slot]`: the encoded training rows whose slot is set.
    let rowsBySlot: [[[Int]]]

    /// `encoded` is row-major [rows, encodedWidth].
    init(encoded: [Double], encodedWidth: Int, spans: [OutputSpan]) {
        self.spans = spans.filter { $0.activation == .softmax }.map(\.range)
        var offset = 0
        offsets = self.spans.map { span in defer { offset += span.count }; return offset }
        width = offset
        let rows = encoded.count / max(encodedWidth, 1)
        rowsBySlot = self.spans.map { span in
            var bySlot = [[Int]](repeating: [], count: span.count)
            for r in 0..<rows {
                for (slot, column) in span.enumerated() where encoded[r * encodedWidth + column] == 1 { bySlot[slot].append(r) }
            }
            return bySlot
        }
        trainingCumulative = Self.cumulative(rowsBySlot) { Foundation.log(Double($0) + 1) }
        samplingCumulative = Self.cumulative(rowsBySlot) { Double($0) }
    }

    /// Per span, the running sums of each slot's `weight(row count)`, normalised.
    static func cumulative(_ rowsBySlot: [[[Int]]], weight: (Int) -> Double) -> [[Double]] {
        rowsBySlot.map { slots in
            let weights = slots.map { weight($0.count) }
            let total = weights.reduce(0, +)
            var acc = 0.0
            return weights.map { acc += $0 / total; return acc }
        }
    }

    var isEmpty: Bool { spans.isEmpty }

    /// The slot a uniform draw `u` picks: the first whose cumulative probability exceeds it, else the last slot
    /// that has rows (where rounding leaves the final sum just below 1).
    func slot(_ u: Double, cumulative: [Double], span: Int) -> Int {
        cumulative.firstIndex { u < $0 } ?? rowsBySlot[span].lastIndex { !$0.isEmpty }!
    }

    /// `sample_train`: per row a span chosen uniformly and a slot by log-frequency.
    func trainingCondition(batch: Int, rng: RandomGenerator) -> (vector: Tensor, spans: [Int], slots: [Int]) {
        condition(batch: batch, cumulative: trainingCumulative, rng: rng)
    }

    /// `Cond.sample`: per row a span chosen uniformly and a slot by its frequency in the training rows.
    func samplingCondition(batch: Int, rng: RandomGenerator) -> Tensor {
        condition(batch: batch, cumulative: samplingCumulative, rng: rng).vector
    }

    private func condition(batch: Int, cumulative: [[Double]],
                           rng: RandomGenerator) -> (vector: Tensor, spans: [Int], slots: [Int]) {
        var vector = [Float](repeating: 0, count: batch * width)
        var chosenSpans = [Int](), slots = [Int]()
        let chosen = (0..<batch).map { _ in rng.integer(below: spans.count) }
        let u = rng.uniform([batch]).scalars
        for r in 0..<batch {
            let span = chosen[r]
            let slot = self.slot(Double(u[r]), cumulative: cumulative[span], span: span)
            vector[r * width + offsets[span] + slot] = 1
            chosenSpans.append(span)
            slots.append(slot)
        }
        return (Tensor(vector, shape: [batch, width]), chosenSpans, slots)
    }

    /// `Sampler.sample`: for each (span, slot) a uniformly chosen training row with that slot set.
    func rows(spans chosen: [Int], slots: [Int], rng: RandomGenerator) -> [Int] {
        zip(chosen, slots).map { span, slot in
            let rows = rowsBySlot[span][slot]
            return rows[rng.integer(below: rows.count)]
        }
    }
}
