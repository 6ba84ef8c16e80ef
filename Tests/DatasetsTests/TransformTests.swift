import XCTest
@testable import Datasets

final class TransformTests: XCTestCase {
    /// Twenty values with ties (five zeros, three sevens) and a long tail.
    let column: [Double] = [0, 0, 0, 0, 1, 2, 3, 3, 5, 8, 13, 21, 0, 0, 40, 2.5, 7, 7, 7, 100]

    /// Expected values from scikit-learn 1.9.1: QuantileTransformer(output_distribution="normal", n_quantiles=10).
    func testQuantileTransformMatchesScikitLearn() {
        let qt = QuantileTransformer(fitting: [column], quantileCount: 10)
        let quantiles = [0.0, 0.0, 0.0, 1.3333333333333321, 2.7222222222222223, 4.111111111111111, 7.0,
                         7.777777777777775, 20.111111111111114, 100.0]
        for (a, b) in zip(qt.quantiles[0], quantiles) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        let forward = qt.transform([[-5, 0, 0.5, 1, 3, 6, 7, 50, 100, 200]])[0]
        let expected = [-5.199337582605575, -5.199337582605575, -0.6314018942397609, -0.5084880591093566,
                        -0.08365173390712909, 0.3271033163475285, 0.43072729929545744, 1.4792180069588088,
                        5.19933758270342, 5.19933758270342]
        for (a, b) in zip(forward, expected) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        let inverse = qt.inverse([[-6, -1.5, -0.3, 0, 0.2, 0.9, 2.5, 6.0]])[0]
        let expectedInverse = [0.0, 0.0, 1.9427738893047586, 3.4166666666666665, 4.727419112083344,
                               12.013770530954144, 95.53525063076694, 100.0]
        for (a, b) in zip(inverse, expectedInverse) { XCTAssertEqual(a, b, accuracy: 1e-9) }
    }

    /// Away from ties the transform is strictly increasing and piecewise linear in level, so inverse ∘ forward is
    /// the identity on the data's range.
    func testQuantileInverseUndoesTransform() {
        let values = (0..<500).map { i in Foundation.exp(Double(i % 97) / 13) + Double(i) * 0.01 }
        let qt = QuantileTransformer(fitting: [values], quantileCount: QuantileTransformer.tabDDPMQuantileCount(rowCount: 500))
        XCTAssertEqual(qt.references.count, 16)
        let back = qt.inverse(qt.transform([values]))[0]
        for (a, b) in zip(back, values) { XCTAssertEqual(a, b, accuracy: 1e-8 * max(1, abs(b))) }
    }

    func testQuantileCountFollowsTabDDPM() {
        XCTAssertEqual(QuantileTransformer.tabDDPMQuantileCount(rowCount: 100), 10)
        XCTAssertEqual(QuantileTransformer.tabDDPMQuantileCount(rowCount: 22_792), 759)
        XCTAssertEqual(QuantileTransformer.tabDDPMQuantileCount(rowCount: 100_000), 1000)
    }

    func testNormalQuantileInvertsCDF() {
        for p in [1e-10, 1e-4, 0.02, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9] {
            XCTAssertEqual(NormalDistribution.cdf(NormalDistribution.quantile(p)), p, accuracy: 1e-13 + p * 1e-12)
        }
        XCTAssertEqual(NormalDistribution.quantile(0.975), 1.959963984540054, accuracy: 1e-12)
    }

    func testMinMaxScaler() {
        let scaler = MinMaxScaler(fitting: [[2, 4, 6], [5, 5, 5]])
        XCTAssertEqual(scaler.transform([[2, 5, 8], [5, 1, 9]]), [[0, 0.75, 1.5], [0, 0, 0]])
    }
}
