import Datasets
@testable import Evaluation
import Testing

/// The fidelity summary on four rows worked by hand.
@Suite struct FidelityTests {
    /// Real: x = c exactly (η = 1), y independent of both (η = 0, V = 0), classes balanced.
    /// Synthetic: x independent of c (η = 0); y = 0 only in the row where x = 0 and c = 0, so η(x, y) = √(1/3)
    /// (group means 0 and ⅔ around ½: (¼ + 3·1/36) / 1) and V(c, y) = √(χ² / 4) with χ² = 4/3, also √(1/3); the
    /// classes are ¼ / ¾, a total variation of ¼ from the real ½ / ½.
    @Test func summaryOfAHandComputedCase() {
        let real = TabularFixtures.frame(task: .binclass, numeric: [[0, 0, 1, 1]], categorical: [[0, 0, 1, 1]],
                                         y: [0, 1, 0, 1])
        let synthetic = real.replacingRows(numeric: [[0, 0, 1, 1]], categorical: [[0, 1, 0, 1]], y: [0, 1, 1, 1])
        let f = Fidelity(real: real, synthetic: synthetic)
        let third = (1.0 / 3).squareRoot()
        #expect(f.names == ["x0", "c0", "y"])
        let expected = [[0, 1, third], [1, 0, third], [third, third, 0]]
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(f.associationDifferences[i][j] - expected[i][j]) < 1e-12, "(\(i), \(j))") }
        }
        #expect(abs(f.meanAssociationDifference - (1 + 2 * third) / 3) < 1e-12)
        #expect(f.columnDistances == [0, 0, 0.25])
        #expect(abs(f.meanColumnDistance - 0.25 / 3) < 1e-12)
    }

    /// A synthetic table identical to the real one is at distance 0 everywhere.
    @Test func identicalTablesAreAtZero() {
        let real = TabularFixtures.thresholdAndCategory(rows: 50, seed: 7)
        let f = Fidelity(real: real, synthetic: real)
        #expect(f.meanAssociationDifference == 0 && f.meanColumnDistance == 0)
    }
}
