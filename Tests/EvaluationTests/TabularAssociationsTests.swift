import Datasets
@testable import Evaluation
import Testing

/// Complements AssociationsTests: η and Cramér's V inside the matrix, and the per-column distances on frames that
/// differ, in the matrix's column order for both kinds of target.
@Suite struct TabularAssociationsTests {
    static let real = TabularFixtures.frame(
        task: .binclass, numeric: [[1, 2.5, 3, 4.5, 5, 7, 8, 9.5], [2, 1, 4, 3, 6, 5, 9, 7]],
        categorical: [[0, 0, 1, 1, 2, 2, 0, 1]], y: [0, 1, 0, 1, 1, 1, 0, 0])

    // Golden values from NumPy 2.4.6 / SciPy 1.17.1: scipy.stats.pearsonr; η from group means;
    // Cramér's V from chi2_contingency(table, correction=False) without bias correction.
    @Test func matrixMatchesPearsonEtaAndCramersV() {
        let (names, m) = Associations.matrix(Self.real)
        #expect(names == ["x0", "x1", "c0", "y"])
        #expect(abs(m[0][1] - 0.8463064426434018) < 1e-12)
        #expect(abs(m[0][2] - 0.35166742927493005) < 1e-12 && m[2][0] == m[0][2])
        #expect(abs(m[1][3] - 0.3504383220252312) < 1e-12)
        #expect(abs(m[2][3] - 0.5773502691896257) < 1e-12)
    }

    // Golden values: scipy.stats.wasserstein_distance divided by the real column's range; total variation by NumPy.
    @Test func featureDistancesAreScaledWassersteinAndTotalVariationInMatrixOrder() {
        let synthetic = Self.real.replacingRows(numeric: [[0, 2, 2, 6, 11], [1, 1, 3, 8, 9]],
                                                categorical: [[0, 0, 0, 2, 2]], y: [1, 1, 1, 0, 1])
        let d = Associations.featureDistances(real: Self.real, synthetic: synthetic)
        let expected = [0.20441176470588232, 0.15937500000000002, 0.375, 0.30000000000000004]
        #expect(d.count == 4 && zip(d, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(d)")
        // A regression target is a numeric column, still last (after the categorical feature).
        let realRegression = TabularFixtures.frame(task: .regression, numeric: [], categorical: [[0, 0, 1, 1, 2, 2, 0, 1]],
                                                   y: [0.5, 1, 2, 4, 1.5, 3, 0, 2.5])
        let syntheticRegression = realRegression.replacingRows(numeric: [], categorical: [[0, 0, 0, 2, 2]], y: [1, 2, 2, 3, 5])
        let r = Associations.featureDistances(real: realRegression, synthetic: syntheticRegression)
        #expect(r.count == 2 && abs(r[0] - 0.375) < 1e-12 && abs(r[1] - 0.196875) < 1e-12, "\(r)")
    }
}
