import Datasets
@testable import Evaluation
import Foundation
import Tensor
import Testing

@Suite struct TabularBoostingTests {
    static let fast = BoostingConfig(learningRate: 0.1, depth: 4, iterations: 150, earlyStoppingRounds: 30)

    static func split(_ frame: TabularFrame) -> (train: TabularFrame, validation: TabularFrame, test: TabularFrame) {
        let n = frame.rowCount
        return (frame.rows(Array(0..<(n / 2))), frame.rows(Array((n / 2)..<(3 * n / 4))), frame.rows(Array((3 * n / 4)..<n)))
    }

    /// The label needs a numeric threshold and a 6-level category (target statistics); 10% label noise caps
    /// accuracy near 0.9 while the majority class gets about 0.58.
    @Test func learnsAThresholdAndACategoryFarBeyondTheMajorityClass() throws {
        let (train, validation, test) = Self.split(TabularFixtures.thresholdAndCategory(rows: 1600, seed: 11))
        let model = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 1)
        let score = TabularEvaluation.score(classes: model.predictClasses(test), on: test)
        let majority = test.labels.filter { $0 == 1 }.count * 2 > test.rowCount ? 1 : 0
        let constant = TabularMetrics.accuracy(predicted: Array(repeating: majority, count: test.rowCount), expected: test.labels)
        #expect(constant < 0.65)
        #expect(score.accuracy! > 0.8 && score.value > 0.78, "\(score)")
    }

    /// Three classes from the band of x0, with category 0 moving every row up one class.
    @Test func multiclassSoftmaxBeatsTheMajorityClass() throws {
        let rng = RandomGenerator(seed: 12)
        let u = rng.uniform([1200, 2]).scalars.map(Double.init)
        let x = (0..<1200).map { u[2 * $0] }, c = (0..<1200).map { min(3, Int(u[2 * $0 + 1] * 4)) }
        let y = zip(x, c).map { Double(min(2, Int($0 * 3) + ($1 == 0 ? 1 : 0))) }
        let frame = TabularFixtures.frame(task: .multiclass, numeric: [x], categorical: [c], y: y, classCount: 3)
        let (train, validation, test) = Self.split(frame)
        let model = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 2)
        let score = TabularEvaluation.score(classes: model.predictClasses(test), on: test)
        #expect(score.accuracy! > 0.9 && score.value > 0.88, "\(score)")
        let p = model.predictProbabilities(test.rows([0]))[0]
        #expect(p.count == 3 && abs(p.reduce(0, +) - 1) < 1e-12)
    }

    @Test func regressionFitsASmoothFunction() throws {
        let rng = RandomGenerator(seed: 13)
        let u = rng.uniform([1200, 3]).scalars.map(Double.init)
        let x0 = (0..<1200).map { u[3 * $0] }, x1 = (0..<1200).map { u[3 * $0 + 1] }
        let y: [Double] = (0..<1200).map { i in
            let smooth: Double = sin(3 * x0[i]) + x1[i] * x1[i]
            return smooth + 0.05 * (u[3 * i + 2] - 0.5)
        }
        let (train, validation, test) = Self.split(TabularFixtures.frame(task: .regression, numeric: [x0, x1], y: y))
        let model = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 3)
        let score = TabularEvaluation.score(values: model.predictValues(test), on: test)
        #expect(score.metric == "r2" && score.value > 0.95, "\(score)")
    }

    /// On pure noise the validation loss bottoms out early: training stops 50 trees later and keeps the best prefix.
    @Test func earlyStoppingKeepsTheBestPrefixOnNoise() throws {
        let rng = RandomGenerator(seed: 14)
        let u = rng.uniform([800, 3]).scalars.map(Double.init)
        let frame = TabularFixtures.frame(task: .binclass, numeric: [(0..<800).map { u[3 * $0] }, (0..<800).map { u[3 * $0 + 1] }],
                                          y: (0..<800).map { u[3 * $0 + 2] < 0.5 ? 0 : 1 })
        let (train, validation, _) = Self.split(frame)
        var config = Self.fast
        config.learningRate = 0.3
        config.iterations = 400
        config.earlyStoppingRounds = 50
        let model = try GradientBoostingModel.train(train: train, validation: validation, config: config, seed: 4)
        #expect(model.bestIteration < 100, "best \(model.bestIteration)")
        #expect(model.treeCount == model.bestIteration + 1)
        #expect(model.validationLosses.count == model.bestIteration + 51)
        let bestLoss = model.validationLosses[model.bestIteration]
        #expect(model.validationLosses.allSatisfy { $0 >= bestLoss })
    }

    @Test func sameSeedSamePredictionsWhateverTheThreadCount() throws {
        let (train, validation, test) = Self.split(TabularFixtures.thresholdAndCategory(rows: 800, seed: 15))
        let one = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 5, threadCount: 1)
        let two = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 5, threadCount: 2)
        let other = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 6)
        #expect(one.predictProbabilities(test) == two.predictProbabilities(test))
        #expect(one.validationLosses == two.validationLosses)
        #expect(one.validationLosses != other.validationLosses)
    }

    /// Histograms of one child as parent − sibling (scanning only the smaller side) give the same trees as
    /// scanning every row, up to rounding: binary and multiclass.
    @Test func siblingSubtractionMatchesFullScans() throws {
        let binary = Self.split(TabularFixtures.thresholdAndCategory(rows: 800, seed: 19))
        var frame = TabularFixtures.thresholdAndCategory(rows: 800, seed: 20)
        frame.task = .multiclass
        frame.classNames = ["a", "b", "c"]
        frame.y = zip(frame.y, frame.numeric[1]).map { $1 > 0.7 ? 2 : $0 }
        let multiclass = Self.split(frame)
        for (train, validation, test) in [binary, multiclass] {
            let subtracted = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 9,
                                                             threadCount: 2, parentMemoryLimit: Trainer.parentMemoryLimit)
            let scanned = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 9,
                                                          threadCount: 2, parentMemoryLimit: 0)
            #expect(subtracted.trees.map(\.features) == scanned.trees.map(\.features))
            #expect(subtracted.trees.map(\.thresholds) == scanned.trees.map(\.thresholds))
            #expect(zip(subtracted.validationLosses, scanned.validationLosses).allSatisfy { abs($0 - $1) < 1e-9 })
            #expect(subtracted.predictClasses(test) == scanned.predictClasses(test))
        }
    }

    /// A categorical feature that is a unique ID per row carries no information. Ordered statistics see each ID
    /// for the first time, so they cannot memorise the labels; statistics over all rows would fit them exactly.
    @Test func orderedTargetStatisticsDoNotLeakTheLabel() throws {
        let rows = 400
        let u = RandomGenerator(seed: 16).uniform([rows]).scalars
        let labels = u.map { $0 < 0.5 ? 0.0 : 1.0 }
        let ids = Array(0..<rows)
        let frame = TabularFixtures.frame(task: .binclass, numeric: [], categorical: [ids], y: labels)
        let train = frame, validation = frame.rows(Array(0..<100))
        let model = try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 7)
        let fit = TabularMetrics.accuracy(predicted: model.predictClasses(train), expected: train.labels)
        let majority = max(labels.filter { $0 == 1 }.count, labels.filter { $0 == 0 }.count)
        #expect(fit <= Double(majority) / Double(rows) + 1e-9, "training accuracy \(fit)")
        let (quantizer, _) = BoostingQuantizer.fit(train, config: Self.fast, rng: RandomGenerator(seed: 7))
        #expect(quantizer.featureCount == 0, "the ordered statistic of a unique ID is the constant prior")
    }

    /// Two levels: one indicator. More than `oneHotMaxSize`: an ordered target statistic and a category share,
    /// whose validation values use every training row.
    @Test func categoricalsBecomeIndicatorsOrStatisticsAndCounters() {
        let frame = TabularFixtures.frame(task: .binclass, numeric: [], categorical: [[0, 1, 0, 1, 0, 1], [0, 0, 0, 1, 2, 2]],
                                          y: [1, 0, 1, 0, 0, 1])
        let (q, _) = BoostingQuantizer.fit(frame, config: Self.fast, rng: RandomGenerator(seed: 0))
        #expect(q.sources == [.indicator(feature: 0, level: 1), .targetStatistic(feature: 1, channel: 0), .frequency(feature: 1)])
        // Full statistics: level 0 has 3 rows, 2 positive: (2 + 0.5) / 4; level 1: (0 + 0.5) / 2; level 2: (1 + 0.5) / 3.
        #expect(q.sums[1] == [2, 0, 1] && q.counts[1] == [3, 1, 2])
        let values = q.values(frame.rows([0, 3, 4]))
        #expect(values[1] == [2.5 / 4, 0.5 / 2, 1.5 / 3] && values[2] == [3.0 / 6, 1.0 / 6, 2.0 / 6])
        var wide = Self.fast
        wide.oneHotMaxSize = 3
        #expect(BoostingQuantizer.fit(frame, config: wide, rng: RandomGenerator(seed: 0)).0.sources.count == 4)
    }

    @Test func quantisationBordersSitBetweenDistinctValues() {
        #expect(BoostingQuantizer.borders([3, 1, 2, 2, 1], maxCount: 254) == [1.5, 2.5])
        #expect(BoostingQuantizer.borders([5, 5, 5], maxCount: 254) == [])
        let many = BoostingQuantizer.borders((0..<1000).map(Double.init), maxCount: 9)
        #expect(many == (1...9).map { Double($0 * 100) - 0.5 })
    }

    @Test func tuningKeepsTheBaseConfigUnlessATrialScoresHigher() throws {
        let (train, validation, _) = Self.split(TabularFixtures.thresholdAndCategory(rows: 600, seed: 17))
        var base = Self.fast
        base.iterations = 60
        let tuned = try BoostingConfig.tuned(train: train, validation: validation, trials: 4, seed: 8, base: base)
        func validationScore(_ config: BoostingConfig) throws -> Double {
            let model = try GradientBoostingModel.train(train: train, validation: validation, config: config, seed: 8)
            return TabularEvaluation.score(classes: model.predictClasses(validation), on: validation).value
        }
        #expect(try validationScore(tuned) >= validationScore(base))
        #expect((3...8).contains(tuned.depth) && tuned.iterations == 60)
    }

    /// CatBoost 1.2.10's `get_all_params()` after fitting the kit's diabetes, shuttle and Ames training splits (538,
    /// 40,598 and 2,050 rows; 2,000 iterations, an evaluation set): 0.020112, 0.089229 and 0.037343 as 32-bit floats.
    @Test func automaticLearningRateIsCatBoosts() throws {
        #expect(BoostingConfig.automaticLearningRate(loss: .logloss, trainingRows: 538, iterations: 2000) == 0.02011200040578842)
        #expect(BoostingConfig.automaticLearningRate(loss: .multiclass(7), trainingRows: 40598, iterations: 2000) == 0.08922900259494781)
        #expect(BoostingConfig.automaticLearningRate(loss: .rmse, trainingRows: 2050, iterations: 2000) == 0.03734299913048744)
        #expect(BoostingConfig.automaticLearningRate(loss: .multiclass(3), trainingRows: 100, iterations: 10) == 0.5)
        let (train, validation, _) = Self.split(TabularFixtures.thresholdAndCategory(rows: 400, seed: 21))
        var config = Self.fast
        config.learningRate = nil
        let automatic = try GradientBoostingModel.train(train: train, validation: validation, config: config, seed: 1)
        #expect(automatic.learningRate == BoostingConfig.automaticLearningRate(loss: .logloss, trainingRows: 200, iterations: 150))
        #expect(try GradientBoostingModel.train(train: train, validation: validation, config: Self.fast, seed: 1).learningRate == 0.1)
    }

    static func trainer(_ loss: GradientBoostingModel.Loss, y: [Double], config: BoostingConfig) -> Trainer {
        Trainer(loss: loss, config: config, quantizer: BoostingQuantizer(), bins: [], y: y, validationBins: [], validationY: [],
                threadCount: 1, parentMemoryLimit: 0)
    }

    /// Two rows at score 0 (p = 1/3 each), labels 0 and 1, λ = 1: Σ(p − y) = (−1/3, −1/3, 2/3) and the summed
    /// softmax Hessian is (2/3)I − (2/9)J, which maps that gradient (orthogonal to the ones vector) to (2/3) of itself,
    /// so the Newton step is (1/3, 1/3, −2/3) / (2/3 + 1) = (0.2, 0.2, −0.4). The per-class diagonal would give
    /// 0.231, 0.231, −0.462.
    @Test func multiclassLeafIsTheFullHessianNewtonStep() {
        let config = BoostingConfig(learningRate: 1, l2LeafRegularization: 1)
        let values = Self.trainer(.multiclass(3), y: [0, 1], config: config)
            .leafValues(leaves: 1, leaf: [0, 0], scores: [0, 0, 0, 0, 0, 0], weights: [1, 1], lambda: 1)
        #expect(zip(values, [0.2, 0.2, -0.4]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(values)")
    }

    /// Logloss leaves take CatBoost's 10 Newton steps: labels 1, 1, 1, 0 from score 0 with λ = 3. Every step
    /// lowers the loss here, so none is halved; one step alone would stop at 1 / (1 + 3) = 0.25.
    @Test func loglossLeafTakesTenNewtonSteps() {
        let y: [Double] = [1, 1, 1, 0]
        var s = 0.0
        for _ in 0..<10 {
            let p = 1 / (1 + exp(-s))
            s += (3 - 4 * p) / (4 * p * (1 - p) + 3)
        }
        let config = BoostingConfig(learningRate: 0.5)
        let values = Self.trainer(.logloss, y: y, config: config)
            .leafValues(leaves: 1, leaf: [0, 0, 0, 0], scores: [0, 0, 0, 0], weights: [1, 1, 1, 1], lambda: 3)
        #expect(abs(values[0] - 0.5 * s) < 1e-12 && s > 0.9, "\(values) vs \(0.5 * s)")
        var one = config
        one.leafEstimationIterations = 1
        let single = Self.trainer(.logloss, y: y, config: one)
            .leafValues(leaves: 1, leaf: [0, 0, 0, 0], scores: [0, 0, 0, 0], weights: [1, 1, 1, 1], lambda: 3)
        #expect(abs(single[0] - 0.5 * 0.25) < 1e-12)
    }

    @Test func invalidSettingsAndMismatchedFramesAreRejected() {
        let frame = TabularFixtures.thresholdAndCategory(rows: 100, seed: 18)
        var config = Self.fast
        config.borderCount = 300
        #expect(throws: TabularEvaluationError.invalidConfig("borderCount must be in 1...254, got 300")) {
            try GradientBoostingModel.train(train: frame, validation: frame, config: config, seed: 0)
        }
        var other = frame
        other.numericNames = ["a", "b"]
        #expect(throws: TabularEvaluationError.self) {
            try BoostingEvaluator(config: Self.fast).score(train: frame, validation: other, test: frame, seed: 0)
        }
    }
}
