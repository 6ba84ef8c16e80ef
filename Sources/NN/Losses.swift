import Foundation
import Tensor

/// How a loss combines its per-element values.
public enum LossReduction: Sendable {
    /// The average over all elements.
    case mean
    /// The total.
    case sum
    /// Per-element values, same shape as the prediction.
    case none

    func apply(_ t: Tensor) -> Tensor {
        switch self {
        case .mean: t.mean()
        case .sum: t.sum()
        case .none: t
        }
    }
}

private func checkSameShape(_ a: Tensor, _ b: Tensor, _ op: String) {
    check(a.shape == b.shape, "\(op): shapes \(a.shape) and \(b.shape) differ")
}

/// (prediction − target)².
public func meanSquaredError(predicted: Tensor, expected: Tensor, reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(predicted, expected, "meanSquaredError")
    return reduction.apply((predicted - expected).squared())
}

/// |prediction − target|.
public func l1Loss(predicted: Tensor, expected: Tensor, reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(predicted, expected, "l1Loss")
    return reduction.apply((predicted - expected).abs())
}

/// Binary cross-entropy of targets y ∈ [0, 1] under σ(logits), computed stably as softplus(x) − x·y
/// (never forms σ(x) or log σ(x), so it does not overflow for large |x|). Its gradient is σ(x) − y.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    checkSameShape(logits, targets, "binaryCrossEntropy")
    return reduction.apply(logits.softplus() - logits * targets)
}

/// The negative log-likelihood of binary (or [0, 1]-valued) data under Bernoulli(σ(logits)): the same values as
/// `binaryCrossEntropy`, summed by default as in a VAE's reconstruction term.
public func bernoulliNLL(logits: Tensor, targets: Tensor, reduction: LossReduction = .sum) -> Tensor {
    binaryCrossEntropy(logits: logits, targets: targets, reduction: reduction)
}

/// Softmax cross-entropy from `logits` [N, C] (or [..., C], flattened to rows) and one class label per row.
/// Rows whose label equals `ignoreIndex` contribute nothing; `.mean` averages over the other rows (zero when
/// every row is ignored).
public func crossEntropy(logits: Tensor, labels: [Int], ignoreIndex: Int? = -100,
                         reduction: LossReduction = .mean) -> Tensor {
    check(logits.rank >= 1, "crossEntropy: logits must have a class axis")
    let classes = logits.shape[logits.rank - 1]
    let rows = logits.count / max(classes, 1)
    check(labels.count == rows, "crossEntropy: \(labels.count) labels for \(rows) rows of logits \(logits.shape)")
    var kept = 0
    var mask = [Float](repeating: 0, count: rows * classes)
    for (r, label) in labels.enumerated() {
        if let ignoreIndex, label == ignoreIndex { continue }
        check(label >= 0 && label < classes, "crossEntropy: label \(label) out of range 0..<\(classes)")
        mask[r * classes + label] = 1
        kept += 1
    }
    let logProbabilities = logits.reshaped([rows, classes]).logSoftmax(axis: 1)
    let perRow = -(logProbabilities * Tensor(mask, shape: [rows, classes])).sum(axes: [1])
    switch reduction {
    case .mean: return perRow.sum() * (1 / Float(max(kept, 1)))
    case .sum: return perRow.sum()
    case .none: return perRow.reshaped(Array(logits.shape.dropLast()))
    }
}

private let log2π = Float(Foundation.log(2 * Double.pi))

/// −log N(x; mean, exp(logVariance)) = ½(log 2π + logVariance + (x − mean)²·exp(−logVariance)), per element.
/// `includeConstant: false` drops the ½·log 2π term (PyTorch's `GaussianNLLLoss` default).
public func gaussianNLL(_ x: Tensor, mean: Tensor, logVariance: Tensor, includeConstant: Bool = true,
                        reduction: LossReduction = .sum) -> Tensor {
    var nll = (logVariance + (x - mean).squared() * (-logVariance).exp()) * 0.5
    if includeConstant { nll = nll + 0.5 * log2π }
    return reduction.apply(nll)
}

/// −log N(x; mean, variance) per element, with the variance clamped below at `minimumVariance`.
public func gaussianNLL(_ x: Tensor, mean: Tensor, variance: Tensor, minimumVariance: Float = 1e-6,
                        includeConstant: Bool = true, reduction: LossReduction = .sum) -> Tensor {
    let v = variance.clamped(min: minimumVariance)
    var nll = (v.log() + (x - mean).squared() / v) * 0.5
    if includeConstant { nll = nll + 0.5 * log2π }
    return reduction.apply(nll)
}

/// KL(N(mean₁, exp(logVar₁)) ‖ N(mean₂, exp(logVar₂))) for diagonal Gaussians, per element:
/// ½(logVar₂ − logVar₁ + (exp(logVar₁) + (mean₁ − mean₂)²)·exp(−logVar₂) − 1).
public func gaussianKL(mean1: Tensor, logVariance1: Tensor, mean2: Tensor, logVariance2: Tensor,
                       reduction: LossReduction = .sum) -> Tensor {
    let ratio = (logVariance1.exp() + (mean1 - mean2).squared()) * (-logVariance2).exp()
    return reduction.apply((logVariance2 - logVariance1 + ratio - 1) * 0.5)
}

/// KL(N(mean, exp(logVariance)) ‖ N(0, 1)) per element: ½(exp(logVar) + mean² − 1 − logVar) (the VAE prior term).
public func gaussianKL(mean: Tensor, logVariance: Tensor, reduction: LossReduction = .sum) -> Tensor {
    reduction.apply((logVariance.exp() + mean.squared() - 1 - logVariance) * 0.5)
}
