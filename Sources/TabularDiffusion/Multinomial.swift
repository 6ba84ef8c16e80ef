import Foundation
import NN
import Tensor

/// Where each categorical feature's one-hot block sits in a row: feature f holds columns
/// `offsets[f] ..< offsets[f] + cardinalities[f]`.
public struct CategoricalLayout: Equatable, Sendable {
    public let cardinalities: [Int]
    public let offsets: [Int]
    public var width: Int { cardinalities.reduce(0, +) }
    public var count: Int { cardinalities.count }

    public init(cardinalities: [Int]) {
        self.cardinalities = cardinalities
        var offsets: [Int] = []
        var at = 0
        for k in cardinalities { offsets.append(at); at += k }
        self.offsets = offsets
    }
}

/// Multinomial diffusion (Hoogeboom et al. 2021) as TabDDPM runs it: q(x_t | x_{t−1}) keeps a category with
/// probability α_t and otherwise draws one uniformly; the model predicts x₀ and its reverse step is the exact
/// posterior q(x_{t−1} | x_t, x̂₀).
///
/// The reference computes everything in log space. Only the model's side needs that (its log-probabilities enter
/// the loss); the posteriors of data and sampling are products of two mixtures with few distinct values, so they
/// are computed directly as probabilities in double precision — the same distributions, without a logarithm per
/// category and step. Rows are flat row-major `[row · layout.width + column]` arrays; codes are `[row][feature]`.
public struct MultinomialDiffusion: Sendable {
    public let schedule: NoiseSchedule
    public let layout: CategoricalLayout
    /// log of the one-hot zero: the reference clamps probabilities at 1e-30 before the log.
    public static let logZero = log(1e-30)

    public init(schedule: NoiseSchedule, layout: CategoricalLayout) {
        self.schedule = schedule
        self.layout = layout
    }

    /// log one-hot rows of `codes` (the network's input in the reference).
    public func logOneHot(_ codes: [[Int]]) -> [Double] {
        let w = layout.width
        var out = [Double](repeating: Self.logZero, count: codes.count * w)
        for (r, row) in codes.enumerated() {
            for (f, code) in row.enumerated() { out[r * w + layout.offsets[f] + code] = 0 }
        }
        return out
    }

    /// One-hot rows of `codes`.
    public func oneHot(_ codes: [[Int]]) -> [Double] {
        let w = layout.width
        var out = [Double](repeating: 0, count: codes.count * w)
        for (r, row) in codes.enumerated() {
            for (f, code) in row.enumerated() { out[r * w + layout.offsets[f] + code] = 1 }
        }
        return out
    }

    /// Draws x_t ~ q(x_t | x₀) = ᾱ_t·x₀ + (1 − ᾱ_t)/K: keep x₀ with probability ᾱ_t, else a uniform category.
    public func noised(_ codes: [[Int]], t: [Int], rng: RandomGenerator) -> [[Int]] {
        let c = layout.count
        let u = rng.uniform([max(codes.count * c * 2, 1)]).scalars
        return codes.indices.map { r in
            (0..<c).map { f in
                let i = 2 * (r * c + f)
                if Double(u[i]) < schedule.alphasCumulative[t[r]] { return codes[r][f] }
                return min(Int(Double(u[i + 1]) * Double(layout.cardinalities[f])), layout.cardinalities[f] - 1)
            }
        }
    }

    /// q(x_{t−1} | x_t, x₀) ∝ (ᾱ_{t−1}·x₀ + (1 − ᾱ_{t−1})/K) ⊙ (α_t·x_t + (1 − α_t)/K), normalised per feature, for
    /// x₀ given as probabilities `start` (one-hot for data, the model's softmax when sampling). At t = 0 the
    /// "previous" distribution is x₀ itself.
    public func posterior(start: [Double], current: [[Int]], t: [Int]) -> [Double] {
        let w = layout.width
        var out = [Double](repeating: 0, count: start.count)
        for r in t.indices {
            let keepPrevious = t[r] == 0 ? 1 : schedule.alphasCumulative[t[r] - 1]
            let alpha = schedule.alphas[t[r]]
            for (f, k) in layout.cardinalities.enumerated() {
                let base = r * w + layout.offsets[f], uniform = 1 / Double(k)
                var total = 0.0
                for c in 0..<k {
                    let previous = keepPrevious * start[base + c] + (1 - keepPrevious) * uniform
                    let step = (c == current[r][f] ? alpha : 0) + (1 - alpha) * uniform
                    out[base + c] = previous * step
                    total += out[base + c]
                }
                for c in 0..<k { out[base + c] /= total }
            }
        }
        return out
    }

    /// One category per feature drawn from probability rows (inverse CDF, one uniform per feature).
    public func sample(probabilities: [Double], rng: RandomGenerator) -> [[Int]] {
        let w = layout.width, c = layout.count
        let rows = w == 0 ? 0 : probabilities.count / w
        let u = rng.uniform([max(rows * c, 1)]).scalars
        return (0..<rows).map { r in
            (0..<c).map { f in
                let base = r * w + layout.offsets[f], k = layout.cardinalities[f]
                let target = Double(u[r * c + f])
                var cumulative = 0.0
                for code in 0..<k {
                    cumulative += probabilities[base + code]
                    if target < cumulative { return code }
                }
                return k - 1
            }
        }
    }

    /// KL(q(x_T | x₀) ‖ uniform) summed over features: the prior term of the bound. q(x_T | x₀) puts
    /// ᾱ + (1 − ᾱ)/K on x₀ and (1 − ᾱ)/K elsewhere, so the term is the same for every row.
    public var priorKL: Double {
        let ab = schedule.alphasCumulative[schedule.steps - 1]
        return layout.cardinalities.reduce(0) { sum, k in
            let kk = Double(k), on = ab + (1 - ab) / kk, off = (1 - ab) / kk
            return sum + on * log(on * kk) + (kk - 1) * (off > 0 ? off * log(off * kk) : 0)
        }
    }

    /// The model's log p(x_{t−1} | x_t): the posterior with x₀ replaced by the softmax of `logits` per feature,
    /// computed in log space as the reference does. Differentiable in `logits` ([rows, width]).
    public func modelLogPosterior(logits: Tensor, current: [[Int]], t: [Int]) -> Tensor {
        let rows = logits.shape[0], w = layout.width
        let logStart = perFeature(logits) { $0.logSoftmax(axis: 1) }
        // log-sum-exp of (x̂₀ + log ᾱ_{t−1}) and (log(1 − ᾱ_{t−1}) − log K); at t = 0 only x̂₀ counts.
        var shift = [Float](repeating: 0, count: rows)
        var other = [Float](repeating: -1e4, count: rows * w)
        var step = [Float](repeating: 0, count: rows * w)
        for r in 0..<rows {
            let alpha = schedule.alphas[t[r]]
            if t[r] > 0 {
                shift[r] = Float(schedule.logAlphaCumulative[t[r] - 1])
            }
            for (f, k) in layout.cardinalities.enumerated() {
                let base = r * w + layout.offsets[f]
                let logK = log(Double(k))
                let off = Float(schedule.logOneMinusAlpha[t[r]] - logK), on = Float(log(alpha + (1 - alpha) / Double(k)))
                let mixed = t[r] > 0 ? Float(schedule.logOneMinusAlphaCumulative[t[r] - 1] - logK) : -1e4
                for c in 0..<k {
                    other[base + c] = mixed
                    step[base + c] = c == current[r][f] ? on : off
                }
            }
        }
        let shifted = logStart + Tensor(shift, shape: [rows, 1])
        let constant = Tensor(other, shape: [rows, w])
        let previous = withoutGrad { Tensor.maximum(shifted, constant) }
        let mixed = previous + ((shifted - previous).exp() + (constant - previous).exp()).log()
        let unnormalised = mixed + Tensor(step, shape: [rows, w])
        return perFeature(unnormalised) { $0 - $0.logSumExp(axis: 1, keepingDims: true) }
    }

    /// Applies `body` to each feature's block of columns and joins the results.
    func perFeature(_ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        let blocks = layout.cardinalities.indices.map { f in
            body(x.sliced(axis: 1, layout.offsets[f]..<(layout.offsets[f] + layout.cardinalities[f])))
        }
        return blocks.count == 1 ? blocks[0] : Tensor.concat(blocks, axis: 1)
    }

    /// Per-feature softmax of logit rows, in double precision.
    public func softmax(_ logits: [Float]) -> [Double] {
        let w = layout.width
        var out = [Double](repeating: 0, count: logits.count)
        for r in 0..<(w == 0 ? 0 : logits.count / w) {
            for (f, k) in layout.cardinalities.enumerated() {
                let base = r * w + layout.offsets[f]
                var m = -Float.infinity
                for c in 0..<k { m = max(m, logits[base + c]) }
                var total = 0.0
                for c in 0..<k { out[base + c] = exp(Double(logits[base + c] - m)); total += out[base + c] }
                for c in 0..<k { out[base + c] /= total }
            }
        }
        return out
    }
}
