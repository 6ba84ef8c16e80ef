import Foundation

/// The noise levels β₁…β_T shared by the Gaussian and the multinomial diffusion, with the derived constants both
/// need, in double precision (the reference computes them in float64 too).
public struct NoiseSchedule: Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Nichol & Dhariwal's ᾱ(t) = cos²((t/T + 0.008)/1.008 · π/2), β capped at 0.999: the reference's default.
        case cosine
        /// DDPM's linear β from 1e-4 to 0.02, rescaled to T steps.
        case linear
    }

    public let steps: Int
    public let betas: [Double]
    public let alphas: [Double]
    /// ᾱ_t = ∏_{s≤t} α_s.
    public let alphasCumulative: [Double]
    /// ᾱ_{t−1}, with ᾱ_{−1} = 1.
    public let alphasCumulativePrevious: [Double]
    /// Variance of q(x_{t−1} | x_t, x₀).
    public let posteriorVariance: [Double]
    /// Mean of q(x_{t−1} | x_t, x₀) = coefficientStart·x₀ + coefficientCurrent·x_t.
    public let posteriorCoefficientStart: [Double]
    public let posteriorCoefficientCurrent: [Double]
    /// log α_t, log(1 − α_t), log ᾱ_t and log(1 − ᾱ_t), for the multinomial part in log space.
    public let logAlpha: [Double]
    public let logOneMinusAlpha: [Double]
    public let logAlphaCumulative: [Double]
    public let logOneMinusAlphaCumulative: [Double]

    public init(_ kind: Kind, steps: Int) {
        precondition(steps >= 1, "NoiseSchedule: at least one step")
        self.steps = steps
        switch kind {
        case .cosine:
            func alphaBar(_ t: Double) -> Double { pow(cos((t + 0.008) / 1.008 * Double.pi / 2), 2) }
            betas = (0..<steps).map { i in
                min(1 - alphaBar(Double(i + 1) / Double(steps)) / alphaBar(Double(i) / Double(steps)), 0.999)
            }
        case .linear:
            let scale = 1000 / Double(steps), start = scale * 1e-4, end = scale * 0.02
            betas = (0..<steps).map { steps == 1 ? start : start + (end - start) * Double($0) / Double(steps - 1) }
        }
        alphas = betas.map { 1 - $0 }
        var cumulative: [Double] = []
        var product = 1.0
        for a in alphas { product *= a; cumulative.append(product) }
        alphasCumulative = cumulative
        let previous: [Double] = [1] + cumulative.dropLast()
        alphasCumulativePrevious = previous
        var variance: [Double] = [], start: [Double] = [], current: [Double] = []
        for t in 0..<steps {
            let beta = betas[t], denominator = 1 - cumulative[t]
            variance.append(beta * (1 - previous[t]) / denominator)
            start.append(beta * previous[t].squareRoot() / denominator)
            current.append((1 - previous[t]) * alphas[t].squareRoot() / denominator)
        }
        posteriorVariance = variance
        posteriorCoefficientStart = start
        posteriorCoefficientCurrent = current
        logAlpha = alphas.map { log($0) }
        logOneMinusAlpha = logAlpha.map { Self.logOneMinusExp($0) }
        var logCumulative: [Double] = []
        var sum = 0.0
        for l in logAlpha { sum += l; logCumulative.append(sum) }
        logAlphaCumulative = logCumulative
        logOneMinusAlphaCumulative = logCumulative.map { Self.logOneMinusExp($0) }
    }

    /// log(1 − eᵃ) for a < 0, accurate near 0 (the reference adds 1e-40 inside the log instead).
    static func logOneMinusExp(_ a: Double) -> Double {
        a > -0.693 ? log(-expm1(a)) : log1p(-exp(a))
    }

    /// The variance of a reverse Gaussian step: β_t, except the first step uses the posterior variance of step 1
    /// (the reference's "fixed large" choice; the last step adds no noise anyway).
    public func reverseVariance(_ t: Int) -> Double {
        t == 0 ? (steps > 1 ? posteriorVariance[1] : betas[0]) : betas[t]
    }
}
