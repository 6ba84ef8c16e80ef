import Datasets
@testable import Evaluation
import Foundation
import Tensor
import Testing

@Suite struct TabularMLPTests {
    static let small = MLPEvaluator(hiddenSizes: [64, 64], learningRate: 3e-3, maxEpochs: 25, patience: 5)

    /// The threshold-and-category task (majority class about 0.58, 10% label noise): the MLP gets most of the way.
    @Test func classifierBeatsTheConstantPredictor() throws {
        let (train, validation, test) = TabularBoostingTests.split(TabularFixtures.thresholdAndCategory(rows: 1600, seed: 21))
        let score = try Self.small.score(train: train, validation: validation, test: test, seed: 1)
        let constant = TabularEvaluation.score(classes: Array(repeating: 0, count: test.rowCount), on: test)
        #expect(constant.accuracy! < 0.65)
        #expect(score.accuracy! > 0.8 && score.value > constant.value + 0.3, "\(score) vs \(constant)")
        #expect(try Self.small.score(train: train, validation: validation, test: test, seed: 1) == score)
    }

    @Test func regressorFitsASmoothFunction() throws {
        let u = RandomGenerator(seed: 22).uniform([1200, 2]).scalars.map(Double.init)
        let x0 = (0..<1200).map { u[2 * $0] }, x1 = (0..<1200).map { u[2 * $0 + 1] }
        let y: [Double] = (0..<1200).map { i in 10 + 3 * sin(3 * x0[i]) + x1[i] }
        let (train, validation, test) = TabularBoostingTests.split(TabularFixtures.frame(task: .regression, numeric: [x0, x1], y: y))
        let score = try Self.small.score(train: train, validation: validation, test: test, seed: 2)
        #expect(score.metric == "r2" && score.value > 0.9, "\(score)")
    }

    @Test func oneHotBlocksFollowTheQuantileScores() {
        let frame = TabularFixtures.frame(task: .binclass, numeric: [[1, 2, 3]], categorical: [[2, 0, 1]], y: [0, 1, 0])
        let encoder = MLPEvaluator.Encoder(fitting: frame)
        let x = encoder.encode(frame).scalars
        #expect(encoder.width == 4)
        #expect(x[0] < 0 && x[4] == 0 && x[8] > 0, "median maps to 0, the ends to either side: \(x)")
        #expect(Array(x[1..<4]) == [0, 0, 1] && Array(x[5..<8]) == [1, 0, 0] && Array(x[9..<12]) == [0, 1, 0])
    }
}
