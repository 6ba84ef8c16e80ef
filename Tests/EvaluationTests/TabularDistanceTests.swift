import Datasets
@testable import Evaluation
import Tensor
import Testing

@Suite struct TabularDistanceTests {
    /// Three real rows (x scaled by its range 0…10, a category, a binary class) and three synthetic rows worked by
    /// hand: s0 is nearest r1 (0.5² + 0 + 0), s1 nearest r0 (1.2² + 0 + 0), s2 copies r2.
    @Test func handComputedDistancesAndACopyAtZero() {
        let real = TabularFixtures.frame(task: .binclass, numeric: [[0, 10, 4]], categorical: [[0, 1, 0]], y: [0, 1, 1])
        let synthetic = real.replacingRows(numeric: [[5, 12, 4]], categorical: [[1, 0, 0]], y: [1, 0, 1])
        let d = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 0)
        #expect(d.count == 3)
        #expect(abs(d[0] - 0.5) < 1e-6 && abs(d[1] - 1.2) < 1e-6 && d[2] == 0, "\(d)")
        #expect(abs(DistanceToClosestRecord.median(synthetic: synthetic, real: real, seed: 0) - 0.5) < 1e-6)
    }

    /// For regression the target is a scaled numeric column: (0.5, 0.5) from both real rows.
    @Test func regressionTargetIsScaledLikeANumericColumn() {
        let real = TabularFixtures.frame(task: .regression, numeric: [[0, 1]], y: [0, 2])
        let synthetic = real.replacingRows(numeric: [[0.5]], categorical: [], y: [1])
        let d = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 0)
        #expect(abs(d[0] - 0.5.squareRoot()) < 1e-6)
    }

    /// The reference's definition computed by `scripts/verify_dcr.py` with scikit-learn's MinMaxScaler,
    /// OneHotEncoder (÷ √2) and pairwise_distances, on the same toy rows: s0 is nearest r0 (0.5), s1 lies beyond the
    /// real range (0.2), s2 differs from r2 only in x2, a column constant in the real rows that scikit-learn leaves
    /// unscaled (2.0), s3 copies r3 (0), s4 mismatches a category (√1.04).
    @Test func matchesTheReferenceScriptOnAToyCase() {
        let real = TabularFixtures.frame(task: .binclass, numeric: [[0, 10, 4, 6], [3, 3, 3, 3]], categorical: [[0, 1, 0, 2]],
                                         levels: [["a", "b", "c"]], y: [0, 1, 1, 0])
        let synthetic = real.replacingRows(numeric: [[5, 12, 4, 6, 2], [3, 3, 5, 3, 3]], categorical: [[0, 1, 0, 2, 1]],
                                           y: [0, 1, 1, 0, 0])
        let d = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 0)
        let reference = [0.5, 0.2000000000000001, 2.0, 0.0, 1.0198039027185568]
        #expect(d.count == 5 && zip(d, reference).allSatisfy { abs($0 - $1) < 1e-6 }, "\(d)")
        #expect(abs(DistanceToClosestRecord.median(synthetic: synthetic, real: real, seed: 0) - 0.5) < 1e-6)

        let realRegression = TabularFixtures.frame(task: .regression, numeric: [[0, 1, 3]], categorical: [[0, 1, 0]],
                                                   levels: [["u", "v"]], y: [0, 2, 4])
        let syntheticRegression = realRegression.replacingRows(numeric: [[0.5, 3, 2]], categorical: [[0, 1, 1]], y: [1, 4, 2])
        let r = DistanceToClosestRecord.distances(synthetic: syntheticRegression, real: realRegression, seed: 0)
        let referenceRegression = [0.3004626062886658, 0.8333333333333334, 0.3333333333333331]
        #expect(zip(r, referenceRegression).allSatisfy { abs($0 - $1) < 1e-6 }, "\(r)")
    }

    /// A plain double-precision search: features scaled as scikit-learn does by `real`'s range (1 for a constant
    /// column), a mismatching category adding 1 to the squared distance.
    static func bruteForce(synthetic: TabularFrame, real: TabularFrame) -> [Double] {
        let regression = !real.isClassification
        let numeric = real.numeric + (regression ? [real.y] : [])
        let lo = numeric.map { $0.min()! }, span = numeric.map { $0.max()! - $0.min()! }.map { $0 > 0 ? $0 : 1 }
        func point(_ frame: TabularFrame, _ r: Int) -> (numeric: [Double], codes: [Int]) {
            let values = frame.numeric.map { $0[r] } + (regression ? [frame.y[r]] : [])
            return (values.indices.map { (values[$0] - lo[$0]) / span[$0] },
                    frame.categorical.map { $0[r] } + (regression ? [] : [frame.labels[r]]))
        }
        return (0..<synthetic.rowCount).map { s in
            let a = point(synthetic, s)
            return (0..<real.rowCount).map { r in
                let b = point(real, r)
                let squared = zip(a.numeric, b.numeric).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    + Double(zip(a.codes, b.codes).filter { $0 != $1 }.count)
                return squared.squareRoot()
            }.min()!
        }
    }

    /// Against the plain search, with row counts that leave partial vectors and query groups, for both target kinds.
    @Test func matchesABruteForceSearch() {
        for task in [PredictionTask.binclass, .regression] {
            var real = TabularFixtures.thresholdAndCategory(rows: 203, seed: 4)
            var synthetic = TabularFixtures.thresholdAndCategory(rows: 67, seed: 5)
            if task == .regression {
                real.task = .regression; real.classNames = []; real.y = real.numeric[0].map { $0 * 3 }
                synthetic.task = .regression; synthetic.classNames = []; synthetic.y = synthetic.numeric[1].map { $0 * 3 }
            }
            let d = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 0)
            let expected = Self.bruteForce(synthetic: synthetic, real: real)
            #expect(zip(d, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(task)")
        }
    }

    /// Subsampling keeps `limit` rows of each side, seeded, and then measures exactly as the reference does: the
    /// scale comes from the sampled real rows.
    @Test func subsamplingIsSeededAndScalesByTheSampledRealRows() {
        let real = TabularFixtures.thresholdAndCategory(rows: 300, seed: 1)
        let synthetic = TabularFixtures.thresholdAndCategory(rows: 200, seed: 2)
        let a = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 3, limit: 150)
        let b = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 3, limit: 150)
        #expect(a.count == 150 && a == b)
        let rng = RandomGenerator(seed: 3)
        let realRows = DistanceToClosestRecord.sample(300, limit: 150, rng: rng.derived(1))
        let syntheticRows = DistanceToClosestRecord.sample(200, limit: 150, rng: rng.derived(2))
        let expected = Self.bruteForce(synthetic: synthetic.rows(syntheticRows), real: real.rows(realRows))
        #expect(zip(a, expected).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(a != DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 4, limit: 150))
    }

    /// NumPy's default (linear) quantiles: the middle one is the median.
    @Test func quantilesInterpolateLinearly() {
        let q = DistanceToClosestRecord.quantiles(of: [4, 0, 1, 3], levels: 4)
        #expect(q == [0, 0.75, 2, 3.25, 4])
        #expect(DistanceToClosestRecord.quantiles(of: [], levels: 4).isEmpty)
    }
}
