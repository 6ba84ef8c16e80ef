import Evaluation
import Foundation
import Testing

@Test func maskedMSEAndNLLMatchHandComputedValues() throws {
    let predicted: [Float] = [0.2, 0.5, 0.7, 1.0], truth: [Float] = [0, 1, 1, 0], mask = [true, true, true, false]
    // (0.04 + 0.25 + 0.09)/3; the unmasked 1.0 vs 0 does not count.
    #expect(Swift.abs(try ImputationMetrics.meanSquaredError(predicted: predicted, truth: truth, mask: mask) - 0.38 / 3) < 1e-7)
    // Rounded with ties to even as tf.round: 0.5 → 0, so [0, 0, 1] vs [0, 1, 1].
    #expect(Swift.abs(try ImputationMetrics.meanSquaredError(predicted: predicted, truth: truth, mask: mask, rounded: true) - 1.0 / 3) < 1e-12)
    // −(ln 0.8 + ln 0.75)/2.
    let nll = try ImputationMetrics.bernoulliNLL(probabilities: [0.8, 0.25], truth: [1, 0], mask: [true, true])
    #expect(Swift.abs(nll - 0.2554128118829953) < 1e-7)
    // A hard wrong 0/1 guess is large but finite: −ln(1e−7).
    let hard = try ImputationMetrics.bernoulliNLL(probabilities: [0], truth: [1], mask: [true])
    #expect(Swift.abs(hard - 16.11809565095832) < 1e-5)
    // ½·(3 − 1)² + ½·ln 2π.
    #expect(Swift.abs(try ImputationMetrics.gaussianNLL(means: [1], truth: [3], mask: [true]) - 2.918938533204673) < 1e-12)
    #expect(throws: ImputationMetricsError.emptyMask) {
        try ImputationMetrics.meanSquaredError(predicted: [1], truth: [1], mask: [false])
    }
    #expect(throws: ImputationMetricsError.self) { try ImputationMetrics.meanSquaredError(predicted: [1], truth: [1, 2], mask: [true]) }
}

/// Every expected value was also checked with scikit-learn 1.9.1.
@Test func aurocMatchesScikitLearnIncludingTies() throws {
    // scikit-learn's documented example: 0.75.
    #expect(try ROC.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
    // A positive tied with two negatives: each tie counts ½. Pairs: 0.5 (×2 ties) + 2 wins = 3 of 4.
    #expect(try ROC.auc(scores: [0.5, 0.5, 0.5, 0.9], labels: [true, false, false, true]) == 0.75)
    #expect(try ROC.auc(scores: [0.2, 0.2], labels: [true, false]) == 0.5)
    #expect(try ROC.auc(scores: [0.9, 0.1], labels: [false, true]) == 0)
    #expect(throws: ImputationMetricsError.singleClass(column: nil)) { try ROC.auc(scores: [1, 2], labels: [true, true]) }
    // scikit-learn's documented average-precision example: 0.8333….
    #expect(Swift.abs(try ROC.averagePrecision(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) - 5.0 / 6) < 1e-12)
    // Tied scores form one threshold: 0.9 (1 of 1, recall 1/3), then the tie at 0.5 (3 of 4, recall 1): 1/3 + 2/3·3/4.
    let tied = try ROC.averagePrecision(scores: [0.5, 0.5, 0.9, 0.1, 0.5], labels: [true, false, true, false, true])
    #expect(Swift.abs(tied - 5.0 / 6) < 1e-12)
}

@Test func macroAUROCAveragesOneVsRestColumns() throws {
    let probabilities: [[Double]] = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.6, 0.1]]
    // Class 0: 1; class 1: its positive (0.5) beats 0.2 and 0.3 but not 0.6, 2/3; class 2: 1.
    let macro = try ROC.macroAUC(probabilities: probabilities, labels: [0, 1, 2, 0])
    #expect(Swift.abs(macro - (1 + 2.0 / 3 + 1) / 3) < 1e-12)
    #expect(throws: ImputationMetricsError.singleClass(column: 2)) {
        try ROC.macroAUC(probabilities: Array(probabilities.prefix(2)) + [[0.3, 0.6, 0.1]], labels: [0, 1, 0])
    }
}

/// Re-masking at random: each fraction hides about that share of the entries, the same seed hides the same ones,
/// another seed hides others, an imputer that always says 0 scores the share of ones whatever the fraction, and the truth scores 0.
@Test func errorByMissingFractionHidesTheAskedShareWithSharedMasks() throws {
    let truth = (0..<50_000).map { Float($0 % 5 == 0 ? 1 : 0) }   // one entry in five is 1
    var seen: [[Bool]] = []
    let zero = try ImputationMetrics.errorByMissingFraction(truth: truth, fractions: [0.1, 0.5, 0.9], seed: 7, rounded: true) { missing in
        seen.append(missing)
        return [Float](repeating: 0.4, count: missing.count)        // rounds to 0
    }
    for (mask, fraction) in zip(seen, [0.1, 0.5, 0.9]) {
        #expect(Swift.abs(Double(mask.filter { $0 }.count) / Double(truth.count) - fraction) < 0.01)
    }
    for mse in zero { #expect(Swift.abs(mse - 0.2) < 0.01) }
    var again: [[Bool]] = []
    let oracle = try ImputationMetrics.errorByMissingFraction(truth: truth, fractions: [0.1, 0.5, 0.9], seed: 7) { missing in
        again.append(missing)
        return truth
    }
    #expect(again == seen)
    #expect(oracle == [0, 0, 0])
    var otherMask: [Bool] = []
    _ = try ImputationMetrics.errorByMissingFraction(truth: truth, fractions: [0.5], seed: 8) { missing in
        otherMask = missing
        return truth
    }
    #expect(otherMask != seen[1])
}
