import Datasets
import Foundation
import Tensor
import Testing
@testable import TabularBaselines

/// A classification frame from rows of (numerics, category code, class).
func classificationFrame(_ rows: [([Double], Int, Int)], levels: [String] = ["a", "b", "c"],
                         classes: [String] = ["no", "yes"]) -> TabularFrame {
    let width = rows.first?.0.count ?? 0
    return TabularFrame(task: classes.count == 2 ? .binclass : .multiclass,
                        numericNames: (0..<width).map { "x\($0)" }, categoricalNames: ["colour"], targetName: "label",
                        levels: [levels], classNames: classes,
                        numeric: (0..<width).map { f in rows.map { $0.0[f] } }, categorical: [rows.map(\.1)],
                        y: rows.map { Double($0.2) })
}

@Suite struct SMOTETests {
    @Test func withOneNeighbourSamplesLieBetweenTheTwoRowsOfTheirClassAndTakeTheNeighboursCategory() {
        // Class 0: (0.5, 0.25, a) and (1.5, 2.25, b); class 1: (10.5, 10.5, c) and (12.5, 14.5, a). Non-integer
        // values, so the snapping of discrete columns stays out of the way.
        let train = classificationFrame([([0.5, 0.25], 0, 0), ([1.5, 2.25], 1, 0),
                                         ([10.5, 10.5], 2, 1), ([12.5, 14.5], 0, 1)])
        let sample = SMOTE(neighbours: 1).sample(from: train, count: 400, seed: 3)
        #expect(sample.rowCount == 400)
        var seen = Set<[Int]>()
        for r in 0..<sample.rowCount {
            let (x0, x1, code, label) = (sample.numeric[0][r], sample.numeric[1][r], sample.categorical[0][r], sample.labels[r])
            if label == 0 {
                let t = x0 - 0.5
                #expect(t >= 0 && t <= 1 && Swift.abs(x1 - (0.25 + 2 * t)) < 1e-9, "row \(r): (\(x0), \(x1))")
                #expect(code == 0 || code == 1)
            } else {
                let t = (x0 - 10.5) / 2
                #expect(t >= 0 && t <= 1 && Swift.abs(x1 - (10.5 + 4 * t)) < 1e-9, "row \(r): (\(x0), \(x1))")
                #expect(code == 2 || code == 0)
            }
            seen.insert([label, code])
        }
        // Each row is a base row half the time, and the category is always the other endpoint's.
        #expect(seen == [[0, 0], [0, 1], [1, 2], [1, 0]])
    }

    @Test func classCountsFollowTheTrainingFrequencies() {
        let rows = (0..<100).map { (i: Int) -> ([Double], Int, Int) in
            let label = i < 50 ? 0 : (i < 80 ? 1 : 2)
            return ([Double(i) * 0.37, Double(i % 7) + 0.5], i % 3, label)
        }
        let train = classificationFrame(rows, classes: ["p", "q", "r"])
        let sample = SMOTE().sample(from: train, count: 1001, seed: 1)
        var counts = [0, 0, 0]
        for label in sample.labels { counts[label] += 1 }
        #expect(counts == [501, 300, 200])
    }

    @Test func regressionInterpolatesWithinTheHalvesAboveAndBelowTheMedian() {
        // Low y with x near 0, high y with x near 100: mixing the halves would put x in between.
        let n = 40
        let x = (0..<n).map { (i: Int) -> Double in (i < n / 2 ? 0 : 100) + Double(i) * 0.1 }
        let y = (0..<n).map { (i: Int) -> Double in (i < n / 2 ? 0 : 5) + Double(i) * 0.01 }
        let train = TabularFrame(task: .regression, numericNames: ["x"], categoricalNames: [], targetName: "y",
                                 levels: [], classNames: [], numeric: [x], categorical: [], y: y)
        let sample = SMOTE().sample(from: train, count: 500, seed: 2)
        for r in 0..<sample.rowCount {
            let (xr, yr) = (sample.numeric[0][r], sample.y[r])
            #expect((xr <= 2 && yr <= 0.2) || (xr >= 102 && yr >= 5.2), "row \(r): x \(xr), y \(yr)")
        }
        #expect(sample.y.filter { $0 < 1 }.count == 250)
    }

    @Test func sameSeedGivesTheSameSampleAndAnotherSeedDoesNot() {
        let rows = (0..<60).map { (i: Int) -> ([Double], Int, Int) in ([sin(Double(i)), Double(i) * 0.01], i % 3, i % 2) }
        let train = classificationFrame(rows)
        let a = SMOTE().sample(from: train, count: 200, seed: 9)
        #expect(a == SMOTE().sample(from: train, count: 200, seed: 9))
        #expect(a != SMOTE().sample(from: train, count: 200, seed: 10))
    }

    @Test func nearestNeighboursMatchADoublePrecisionSearch() {
        let rng = RandomGenerator(seed: 4)
        let (n, d, k) = (300, 5, 4)
        let points = rng.uniform([n, d])
        let p = points.scalars.map(Double.init)
        let found = SMOTE.nearestNeighbours(points, k: k, block: 64)
        for q in 0..<n {
            let distances = (0..<n).filter { $0 != q }.map { (j: Int) -> (Int, Double) in
                var total = 0.0
                for f in 0..<d { total += (p[q * d + f] - p[j * d + f]) * (p[q * d + f] - p[j * d + f]) }
                return (j, total)
            }
            let expected = distances.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(k).map(\.0)
            #expect(found[q] == Array(expected), "query \(q)")
        }
    }

    @Test func discreteIntegerColumnsSnapToTrainingValues() {
        #expect(SMOTE.snapToDiscreteValues([0.4, 2.6, 7.9, -3], training: [0, 1, 3, 3, 8]) == [0, 3, 8, 0])
        let continuous = [0.5, 1.25, 3]
        #expect(SMOTE.snapToDiscreteValues([0.7, 2.2], training: continuous) == [0.7, 2.2])
        #expect(SMOTE.medianSplit([1, 5, 3, 4]) == [0, 1, 0, 1])
        #expect(SMOTE.proportionalCounts([1, 1, 1], total: 5) == [2, 2, 1])
    }
}
