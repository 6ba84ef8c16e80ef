import Foundation
import Tensor

/// A one-dimensional variational Gaussian mixture with a Dirichlet-process prior on the weights: scikit-learn's
/// `BayesianGaussianMixture(n_components, weight_concentration_prior_type="dirichlet_process",
/// weight_concentration_prior=0.001)` as CTGAN/TVAE's transformer fits it, with scikit-learn's other defaults
/// (mean precision prior 1, mean prior = data mean, one degree of freedom, covariance prior = data variance,
/// `reg_covar` 1e-6, k-means initialisation with one k-means++ start, at most 100 iterations, tolerance 1e-3 on
/// the lower bound). The tiny concentration prior starves superfluous components, whose weights then fall
/// below the caller's threshold.
public struct GaussianMixture: Codable, Equatable, Sendable {
    /// Mixture weights (the mean of the stick-breaking posterior), summing to 1.
    public var weights: [Double]
    public var means: [Double]
    /// Expected variances (scikit-learn's `covariances_`).
    public var variances: [Double]
    /// Posterior parameters the responsibilities need.
    var concentrationA: [Double], concentrationB: [Double], meanPrecision: [Double], degreesOfFreedom: [Double]

    public var componentCount: Int { means.count }

    static let concentrationPrior = 1e-3
    static let regularisation = 1e-6
    static let maxIterations = 100
    static let tolerance = 1e-3

    /// Fits `components` components (fewer when there are fewer values) to `values`.
    public init(fitting values: [Double], components: Int = 10, rng: RandomGenerator) {
        check(!values.isEmpty, "GaussianMixture: no values to fit")
        let k = max(1, min(components, values.count))
        let n = Double(values.count)
        let meanPrior = values.reduce(0, +) / n
        // np.cov: the unbiased variance (zero for a single value).
        let variancePrior = values.count > 1 ? values.map { ($0 - meanPrior) * ($0 - meanPrior) }.reduce(0, +) / (n - 1) : 0
        let labels = Self.kMeans(values, clusters: k, rng: rng)
        var responsibilities = [Double](repeating: 0, count: values.count * k)
        for (i, label) in labels.enumerated() { responsibilities[i * k + label] = 1 }

        weights = []; means = []; variances = []
        concentrationA = []; concentrationB = []; meanPrecision = []; degreesOfFreedom = []
        mStep(values, responsibilities, meanPrior: meanPrior, variancePrior: variancePrior)
        var lowerBound = -Double.infinity
        for _ in 0..<Self.maxIterations {
            let entropy: Double
            (responsibilities, entropy) = eStep(values)
            mStep(values, responsibilities, meanPrior: meanPrior, variancePrior: variancePrior)
            let previous = lowerBound
            lowerBound = entropy + boundTerms()
            if Swift.abs(lowerBound - previous) < Self.tolerance { break }
        }
        weights = Self.stickBreakingWeights(concentrationA, concentrationB)
    }

    /// scikit-learn's M-step for the "full" covariance of one feature.
    private mutating func mStep(_ x: [Double], _ resp: [Double], meanPrior: Double, variancePrior: Double) {
        let k = resp.count / x.count
        var nk = [Double](repeating: 10 * Double.ulpOfOne, count: k), sums = [Double](repeating: 0, count: k)
        for i in x.indices { for j in 0..<k { nk[j] += resp[i * k + j]; sums[j] += resp[i * k + j] * x[i] } }
        let xk = (0..<k).map { sums[$0] / nk[$0] }
        var sk = [Double](repeating: 0, count: k)
        for i in x.indices { for j in 0..<k { let d = x[i] - xk[j]; sk[j] += resp[i * k + j] * d * d } }
        for j in 0..<k { sk[j] = sk[j] / nk[j] + Self.regularisation }
        concentrationA = nk.map { 1 + $0 }
        var tail = 0.0
        concentrationB = [Double](repeating: 0, count: k)
        for j in stride(from: k - 1, through: 0, by: -1) { concentrationB[j] = Self.concentrationPrior + tail; tail += nk[j] }
        meanPrecision = nk.map { 1 + $0 }
        means = (0..<k).map { (meanPrior + nk[$0] * xk[$0]) / meanPrecision[$0] }
        degreesOfFreedom = nk.map { 1 + $0 }
        variances = (0..<k).map { j in
            let d = xk[j] - meanPrior
            return (variancePrior + nk[j] * sk[j] + nk[j] / meanPrecision[j] * d * d) / degreesOfFreedom[j]
        }
    }

    /// q(component | x) for every value, row-major [values.count, components], and its entropy summed over values.
    func eStep(_ x: [Double]) -> (responsibilities: [Double], entropy: Double) {
        let k = componentCount
        var logWeight = [Double](repeating: 0, count: k), stick = 0.0
        for j in 0..<k {
            let total = digamma(concentrationA[j] + concentrationB[j])
            logWeight[j] = digamma(concentrationA[j]) - total + stick
            stick += digamma(concentrationB[j]) - total
        }
        // E[log N(x | μ, Λ)] under the Normal-Wishart posterior, as scikit-learn writes it for one feature.
        let constant = (0..<k).map { j in
            logWeight[j] - 0.5 * Foundation.log(2 * Double.pi) - 0.5 * Foundation.log(variances[j])
                - 0.5 * Foundation.log(degreesOfFreedom[j])
                + 0.5 * (Foundation.log(2) + digamma(0.5 * degreesOfFreedom[j]) - 1 / meanPrecision[j])
        }
        let precision = variances.map { 0.5 / $0 }
        var out = [Double](repeating: 0, count: x.count * k), row = [Double](repeating: 0, count: k)
        var entropy = 0.0
        for i in x.indices {
            var top = -Double.infinity
            for j in 0..<k {
                let d = x[i] - means[j]
                row[j] = constant[j] - d * d * precision[j]
                top = max(top, row[j])
            }
            var sum = 0.0
            for j in 0..<k { let e = Foundation.exp(row[j] - top); out[i * k + j] = e; sum += e }
            let logNorm = top + Foundation.log(sum)
            for j in 0..<k {
                out[i * k + j] /= sum
                entropy -= out[i * k + j] * (row[j] - logNorm)
            }
        }
        return (out, entropy)
    }

    /// The posterior probability of each component for every value, row-major [values.count, components].
    public func responsibilities(_ x: [Double]) -> [Double] { eStep(x).responsibilities }

    /// scikit-learn's lower bound without the entropy term (its constants dropped as scikit-learn drops them).
    private func boundTerms() -> Double {
        var logWishart = 0.0, logNormWeight = 0.0, logMeanPrecision = 0.0
        for j in 0..<componentCount {
            let nu = degreesOfFreedom[j]
            let logDetCholesky = -0.5 * Foundation.log(variances[j]) - 0.5 * Foundation.log(nu)
            logWishart += -(nu * logDetCholesky + 0.5 * nu * Foundation.log(2) + lgamma(0.5 * nu))
            logNormWeight -= lgamma(concentrationA[j]) + lgamma(concentrationB[j]) - lgamma(concentrationA[j] + concentrationB[j])
            logMeanPrecision += Foundation.log(meanPrecision[j])
        }
        return -logWishart - logNormWeight - 0.5 * logMeanPrecision
    }

    /// E[π_j] of the stick-breaking posterior, renormalised.
    static func stickBreakingWeights(_ a: [Double], _ b: [Double]) -> [Double] {
        var remaining = 1.0
        var w = [Double]()
        for j in a.indices {
            w.append(a[j] / (a[j] + b[j]) * remaining)
            remaining *= b[j] / (a[j] + b[j])
        }
        let total = w.reduce(0, +)
        return w.map { $0 / total }
    }

    /// Lloyd's k-means in one dimension from a greedy k-means++ start (2 + ⌊ln k⌋ candidates per centre, as
    /// scikit-learn), stopping when the centres move less than 1e-4 × the data variance in total.
    static func kMeans(_ x: [Double], clusters k: Int, rng: RandomGenerator) -> [Int] {
        let n = x.count
        let mean = x.reduce(0, +) / Double(n)
        let tolerance = 1e-4 * x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        var centres = [x[rng.integer(below: n)]]
        var closest = x.map { ($0 - centres[0]) * ($0 - centres[0]) }
        let trials = 2 + Int(Foundation.log(Double(k)))
        while centres.count < k {
            let total = closest.reduce(0, +)
            guard total > 0 else { centres.append(centres[0]); continue }
            var best: (potential: Double, centre: Double, distances: [Double])? = nil
            for u in rng.uniform([trials]).scalars {
                var target = Double(u) * total, at = n - 1
                for i in 0..<n { target -= closest[i]; if target < 0 { at = i; break } }
                let candidate = x[at]
                let distances = zip(x, closest).map { min(($0 - candidate) * ($0 - candidate), $1) }
                let potential = distances.reduce(0, +)
                if best == nil || potential < best!.potential { best = (potential, candidate, distances) }
            }
            centres.append(best!.centre)
            closest = best!.distances
        }
        var labels = [Int](repeating: 0, count: n)
        func assign() {
            for i in 0..<n {
                var bestDistance = Double.infinity
                for j in 0..<k {
                    let d = Swift.abs(x[i] - centres[j])
                    if d < bestDistance { bestDistance = d; labels[i] = j }
                }
            }
        }
        for _ in 0..<300 {
            assign()
            var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
            for i in 0..<n { sums[labels[i]] += x[i]; counts[labels[i]] += 1 }
            var shift = 0.0
            for j in 0..<k where counts[j] > 0 {
                let updated = sums[j] / Double(counts[j])
                shift += (updated - centres[j]) * (updated - centres[j])
                centres[j] = updated
            }
            if shift <= tolerance { break }
        }
        assign()  // labels of the final centres, as scikit-learn returns them
        return labels
    }
}

/// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series.
func digamma(_ value: Double) -> Double {
    var x = value, result = 0.0
    while x < 10 { result -= 1 / x; x += 1 }
    let f = 1 / (x * x)
    let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    return result + Foundation.log(x) - 0.5 / x - series
}
