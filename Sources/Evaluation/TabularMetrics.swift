import Datasets

/// Why a tabular evaluation could not run. Each message names the input or setting that is wrong.
public enum TabularEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting outside its allowed range.
    case invalidConfig(String)
    /// Frames that cannot be used together or are unusable (no rows, different columns or tasks).
    case invalidData(String)

    public var description: String {
        switch self {
        case let .invalidConfig(reason): return "boosting/evaluator settings: \(reason)"
        case let .invalidData(reason): return "tabular data: \(reason)"
        }
    }
}

/// The scores of the paper's machine-learning-efficiency protocol (TabDDPM `scripts/eval_*.py`).
public enum TabularMetrics {
    /// scikit-learn's `classification_report(...)["macro avg"]["f1-score"]`: the unweighted mean over the
    /// classes present in `expected` ∪ `predicted` of F1 = 2·TP / (2·TP + FP + FN).
    ///
    /// A class that occurs in only one of the two lists gets F1 = 0 (scikit-learn's `zero_division="warn"`
    /// behaviour: the undefined precision or recall counts as 0, and 2·TP/(2·TP+FP+FN) is then 0 as well).
    /// Classes absent from both are left out of the mean, as scikit-learn takes its labels from the union, so the
    /// 0/0 case never arises. `classCount` bounds the labels.
    public static func macroF1(predicted: [Int], expected: [Int], classCount: Int) -> Double {
        precondition(predicted.count == expected.count, "macroF1: \(predicted.count) predictions for \(expected.count) labels")
        var truePositive = [Int](repeating: 0, count: classCount)
        var predictedCount = truePositive, expectedCount = truePositive
        for (p, e) in zip(predicted, expected) {
            precondition(p >= 0 && p < classCount && e >= 0 && e < classCount,
                         "macroF1: label \(max(p, e)) outside 0..<\(classCount)")
            predictedCount[p] += 1
            expectedCount[e] += 1
            if p == e { truePositive[p] += 1 }
        }
        var sum = 0.0, present = 0
        for k in 0..<classCount where predictedCount[k] + expectedCount[k] > 0 {
            // 2·TP + FP + FN = predicted + expected.
            sum += 2 * Double(truePositive[k]) / Double(predictedCount[k] + expectedCount[k])
            present += 1
        }
        return present > 0 ? sum / Double(present) : 0
    }

    /// scikit-learn's `r2_score`: 1 − SS_res / SS_tot. A constant target gives 1 for a perfect prediction and
    /// 0 otherwise (`force_finite=True`).
    public static func r2Score(predicted: [Double], expected: [Double]) -> Double {
        precondition(predicted.count == expected.count, "r2Score: \(predicted.count) predictions for \(expected.count) values")
        guard !expected.isEmpty else { return 0 }
        let mean = expected.reduce(0, +) / Double(expected.count)
        var residual = 0.0, total = 0.0
        for (p, e) in zip(predicted, expected) {
            residual += (e - p) * (e - p)
            total += (e - mean) * (e - mean)
        }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    /// The fraction of exact matches.
    public static func accuracy(predicted: [Int], expected: [Int]) -> Double {
        precondition(predicted.count == expected.count, "accuracy: \(predicted.count) predictions for \(expected.count) labels")
        guard !expected.isEmpty else { return 0 }
        return Double(zip(predicted, expected).filter { $0 == $1 }.count) / Double(expected.count)
    }

    /// Root mean squared error.
    public static func rootMeanSquaredError(predicted: [Double], expected: [Double]) -> Double {
        precondition(predicted.count == expected.count, "rmse: \(predicted.count) predictions for \(expected.count) values")
        guard !expected.isEmpty else { return 0 }
        return (zip(predicted, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(expected.count)).squareRoot()
    }
}

/// One evaluation of a model on a test split: the paper's headline metric (macro-F1 for classification, R² for
/// regression) and the secondary scores the reference also stores.
public struct TabularScore: Codable, Equatable, Sendable {
    /// "f1" or "r2".
    public var metric: String
    public var value: Double
    /// Classification only.
    public var accuracy: Double?
    /// Regression only.
    public var rmse: Double?

    public init(metric: String, value: Double, accuracy: Double? = nil, rmse: Double? = nil) {
        self.metric = metric
        self.value = value
        self.accuracy = accuracy
        self.rmse = rmse
    }
}

/// Scores predictions against a test frame by the task's metric.
public enum TabularEvaluation {
    /// Scores class predictions (classification frames).
    public static func score(classes predicted: [Int], on test: TabularFrame) -> TabularScore {
        precondition(test.isClassification, "score(classes:on:) needs a classification frame, got \(test.task.rawValue)")
        let expected = test.labels
        return TabularScore(metric: "f1",
                            value: TabularMetrics.macroF1(predicted: predicted, expected: expected, classCount: test.classCount),
                            accuracy: TabularMetrics.accuracy(predicted: predicted, expected: expected))
    }

    /// Scores value predictions (regression frames).
    public static func score(values predicted: [Double], on test: TabularFrame) -> TabularScore {
        precondition(!test.isClassification, "score(values:on:) needs a regression frame, got \(test.task.rawValue)")
        return TabularScore(metric: "r2", value: TabularMetrics.r2Score(predicted: predicted, expected: test.y),
                            rmse: TabularMetrics.rootMeanSquaredError(predicted: predicted, expected: test.y))
    }

    /// Checks that evaluation frames share columns, levels and task and are not empty.
    static func checkCompatible(_ frames: [(String, TabularFrame)]) throws {
        guard let (firstName, first) = frames.first else { return }
        for (name, frame) in frames {
            guard frame.rowCount > 0 else { throw TabularEvaluationError.invalidData("the \(name) frame has no rows") }
            guard frame.task == first.task, frame.numericNames == first.numericNames,
                  frame.categoricalNames == first.categoricalNames, frame.levels == first.levels,
                  frame.classNames == first.classNames else {
                throw TabularEvaluationError.invalidData(
                    "the \(name) frame's task, columns, levels or classes differ from the \(firstName) frame's")
            }
        }
    }
}

/// A downstream model that is trained on one frame, early-stopped on another and scored on a third: the
/// "train on synthetic, test on real" step of the protocol.
public protocol TabularEvaluator: Sendable {
    func score(train: TabularFrame, validation: TabularFrame, test: TabularFrame, seed: UInt64) throws -> TabularScore
}
