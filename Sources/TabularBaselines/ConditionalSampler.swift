import Datasets
import Foundation
import Tensor

/// CTGAN's `DataSampler`: conditional vectors for training-by-sampling and the real rows that match them.
///
/// The conditional vector is the concatenation of one-hots over every discrete column (categoricals and, for
/// classification, the class); exactly one of its entries is set.
struct ConditionalSampler {
    let columns: [ModeSpecificNormalization.DiscreteColumn]
    /// Where each discrete column's block starts in the conditional vector.
    let offsets: [Int]
    let width: Int
    /// Per column, the cumulative probability of each category: ∝ log(1 + count) with `logFrequency`, else count.
    let cumulative: [[Double]]
    /// `rowsByCategory[column][category]`: the training rows holding that category.
    let rowsByCategory: [[[Int]]]
    /// Per column, the last category that occurs (where rounding may leave a draw past the final cumulative sum).
    let lastPresent: [Int]
    /// `codes[column][row]`.
    let codes: [[Int]]
    let rowCount: Int

    init(frame: TabularFrame, transformer: ModeSpecificNormalization, logFrequency: Bool) {
        columns = transformer.discrete
        var offset = 0
        offsets = columns.map { column in defer { offset += column.categories }; return offset }
        width = offset
        codes = columns.map { ModeSpecificNormalization.codes($0.source, frame) }
        rowCount = frame.rowCount
        rowsByCategory = zip(columns, codes).map { column, codes in
            var rows = [[Int]](repeating: [], count: column.categories)
            for (r, c) in codes.enumerated() { rows[c].append(r) }
            return rows
        }
        lastPresent = rowsByCategory.map { rows in rows.lastIndex { !$0.isEmpty }! }
        cumulative = rowsByCategory.map { rows in
            let weights = rows.map { logFrequency ? Foundation.log(Double($0.count) + 1) : Double($0.count) }
            let total = weights.reduce(0, +)
            var acc = 0.0
            return weights.map { acc += $0 / total; return acc }
        }
    }

    var isEmpty: Bool { columns.isEmpty }

    /// `sample_condvec`: per row a discrete column chosen uniformly and a category by its (log-)frequency.
    func trainingCondition(batch: Int, rng: RandomGenerator) -> (vector: Tensor, columns: [Int], categories: [Int]) {
        let u = rng.uniform([batch]).scalars
        var vector = [Float](repeating: 0, count: batch * width)
        var chosenColumns = [Int](), categories = [Int]()
        for r in 0..<batch {
            let column = rng.integer(below: columns.count)
            let category = cumulative[column].firstIndex { Double(u[r]) < $0 } ?? lastPresent[column]
            vector[r * width + offsets[column] + category] = 1
            chosenColumns.append(column)
            categories.append(category)
        }
        return (Tensor(vector, shape: [batch, width]), chosenColumns, categories)
    }

    /// `sample_data`: for each (column, category) a uniformly chosen training row holding it.
    func rows(columns chosen: [Int], categories: [Int], rng: RandomGenerator) -> [Int] {
        zip(chosen, categories).map { column, category in
            let rows = rowsByCategory[column][category]
            return rows[rng.integer(below: rows.count)]
        }
    }

    /// `sample_original_condvec`: the category of a random discrete column in a random training row, so the
    /// conditions follow the data's own frequencies. (Older CTGAN releases read the wrong columns here, as the
    /// column offsets were never filled in; this is the corrected behaviour.)
    func originalCondition(batch: Int, rng: RandomGenerator) -> Tensor {
        var vector = [Float](repeating: 0, count: batch * width)
        for r in 0..<batch {
            let row = rng.integer(below: rowCount), column = rng.integer(below: columns.count)
            vector[r * width + offsets[column] + codes[column][row]] = 1
        }
        return Tensor(vector, shape: [batch, width])
    }
}
