import Datasets
@testable import Evaluation
import Testing

@Suite struct TabularMetricsTests {
    // Golden values from scikit-learn 1.9.1: classification_report(..., output_dict=True)["macro avg"]["f1-score"].
    @Test func macroF1MatchesScikitLearnClassificationReport() {
        // Class 3 is never predicted, class 4 never true: both count with F1 = 0.
        let expected = [0, 1, 2, 2, 1, 0, 0, 3, 1, 2], predicted = [0, 2, 2, 2, 1, 1, 0, 1, 1, 4]
        #expect(abs(TabularMetrics.macroF1(predicted: predicted, expected: expected, classCount: 5) - 0.4076190476190476) < 1e-12)
        // A class absent from both lists (5) is left out of the mean.
        #expect(abs(TabularMetrics.macroF1(predicted: predicted, expected: expected, classCount: 6) - 0.4076190476190476) < 1e-12)
        let binaryTrue = [1, 1, 0, 1, 0, 1, 1, 1], binaryPredicted = [1, 0, 0, 1, 1, 1, 1, 1]
        #expect(abs(TabularMetrics.macroF1(predicted: binaryPredicted, expected: binaryTrue, classCount: 2) - 0.6666666666666667) < 1e-12)
    }

    // Golden values from scikit-learn 1.9.1 r2_score.
    @Test func r2MatchesScikitLearn() {
        let r2 = TabularMetrics.r2Score(predicted: [2.5, 0.0, 2.1, 7.8, 3.9], expected: [3.0, -0.5, 2.0, 7.0, 4.2])
        #expect(abs(r2 - 0.9594665271966527) < 1e-12)
        #expect(TabularMetrics.r2Score(predicted: [1, 1, 1], expected: [1, 1, 1]) == 1)
        #expect(TabularMetrics.r2Score(predicted: [1, 2, 1], expected: [1, 1, 1]) == 0)
    }

    @Test func scoreReportsTheTaskMetric() {
        let test = TabularFixtures.frame(task: .binclass, numeric: [[0, 0, 0, 0]], y: [0, 1, 1, 1])
        let score = TabularEvaluation.score(classes: [0, 1, 0, 1], on: test)
        #expect(score.metric == "f1" && score.accuracy == 0.75)
        #expect(abs(score.value - (2.0 / 3 + 0.8) / 2) < 1e-12)
        let regression = TabularFixtures.frame(task: .regression, numeric: [[0, 0]], y: [1, 3])
        let r = TabularEvaluation.score(values: [1, 1], on: regression)
        #expect(r.metric == "r2" && r.value == -1 && abs(r.rmse! - 2.0.squareRoot()) < 1e-12)
    }
}
