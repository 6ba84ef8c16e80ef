import Foundation

/// The GP baseline: each feature of each series is an independent GP over time, f ~ GP(m, s²·k_ℓ) observed with
/// noise of variance η·s², where m and s² are the feature's training mean and variance. Missing entries get the
/// posterior predictive mean and standard deviation given the same series' observed values of that feature.
///
/// ℓ and η are chosen per feature from grids by the summed log marginal likelihood of up to `fitSeries` training
/// series. Exact and in Double; O(T³) per series and feature, so meant for clinical panels, not 784 pixels.
public struct GaussianProcessImputer: Sendable {
    public struct Settings: Codable, Equatable, Sendable {
        /// The kernel family (σ and jitter are ignored: the scale is the feature's variance).
        public var kernel: GPKernel.Kind
        public var lengthScales: [Double]
        /// Noise variance as a fraction of the feature's variance.
        public var noiseFractions: [Double]
        /// How many training series (the first ones) the hyperparameter search looks at.
        public var fitSeries: Int

        public init(kernel: GPKernel.Kind = .rbf, lengthScales: [Double] = [1, 2, 4, 8, 16],
                    noiseFractions: [Double] = [0.01, 0.1, 0.3], fitSeries: Int = 200) {
            self.kernel = kernel
            self.lengthScales = lengthScales
            self.noiseFractions = noiseFractions
            self.fitSeries = fitSeries
        }
    }

    /// Per feature: prior mean, prior variance, chosen length scale and noise fraction.
    public let means: [Double]
    public let variances: [Double]
    public let lengthScales: [Double]
    public let noiseFractions: [Double]
    public let kernel: GPKernel.Kind

    /// Fixed hyperparameters, one of each per feature.
    public init(kernel: GPKernel.Kind, means: [Double], variances: [Double], lengthScales: [Double],
                noiseFractions: [Double]) throws {
        let d = means.count
        guard variances.count == d, lengthScales.count == d, noiseFractions.count == d else {
            throw GPVAEError.invalidConfig("GP imputer: one mean, variance, length scale and noise fraction per feature")
        }
        guard variances.allSatisfy({ $0 > 0 }), noiseFractions.allSatisfy({ $0 >= 0 }), lengthScales.allSatisfy({ $0 > 0 }) else {
            throw GPVAEError.invalidConfig("GP imputer: variances and length scales must be positive, noise not negative")
        }
        self.kernel = kernel
        self.means = means
        self.variances = variances
        self.lengthScales = lengthScales
        self.noiseFractions = noiseFractions
    }

    /// Fits means and variances on the observed training entries and picks ℓ and η per feature.
    public static func fit(_ train: IncompleteSeries, settings: Settings = Settings()) throws -> GaussianProcessImputer {
        guard !settings.lengthScales.isEmpty, !settings.noiseFractions.isEmpty, settings.fitSeries >= 1 else {
            throw GPVAEError.invalidConfig("GP imputer: empty length-scale or noise grid, or no series to fit on")
        }
        let means = try SimpleImputers.featureMeans(train).map(Double.init)
        let d = train.features, t = train.length
        var squares = [Double](repeating: 0, count: d), counts = [Int](repeating: 0, count: d)
        for i in train.values.indices where !train.missing[i] {
            let v = Double(train.values[i]) - means[i % d]
            squares[i % d] += v * v
            counts[i % d] += 1
        }
        // A constant feature still gets a small positive scale, so its GP is well defined.
        let variances = (0..<d).map { Swift.max(squares[$0] / Double(counts[$0]), 1e-6) }
        let grids = try settings.lengthScales.map { try unitKernel(settings.kernel, lengthScale: $0, length: t) }
        let series = Swift.min(settings.fitSeries, train.count)
        var bestScale = [Double](repeating: settings.lengthScales[0], count: d)
        var bestNoise = [Double](repeating: settings.noiseFractions[0], count: d)
        for f in 0..<d {
            var best = -Double.infinity
            for (li, k) in grids.enumerated() {
                for eta in settings.noiseFractions {
                    var total = 0.0
                    for s in 0..<series {
                        let (times, residuals) = observed(train, series: s, feature: f, mean: means[f])
                        guard !times.isEmpty else { continue }
                        total += posterior(k, t, times, residuals, variance: variances[f], noise: eta, at: []).logLikelihood
                    }
                    if total > best {
                        best = total
                        bestScale[f] = settings.lengthScales[li]
                        bestNoise[f] = eta
                    }
                }
            }
        }
        return try GaussianProcessImputer(kernel: settings.kernel, means: means, variances: variances,
                                          lengthScales: bestScale, noiseFractions: bestNoise)
    }

    /// Imputed values (observed ones kept) and the predictive standard deviation of each (0 where observed).
    public func impute(_ data: IncompleteSeries) throws -> (values: [Float], standardDeviations: [Float]) {
        guard data.features == means.count else {
            throw GPVAEError.invalidSeries("GP imputer fitted on \(means.count) features, given \(data.features)")
        }
        let t = data.length, d = data.features
        var values = data.values, deviations = [Float](repeating: 0, count: values.count)
        var kernels: [Double: [Double]] = [:]
        for f in 0..<d {
            let k: [Double]
            if let cached = kernels[lengthScales[f]] { k = cached } else {
                k = try Self.unitKernel(kernel, lengthScale: lengthScales[f], length: t)
                kernels[lengthScales[f]] = k
            }
            for s in 0..<data.count {
                let targets = (0..<t).filter { data.missing[(s * t + $0) * d + f] }
                guard !targets.isEmpty else { continue }
                let (times, residuals) = Self.observed(data, series: s, feature: f, mean: means[f])
                let p = Self.posterior(k, t, times, residuals, variance: variances[f], noise: noiseFractions[f], at: targets)
                for (j, step) in targets.enumerated() {
                    values[(s * t + step) * d + f] = Float(means[f] + p.means[j])
                    deviations[(s * t + step) * d + f] = Float(p.variances[j].squareRoot())
                }
            }
        }
        return (values, deviations)
    }

    // MARK: Exact GP algebra

    static func unitKernel(_ kind: GPKernel.Kind, lengthScale: Double, length t: Int) throws -> [Double] {
        try GPKernel(kind: kind, sigma: 1, lengthScale: lengthScale, jitter: 0).matrix(length: t)
    }

    static func observed(_ data: IncompleteSeries, series s: Int, feature f: Int, mean: Double) -> ([Int], [Double]) {
        let t = data.length, d = data.features
        let times = (0..<t).filter { !data.missing[(s * t + $0) * d + f] }
        return (times, times.map { Double(data.values[(s * t + $0) * d + f]) - mean })
    }

    /// Posterior of the noisy values at `targets` given residuals r at `times`, with A = s²(K_oo + ηI):
    /// means K_*o A⁻¹ r·s², variances s²(1 + η) − s⁴ K_*o A⁻¹ K_o*, and log N(r; 0, A).
    static func posterior(_ k: [Double], _ t: Int, _ times: [Int], _ r: [Double], variance s2: Double, noise eta: Double,
                          at targets: [Int]) -> (means: [Double], variances: [Double], logLikelihood: Double) {
        let n = times.count
        if n == 0 { return (targets.map { _ in 0 }, targets.map { _ in s2 * (1 + eta) }, 0) }
        // A = s²(K_oo + (η + tiny)I), Cholesky in place.
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = s2 * (k[times[i] * t + times[j]] + (i == j ? eta + 1e-8 : 0)) } }
        for i in 0..<n {
            for j in 0...i {
                var v = a[i * n + j]
                for m in 0..<j { v -= a[i * n + m] * a[j * n + m] }
                a[i * n + j] = i == j ? Swift.max(v, 1e-300).squareRoot() : v / a[j * n + j]
            }
        }
        func solveLower(_ b: [Double]) -> [Double] {
            var y = b
            for i in 0..<n {
                for m in 0..<i { y[i] -= a[i * n + m] * y[m] }
                y[i] /= a[i * n + i]
            }
            return y
        }
        let w = solveLower(r)  // L⁻¹r
        var logDet = 0.0
        for i in 0..<n { logDet += 2 * Foundation.log(a[i * n + i]) }
        let quad = w.reduce(0) { $0 + $1 * $1 }
        let logLikelihood = -0.5 * (quad + logDet + Double(n) * Foundation.log(2 * .pi))
        var means: [Double] = [], variances: [Double] = []
        for target in targets {
            let cross = solveLower(times.map { s2 * k[target * t + $0] })  // L⁻¹k_o*
            means.append(zip(cross, w).reduce(0) { $0 + $1.0 * $1.1 })
            let explained = cross.reduce(0) { $0 + $1 * $1 }
            variances.append(Swift.max(s2 * (1 + eta) - explained, 0))
        }
        return (means, variances, logLikelihood)
    }
}
