import Foundation
import Tensor

/// Scores of imputations on held-out entries, as the GP-VAE reference computes them (ratschlab/GP-VAE train.py):
/// sums over the entries selected by `mask`, divided by their number.
public enum ImputationMetrics {
    /// Mean squared error over the masked entries. `rounded` first rounds predictions to the nearest integer with
    /// ties to even, as TensorFlow's `tf.round` does (the reference rounds HMNIST probabilities to {0, 1}).
    public static func meanSquaredError(predicted: [Float], truth: [Float], mask: [Bool], rounded: Bool = false) throws -> Double {
        try maskedMean(predicted, truth, mask) { p, y in
            let v = rounded ? p.rounded(.toNearestOrEven) : p
            return (v - y) * (v - y)
        }
    }

    /// Bernoulli negative log-likelihood (nats per entry) of binary `truth` under `probabilities`, each clipped to
    /// [ε, 1 − ε] so that a hard 0/1 imputation (forward fill) scores a large finite value rather than ∞.
    public static func bernoulliNLL(probabilities: [Float], truth: [Float], mask: [Bool], epsilon: Double = 1e-7) throws -> Double {
        try maskedMean(probabilities, truth, mask) { p, y in
            let q = Swift.min(Swift.max(p, epsilon), 1 - epsilon)
            return -(y * Foundation.log(q) + (1 - y) * Foundation.log(1 - q))
        }
    }

    /// Gaussian negative log-likelihood with unit variance (the reference's SPRITES/Physionet decoder):
    /// ½(y − μ)² + ½ log 2π per entry.
    public static func gaussianNLL(means: [Float], truth: [Float], mask: [Bool]) throws -> Double {
        try maskedMean(means, truth, mask) { m, y in 0.5 * (y - m) * (y - m) + 0.5 * Foundation.log(2 * Double.pi) }
    }

    /// MSE on the entries a fresh random mask hides, once per fraction in `fractions`: every entry is hidden
    /// independently with that probability, and `impute` receives the mask (true = missing) and returns a value for
    /// every entry. The masks depend only on `seed` and the fraction's position, so every imputer scored with one
    /// seed faces the same masks and their curves differ only by the imputers.
    public static func errorByMissingFraction(truth: [Float], fractions: [Double], seed: UInt64, rounded: Bool = false,
                                              impute: (_ missing: [Bool]) throws -> [Float]) throws -> [Double] {
        try fractions.enumerated().map { i, fraction in
            let draw = RandomGenerator(seed: seed).derived(UInt64(i)).uniform([truth.count]).scalars
            let missing = draw.map { Double($0) < fraction }
            return try meanSquaredError(predicted: impute(missing), truth: truth, mask: missing, rounded: rounded)
        }
    }

    private static func maskedMean(_ a: [Float], _ b: [Float], _ mask: [Bool], _ term: (Double, Double) -> Double) throws -> Double {
        guard a.count == b.count, a.count == mask.count else {
            throw ImputationMetricsError.sizeMismatch(predictions: a.count, truth: b.count, mask: mask.count)
        }
        var total = 0.0, n = 0
        for i in a.indices where mask[i] {
            total += term(Double(a[i]), Double(b[i]))
            n += 1
        }
        guard n > 0 else { throw ImputationMetricsError.emptyMask }
        return total / Double(n)
    }
}

public enum ImputationMetricsError: Error, Equatable, CustomStringConvertible {
    case sizeMismatch(predictions: Int, truth: Int, mask: Int)
    case emptyMask
    /// AUROC needs both classes among the labels (scikit-learn raises the same).
    case singleClass(column: Int?)
    case invalidLabels(String)

    public var description: String {
        switch self {
        case let .sizeMismatch(p, t, m): "imputation metrics: \(p) predictions, \(t) true values and \(m) mask entries differ"
        case .emptyMask: "imputation metrics: the evaluation mask selects no entry"
        case let .singleClass(column):
            "AUROC is undefined: only one class present in the labels\(column.map { " of class column \($0)" } ?? "")"
        case let .invalidLabels(message): "AUROC: \(message)"
        }
    }
}
