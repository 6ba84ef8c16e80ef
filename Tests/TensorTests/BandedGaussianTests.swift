import Foundation
import Testing
@testable import Tensor

// The banded posterior against finite differences and against dense Double linear algebra.

/// Positive diagonal entries as GP-VAE makes them: softplus(x) + 1.
private func positiveDiagonal(_ x: Tensor) -> Tensor { x.softplus() + 1 }

/// A Cauchy kernel matrix on 0..<t with jitter, as a dense Double prior covariance.
private func cauchy(_ t: Int, sigma: Double = 1, lengthScale: Double = 2) -> [Double] {
    (0..<(t * t)).map { k in
        let d = Double(k / t - k % t)
        return sigma / (1 + d * d / (lengthScale * lengthScale)) + (k / t == k % t ? 1e-3 : 0)
    }
}

@Test("bidiagonal solve: gradient matches finite differences", arguments: [false, true])
func bidiagonalSolveGradient(transposed: Bool) {
    let rng = RandomGenerator(seed: 3)
    let inputs = [rng.normal([2, 3, 5]), rng.normal([2, 3, 4]), rng.normal([2, 3, 5])]
    let result = checkGradients(of: inputs) { x in
        Tensor.bidiagonalSolve(diagonal: positiveDiagonal(x[0]), superdiagonal: x[1], rhs: x[2], transposed: transposed)
    }
    #expect(result.maxRelativeError < 1e-2, "\(result)")
}

@Test("bidiagonal inverse Frobenius norm: gradient matches finite differences", arguments: [1, 3])
func inverseFrobeniusGradient(groups: Int) {
    let rng = RandomGenerator(seed: 5)
    let factors = rng.normal([groups, 4, 4])
    let inputs = [rng.normal([2, 3, 4]), rng.normal([2, 3, 3])]
    let result = checkGradients(of: inputs) { x in
        Tensor.bidiagonalInverseFrobenius(diagonal: positiveDiagonal(x[0]), superdiagonal: x[1], factors: factors)
    }
    #expect(result.maxRelativeError < 1e-2, "\(result)")
}

@Test("banded Gaussian: sample, log-density, entropy and KL gradients match finite differences")
func bandedGaussianGradients() throws {
    let rng = RandomGenerator(seed: 9)
    let prior = try DenseGaussianPrior(covariances: [cauchy(5)], length: 5)
    let perChannel = try DenseGaussianPrior(covariances: [cauchy(5), cauchy(5, lengthScale: 1), cauchy(5, sigma: 2)], length: 5)
    let noise = rng.normal([2, 3, 5]), z = rng.normal([2, 3, 5])
    let inputs = [rng.normal([2, 3, 5]), rng.normal([2, 3, 5]), rng.normal([2, 3, 4])]
    func q(_ x: [Tensor]) -> BandedGaussian {
        BandedGaussian(mean: x[0], diagonal: positiveDiagonal(x[1]), superdiagonal: x[2])
    }
    let cases: [(String, ([Tensor]) -> Tensor)] = [
        ("sample", { q($0).sample(noise: noise) }),
        ("logDensity", { q($0).logDensity(z) }),
        ("entropy", { q($0).entropy }),
        ("kl shared prior", { q($0).klDivergence(to: prior) }),
        ("kl per-channel prior", { q($0).klDivergence(to: perChannel) }),
    ]
    for (name, f) in cases {
        let result = checkGradients(of: inputs, f)
        #expect(result.maxRelativeError < 1e-2, "\(name): \(result)")
    }
}

// MARK: Dense references

/// Dense Double matrices, row-major, for the references.
private struct Dense {
    let n: Int
    var a: [Double]

    static func bidiagonal(_ d: [Float], _ s: [Float]) -> Dense {
        let n = d.count
        var m = Dense(n: n, a: .init(repeating: 0, count: n * n))
        for i in 0..<n { m.a[i * n + i] = Double(d[i]) }
        for i in 0..<(n - 1) { m.a[i * n + i + 1] = Double(s[i]) }
        return m
    }

    var transposed: Dense {
        Dense(n: n, a: (0..<(n * n)).map { a[($0 % n) * n + $0 / n] })
    }

    static func * (x: Dense, y: Dense) -> Dense {
        let n = x.n
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { out[i * n + j] += x.a[i * n + k] * y.a[k * n + j] } } }
        return Dense(n: n, a: out)
    }

    func times(_ v: [Double]) -> [Double] {
        (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i * n + $1] * v[$1] } }
    }

    /// Inverse and log |det| by Gauss–Jordan with partial pivoting.
    var inverseAndLogDet: (Dense, Double) {
        var m = a, inv = (0..<(n * n)).map { $0 / n == $0 % n ? 1.0 : 0.0 }
        var logDet = 0.0
        for c in 0..<n {
            let p = (c..<n).max { Swift.abs(m[$0 * n + c]) < Swift.abs(m[$1 * n + c]) }!
            for j in 0..<n { m.swapAt(c * n + j, p * n + j); inv.swapAt(c * n + j, p * n + j) }
            let pivot = m[c * n + c]
            logDet += Foundation.log(Swift.abs(pivot))
            for j in 0..<n { m[c * n + j] /= pivot; inv[c * n + j] /= pivot }
            for r in 0..<n where r != c {
                let f = m[r * n + c]
                for j in 0..<n { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j] }
            }
        }
        return (Dense(n: n, a: inv), logDet)
    }
}

/// One random system of length t: mean, diagonal (positive), superdiagonal.
private func randomSystem(_ t: Int, seed: UInt64) -> (mean: [Float], d: [Float], s: [Float]) {
    let rng = RandomGenerator(seed: seed)
    let mean = rng.normal([t]).scalars
    let d = positiveDiagonal(rng.normal([t])).scalars
    let s = rng.normal([t - 1]).scalars
    return (mean, d, s)
}

@Test func solvesMatchDenseSolves() {
    let t = 6
    let (_, d, s) = randomSystem(t, seed: 1)
    let r = RandomGenerator(seed: 2).normal([t]).scalars
    let b = Dense.bidiagonal(d, s)
    for transposed in [false, true] {
        let x = Tensor.bidiagonalSolve(diagonal: Tensor(d, shape: [t]), superdiagonal: Tensor(s, shape: [t - 1]),
                                       rhs: Tensor(r, shape: [t]), transposed: transposed).scalars
        let back = (transposed ? b.transposed : b).times(x.map(Double.init))
        for i in 0..<t { #expect(Swift.abs(back[i] - Double(r[i])) < 1e-5, "transposed \(transposed), row \(i)") }
    }
}

@Test func sampleCovarianceLogDensityAndVariancesMatchTheDenseCovariance() {
    let t = 4, samples = 40_000
    let (mean, d, s) = randomSystem(t, seed: 4)
    let b = Dense.bidiagonal(d, s)
    let (sigma, _) = (b * b.transposed).inverseAndLogDet
    let (_, logDetSigma) = sigma.inverseAndLogDet
    let q = BandedGaussian(mean: Tensor(mean, shape: [1, t]).broadcasted(to: [samples, t]),
                           diagonal: Tensor(d, shape: [1, t]).broadcasted(to: [samples, t]),
                           superdiagonal: Tensor(s, shape: [1, t - 1]).broadcasted(to: [samples, t - 1]))
    let z = q.sample(rng: RandomGenerator(seed: 8)).scalars
    for i in 0..<t {
        for j in 0..<t {
            var acc = 0.0
            for k in 0..<samples {
                acc += (Double(z[k * t + i]) - Double(mean[i])) * (Double(z[k * t + j]) - Double(mean[j]))
            }
            let scale = (sigma.a[i * t + i] * sigma.a[j * t + j]).squareRoot()
            // Standard error of a sample covariance ≈ scale·√(2/n) ≈ 0.007·scale; allow 4 of them.
            #expect(Swift.abs(acc / Double(samples) - sigma.a[i * t + j]) < 0.03 * scale, "Σ[\(i), \(j)]")
        }
    }
    // Log-density of a few samples against −½ log det(2πΣ) − ½ vᵀΣ⁻¹v with Σ⁻¹ = BBᵀ.
    let precision = b * b.transposed
    let logq = q.logDensity(Tensor(z, shape: [samples, t])).scalars
    for k in 0..<5 {
        let v = (0..<t).map { Double(z[k * t + $0]) - Double(mean[$0]) }
        let quad = zip(v, precision.times(v)).reduce(0.0) { $0 + $1.0 * $1.1 }
        let dense = -0.5 * (Double(t) * Foundation.log(2 * .pi) + logDetSigma) - 0.5 * quad
        #expect(Swift.abs(Double(logq[k]) - dense) < 1e-4 * Swift.max(1, Swift.abs(dense)), "sample \(k)")
    }
    let entropy = Double(q.entropy.scalars[0])
    #expect(Swift.abs(entropy - 0.5 * (Double(t) * (1 + Foundation.log(2 * .pi)) + logDetSigma)) < 1e-4)
    let variances = q.marginalVariances().scalars
    for i in 0..<t { #expect(Swift.abs(Double(variances[i]) - sigma.a[i * t + i]) < 1e-5 * Swift.max(1, sigma.a[i * t + i])) }
}

/// KL(N(μ, Σ) ‖ N(0, K)) by the dense formula, with Σ = (BBᵀ)⁻¹ formed and K inverted densely.
private func denseKL(mean: [Float], d: [Float], s: [Float], k: [Double]) -> Double {
    let t = d.count
    let b = Dense.bidiagonal(d, s)
    let (sigma, logDetPrecision) = (b * b.transposed).inverseAndLogDet
    let (kInv, logDetK) = Dense(n: t, a: k).inverseAndLogDet
    let product = kInv * sigma
    let trace = (0..<t).reduce(0.0) { $0 + product.a[$1 * t + $1] }
    let logDetSigma = -logDetPrecision
    let mu = mean.map(Double.init)
    let quad = zip(mu, kInv.times(mu)).reduce(0.0) { $0 + $1.0 * $1.1 }
    return 0.5 * (trace + quad - Double(t) + logDetK - logDetSigma)
}

@Test("KL against a dense GP prior matches the dense Gaussian KL", arguments: [3, 10, 30])
func klMatchesDenseFormula(t: Int) throws {
    let kernels = [cauchy(t), cauchy(t, sigma: 1.005, lengthScale: 7)]
    let prior = try DenseGaussianPrior(covariances: kernels, length: t)
    let systems = (0..<2).map { randomSystem(t, seed: UInt64(20 + $0)) }
    // Layout [batch 1, channel 2, T]: channel c uses kernel c.
    let q = BandedGaussian(mean: Tensor(systems.flatMap(\.mean), shape: [1, 2, t]),
                           diagonal: Tensor(systems.flatMap(\.d), shape: [1, 2, t]),
                           superdiagonal: Tensor(systems.flatMap(\.s), shape: [1, 2, t - 1]))
    let kl = q.klDivergence(to: prior).scalars
    for c in 0..<2 {
        let dense = denseKL(mean: systems[c].mean, d: systems[c].d, s: systems[c].s, k: kernels[c])
        #expect(Swift.abs(Double(kl[c]) - dense) < 1e-3 * Swift.max(1, Swift.abs(dense)), "channel \(c): \(kl[c]) vs \(dense)")
    }
    // A shared prior gives channel 0's value to both channels' own computation.
    let shared = try DenseGaussianPrior(covariances: [kernels[0]], length: t)
    let klShared = q.klDivergence(to: shared).scalars
    #expect(Swift.abs(klShared[0] - kl[0]) < 1e-3 * Swift.max(1, Swift.abs(kl[0])))
}

@Test func klIsZeroWhenPosteriorEqualsPrior() throws {
    // K = (BBᵀ)⁻¹ for a chosen B, μ = 0: the KL must vanish.
    let t = 5
    let (_, d, s) = randomSystem(t, seed: 31)
    let b = Dense.bidiagonal(d, s)
    let k = (b * b.transposed).inverseAndLogDet.0
    let prior = try DenseGaussianPrior(covariances: [k.a], length: t)
    let q = BandedGaussian(mean: Tensor(zeros: [t]), diagonal: Tensor(d, shape: [t]), superdiagonal: Tensor(s, shape: [t - 1]))
    #expect(Swift.abs(q.klDivergence(to: prior).item) < 1e-4)
}

@Test func priorRejectsAnIndefiniteCovariance() {
    #expect(throws: DenseGaussianPriorError.notPositiveDefinite(group: 0, step: 1)) {
        try DenseGaussianPrior(covariances: [[1, 2, 2, 1]], length: 2)
    }
}
