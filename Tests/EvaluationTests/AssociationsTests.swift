import Datasets
import XCTest
@testable import Evaluation

/// Expected values from numpy 2 / scipy (np.corrcoef, chi2_contingency without correction, wasserstein_distance).
final class AssociationsTests: XCTestCase {
    let a: [Double] = [1, 2, 3, 4, 5, 6], b: [Double] = [2, 1, 4, 3, 6, 8]
    let c = [0, 0, 1, 1, 2, 2], d = [0, 1, 0, 1, 1, 1]

    func testPairwiseMeasuresMatchScipy() {
        XCTAssertEqual(Associations.pearson(a, b), 0.9019120678598666, accuracy: 1e-12)
        XCTAssertEqual(Associations.correlationRatio(a, c, 3), 0.9561828874675149, accuracy: 1e-12)
        XCTAssertEqual(Associations.cramersV(c, 3, d, 2), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Associations.wasserstein(a, b), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Associations.wasserstein([0, 1, 3], [5, 6]), 4.166666666666666, accuracy: 1e-12)
    }

    func testMatrixIsSymmetricWithTargetLast() {
        let frame = TabularFrame(task: .binclass, numericNames: ["a", "b"], categoricalNames: ["c"], targetName: "y",
                                 levels: [["x", "y", "z"]], classNames: ["n", "p"], numeric: [a, b], categorical: [c],
                                 y: d.map(Double.init))
        let m = Associations.matrix(frame)
        XCTAssertEqual(m.names, ["a", "b", "c", "y"])
        XCTAssertEqual(m.values[0][1], 0.9019120678598666, accuracy: 1e-12)
        XCTAssertEqual(m.values[2][3], 0.5, accuracy: 1e-12)
        for i in 0..<4 { XCTAssertEqual(m.values[i][i], 1); for j in 0..<4 { XCTAssertEqual(m.values[i][j], m.values[j][i]) } }
        XCTAssertEqual(Associations.featureDistances(real: frame, synthetic: frame), [0, 0, 0, 0])
    }
}
