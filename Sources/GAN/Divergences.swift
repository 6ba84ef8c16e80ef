import Foundation

/// log 2 and log 4 as the GAN formulas use them (natural logarithms, nats).
public let log2Nats = Foundation.log(2.0)
public let log4Nats = Foundation.log(4.0)

/// D*(x) = p_data(x) / (p_data(x) + p_g(x)), the discriminator that maximises V(D, G) for a fixed G.
/// Where both densities vanish the ratio is undefined; we return ½ there (any value maximises V).
public func optimalDiscriminator(pData: Double, pG: Double) -> Double {
    let s = pData + pG
    return s > 0 ? pData / s : 0.5
}

public func optimalDiscriminator(pData: [Double], pG: [Double]) -> [Double] {
    zip(pData, pG).map { optimalDiscriminator(pData: $0, pG: $1) }
}

/// ∫ p log(p / q) dx on the grid (terms with p = 0 contribute 0; q = 0 where p > 0 gives +∞).
public func klDivergence(_ p: [Double], _ q: [Double], grid: Grid1D) -> Double {
    grid.integrate(zip(p, q).map { p, q in p > 0 ? (q > 0 ? p * Foundation.log(p / q) : .infinity) : 0 })
}

/// JSD(p‖q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, by integration on the grid. In nats, so 0 ≤ JSD ≤ log 2.
public func jensenShannon(_ p: [Double], _ q: [Double], grid: Grid1D) -> Double {
    let m = zip(p, q).map { ($0 + $1) / 2 }
    return 0.5 * klDivergence(p, m, grid: grid) + 0.5 * klDivergence(q, m, grid: grid)
}

public func jensenShannon(_ p: some Density1D, _ q: some Density1D, grid: Grid1D) -> Double {
    jensenShannon(p.pdf(on: grid), q.pdf(on: grid), grid: grid)
}

/// Closed-form JSD of two uniforms of the same width w whose supports overlap by o = max(0, w − |shift|):
/// on the overlap p = q = m and nothing is contributed; on each exclusive part p = 2m, contributing
/// (1 − o/w)·log 2 in total. So JSD = (1 − o/w)·log 2, which is log 2 for every shift ≥ w (disjoint supports).
public func jensenShannonUniforms(width: Double, shift: Double) -> Double {
    let overlap = max(0, width - Swift.abs(shift))
    return (1 - overlap / width) * log2Nats
}

/// Closed-form KL(N(m₁, s₁²) ‖ N(m₂, s₂²)).
public func klDivergence(_ p: Gaussian1D, _ q: Gaussian1D) -> Double {
    Foundation.log(q.std / p.std) + (p.std * p.std + (p.mean - q.mean) * (p.mean - q.mean)) / (2 * q.std * q.std) - 0.5
}

/// C(G) = max_D V(D, G) = −log 4 + 2·JSD(p_data ‖ p_g).
public func generatorCriterion(jsd: Double) -> Double { -log4Nats + 2 * jsd }

/// V(D, G) = ∫ p_data log D + p_g log(1 − D) dx on the grid, for a discriminator tabulated on the same grid.
/// With D = D* this equals C(G); with any other D it is smaller.
public func valueFunction(discriminator d: [Double], pData: [Double], pG: [Double], grid: Grid1D) -> Double {
    var f = [Double](repeating: 0, count: grid.count)
    for i in 0..<grid.count {
        let a = pData[i] > 0 ? pData[i] * Foundation.log(max(d[i], 1e-300)) : 0
        let b = pG[i] > 0 ? pG[i] * Foundation.log(max(1 - d[i], 1e-300)) : 0
        f[i] = a + b
    }
    return grid.integrate(f)
}

/// The pointwise objective of the one-line proof, y ↦ a·log y + b·log(1 − y), and its maximiser a/(a + b).
public func pointwiseObjective(a: Double, b: Double, y: Double) -> Double {
    a * Foundation.log(y) + b * Foundation.log(1 - y)
}

public func pointwiseMaximiser(a: Double, b: Double) -> Double { a / (a + b) }
