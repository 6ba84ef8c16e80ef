import Foundation

/// Which divergence a single Gaussian q is fitted under.
public enum KLDirection: String, Codable, Sendable {
    /// KL(p‖q), what maximum likelihood minimises: q must put mass wherever p has it (mode covering).
    case forward
    /// KL(q‖p): q is punished for mass where p has none, so it settles on one mode (mode seeking).
    case reverse
}

/// The best single Gaussian under each direction, with the divergence reached.
public struct GaussianFit: Sendable, Equatable {
    public var direction: KLDirection
    public var fit: Gaussian1D
    public var divergence: Double
}

/// Fits N(μ, σ²) to `p` by minimising KL in `direction`, integrated on `grid`, by a coarse grid search over
/// (μ, log σ) followed by two finer searches around the best point. Deterministic; ties go to the smaller μ.
public func fitGaussian(to p: some Density1D, direction: KLDirection, grid: Grid1D,
                        meanRange: ClosedRange<Double>, logStdRange: ClosedRange<Double>,
                        resolution: Int = 41) -> GaussianFit {
    let pv = p.pdf(on: grid)
    let xs = grid.points
    func divergence(_ mu: Double, _ logStd: Double) -> Double {
        let q = Gaussian1D(mean: mu, std: Foundation.exp(logStd))
        let qv = xs.map(q.pdf)
        switch direction {
        case .forward: return klDivergence(pv, qv, grid: grid)
        case .reverse: return klDivergence(qv, pv.map { max($0, 1e-300) }, grid: grid)
        }
    }
    var (muLo, muHi) = (meanRange.lowerBound, meanRange.upperBound)
    var (lsLo, lsHi) = (logStdRange.lowerBound, logStdRange.upperBound)
    var best = (mu: muLo, ls: lsLo, value: Double.infinity)
    for _ in 0..<3 {
        let n = max(resolution, 3)
        for i in 0..<n {
            let mu = muLo + (muHi - muLo) * Double(i) / Double(n - 1)
            for j in 0..<n {
                let ls = lsLo + (lsHi - lsLo) * Double(j) / Double(n - 1)
                let v = divergence(mu, ls)
                if v < best.value - 1e-12 { best = (mu, ls, v) }
            }
        }
        let dMu = 2 * (muHi - muLo) / Double(n - 1), dLs = 2 * (lsHi - lsLo) / Double(n - 1)
        (muLo, muHi) = (best.mu - dMu, best.mu + dMu)
        (lsLo, lsHi) = (best.ls - dLs, best.ls + dLs)
    }
    return GaussianFit(direction: direction, fit: Gaussian1D(mean: best.mu, std: Foundation.exp(best.ls)),
                       divergence: best.value)
}
