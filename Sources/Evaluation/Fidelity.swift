import Datasets

/// How close a synthetic table is to the real one, column by column and pair by pair: the TabDDPM paper's Figures 7
/// and 8 read as numbers, so a claim about them can be judged from a run.
public struct Fidelity: Sendable, Equatable {
    /// Column names in `Associations.matrix` order: numeric features, categorical features, the target.
    public var names: [String]
    /// Per column: Wasserstein-1 on the real column's min-max scale (numeric) or total variation (categorical).
    public var columnDistances: [Double]
    /// |association(real) − association(synthetic)| for every pair of columns (0 on the diagonal).
    public var associationDifferences: [[Double]]

    public init(real: TabularFrame, synthetic: TabularFrame) {
        let a = Associations.matrix(real), b = Associations.matrix(synthetic)
        names = a.names
        columnDistances = Associations.featureDistances(real: real, synthetic: synthetic)
        associationDifferences = a.values.indices.map { i in
            a.values.indices.map { j in i == j ? 0 : abs(a.values[i][j] - b.values[i][j]) }
        }
    }

    /// The mean per-column distance.
    public var meanColumnDistance: Double {
        columnDistances.isEmpty ? 0 : columnDistances.reduce(0, +) / Double(columnDistances.count)
    }

    /// The mean over distinct pairs of columns of the association difference (the diagonal left out: it is 1 on
    /// both sides); 0 for a single column.
    public var meanAssociationDifference: Double {
        let n = associationDifferences.count
        guard n > 1 else { return 0 }
        let total = associationDifferences.joined().reduce(0, +)
        return total / Double(n * (n - 1))
    }
}
