import Artifacts
import Datasets
import TabularBaselines
import XCTest
@testable import Chapter3

/// The training curve each cell keeps, the check that flags a generator that did not train, and the tuning
/// candidates every generator gets.
final class TrainingCheckTests: XCTestCase {
    /// Two numeric rows per class label given, binary task.
    func frame(labels: [Int]) -> TabularFrame {
        TabularFrame(task: .binclass, numericNames: ["x"], categoricalNames: [], targetName: "y", levels: [],
                     classNames: ["no", "yes"], numeric: [labels.map(Double.init)], categorical: [], y: labels.map(Double.init))
    }

    func curve(_ losses: [Double]) -> TrainingCurve {
        let recorder = CurveRecorder()
        for (i, loss) in losses.enumerated() { recorder.record(step: i + 1, total: losses.count, loss: loss) }
        return recorder.curve
    }

    func testTheCurveKeepsWindowMeansOfAtMostAHundredPoints() {
        let c = curve((1...1_000).map(Double.init))
        XCTAssertEqual(c.losses.count, 100)
        XCTAssertEqual(c.steps.first, 10)
        XCTAssertEqual(c.steps.last, 1_000)
        XCTAssertEqual(c.losses.first, 5.5)
        XCTAssertEqual(c.losses.last, 995.5)
        // First and last tenth: windows 1–10 and 91–100.
        XCTAssertEqual(c.firstAndLast?.first, 50.5)
        XCTAssertEqual(c.firstAndLast?.last, 950.5)
        let short = curve([3, 2, 1])
        XCTAssertEqual(short.steps, [1, 2, 3])
        XCTAssertEqual(short.losses, [3, 2, 1])
    }

    func testOneClassOrAStillLossIsFlaggedAndATrainedGeneratorIsNot() {
        let real = frame(labels: [0, 1, 0, 1])
        let falling = curve((1...200).map { 10 / Double($0) })
        XCTAssertNil(TrainingCheck.problem(curve: falling, sample: frame(labels: [1, 0, 0]), real: real))
        let oneClass = TrainingCheck.problem(curve: falling, sample: frame(labels: [1, 1, 1]), real: real)
        XCTAssertEqual(oneClass, "every synthetic row has class yes")
        let still = TrainingCheck.problem(curve: curve(Array(repeating: 2.5, count: 200)), sample: frame(labels: [1, 0]), real: real)
        XCTAssertNotNil(still)
        XCTAssertTrue(still?.contains("never moved") ?? false, still ?? "")
        // A GAN's loss may rise while it trains: it moved.
        XCTAssertNil(TrainingCheck.problem(curve: curve((1...200).map { Double($0) / 100 }), sample: frame(labels: [1, 0]), real: real))
        // SMOTE and a single-class table have nothing to flag.
        XCTAssertNil(TrainingCheck.problem(curve: TrainingCurve(), sample: frame(labels: [0, 0]), real: frame(labels: [0, 0])))
    }

    func testAnUntrainedGeneratorIsFlaggedInItsScoreCellAndCompetesForNothing() {
        let ours = Summary(mean: 0.412, std: 0), paper = Summary(mean: 0.714, std: 0.039)
        XCTAssertEqual(ChapterTables.cell(ours, paper: paper, untrained: nil), .compared(ours: ours, paper: paper))
        XCTAssertEqual(ChapterTables.cell(ours, paper: nil, untrained: nil), .value(ours))
        XCTAssertEqual(ChapterTables.cell(ours, paper: paper, untrained: "every synthetic row has class no"),
                       .text("0.412 ± 0.000 (paper 0.714 ± 0.039) ⚠ not trained: every synthetic row has class no"))
    }

    func testEveryGeneratorGetsItsOwnConfigurationFirstThenSeededDrawsFromItsSpace() {
        let base = GeneratorConfig.tvae(TVAEConfig(steps: 2_000))
        let trials = base.candidates(trials: 6, seed: 3)
        XCTAssertEqual(trials.count, 6)
        XCTAssertEqual(trials[0], base)
        XCTAssertEqual(trials, base.candidates(trials: 6, seed: 3))
        XCTAssertNotEqual(trials, base.candidates(trials: 6, seed: 4))
        for case .tvae(let c) in trials.dropFirst() {
            XCTAssertEqual(c.steps, 2_000, "the budget is the profile's")
            XCTAssertTrue((1e-4...3e-3).contains(c.learningRate) && (0.1...10).contains(c.lossFactor), "\(c)")
            XCTAssertTrue([64, 128, 256].contains(c.embeddingSize))
        }
        for case .smote(let s) in GeneratorConfig.smote(SMOTESettings()).candidates(trials: 20, seed: 1).dropFirst() {
            XCTAssertTrue((5...20).contains(s.neighbours) && (0...0.95).contains(s.lambdaMargin), "\(s)")
        }
        XCTAssertEqual(GeneratorConfig.ctgan(CTGANConfig()).candidates(trials: 1, seed: 1), [.ctgan(CTGANConfig())])
        let cheap = CTABGANConfig(variant: .ctabganPlus, steps: 1_000, batchSize: 256, channels: 16)
        for case .ctabgan(let c) in GeneratorConfig.ctabgan(cheap).candidates(trials: 20, seed: 2).dropFirst() {
            XCTAssertEqual([c.steps, c.batchSize, c.channels], [1_000, 256, 16], "budget, batch and width are the profile's")
            XCTAssertEqual(c.variant, .ctabganPlus)
            XCTAssertTrue((1e-5...3e-3).contains(c.learningRate) && (1...4).contains(c.classifierSizes.count), "\(c)")
            XCTAssertTrue(c.classifierSizes.allSatisfy { [64, 128, 256].contains($0) } && [16, 32, 64, 128].contains(c.randomDimension))
        }
    }

    func testThePaperProfileGivesCTABGANTheReferencesBudgetAndTrials() throws {
        let paper = try ChapterSettings(profile: .paper, seed: 1, datasets: ["diabetes"], models: nil)
        XCTAssertEqual([paper.ctabgan.steps, paper.ctabganPlus.steps], [10_000, 10_000])
        XCTAssertEqual([paper.trials(for: .ctabgan), paper.trials(for: .ctabganPlus), paper.trials(for: .tvae)], [35, 35, 50])
        let fair = try ChapterSettings(profile: .default, seed: 1, datasets: ["diabetes"], models: nil)
        XCTAssertEqual(Set(ModelKind.allCases.filter { $0 != .real }.map { fair.trials(for: $0) }), [fair.generatorTrials],
                       "the default profile tunes every generator equally")
    }
}
