import Datasets
@testable import Evaluation
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

    /// Against a plain double-precision search, with row counts that leave partial vectors and query groups, for
    /// both target kinds.
    @Test func matchesABruteForceSearch() {
        for task in [PredictionTask.binclass, .regression] {
            var real = TabularFixtures.thresholdAndCategory(rows: 203, seed: 4)
            var synthetic = TabularFixtures.thresholdAndCategory(rows: 67, seed: 5)
            if task == .regression {
                real.task = .regression; real.classNames = []; real.y = real.numeric[0].map { $0 * 3 }
                synthetic.task = .regression; synthetic.classNames = []; synthetic.y = synthetic.numeric[1].map { $0 * 3 }
            }
            let d = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 0)
            let numeric = real.numeric + (task == .regression ? [real.y] : [])
            let lo = numeric.map { $0.min()! }, hi = numeric.map { $0.max()! }
            func point(_ frame: TabularFrame, _ r: Int) -> (numeric: [Double], codes: [Int]) {
                let values = frame.numeric.map { $0[r] } + (task == .regression ? [frame.y[r]] : [])
                return (values.indices.map { (values[$0] - lo[$0]) / (hi[$0] - lo[$0]) },
                        frame.categorical.map { $0[r] } + (task == .regression ? [] : [frame.labels[r]]))
            }
            let expected = (0..<synthetic.rowCount).map { s in
                let a = point(synthetic, s)
                return (0..<real.rowCount).map { r in
                    let b = point(real, r)
                    let squared = zip(a.numeric, b.numeric).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                        + Double(zip(a.codes, b.codes).filter { $0 != $1 }.count)
                    return squared.squareRoot()
                }.min()!
            }
            #expect(zip(d, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(task)")
        }
    }

    /// Subsampling keeps `limit` synthetic rows; a nearest neighbour among fewer real rows is never nearer.
    @Test func subsamplingIsSeededAndOnlyMovesNeighboursAway() {
        let real = TabularFixtures.thresholdAndCategory(rows: 300, seed: 1)
        let synthetic = TabularFixtures.thresholdAndCategory(rows: 200, seed: 2)
        let full = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 3)
        let a = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 3, limit: 150)
        let b = DistanceToClosestRecord.distances(synthetic: synthetic, real: real, seed: 3, limit: 150)
        #expect(a.count == 150 && a == b)
        let sampledRows = DistanceToClosestRecord.sample(200, limit: 150, rng: .init(seed: 3).derived(2))
        #expect(zip(sampledRows, a).allSatisfy { full[$0] <= $1 + 1e-6 })
        #expect(zip(sampledRows, a).contains { full[$0] < $1 - 1e-3 })
    }
}
