import Foundation
import GAN
import Testing

@Suite struct DivergenceTests {
    let grid = Grid1D(lower: -20, upper: 20, count: 8001)

    @Test func jsdOfIdenticalDensitiesIsZero() {
        let p = GaussianMixture1D([Gaussian1D(mean: -1, std: 0.5), Gaussian1D(mean: 2, std: 1)], weights: [0.3, 0.7])
        #expect(Swift.abs(jensenShannon(p, p, grid: grid)) < 1e-12)
        #expect(Swift.abs(generatorCriterion(jsd: 0) + log(4)) < 1e-12)
    }

    @Test func jsdOfFarApartGaussiansIsLog2() {
        let jsd = jensenShannon(Gaussian1D(mean: -8, std: 0.5), Gaussian1D(mean: 8, std: 0.5), grid: grid)
        #expect(Swift.abs(jsd - log(2)) < 1e-6)
        #expect(Swift.abs(generatorCriterion(jsd: jsd) - 0) < 2e-6)  // −log 4 + 2 log 2 = 0
    }

    @Test func uniformClosedFormMatchesGridIntegration() {
        let fine = Grid1D(lower: -1, upper: 5, count: 60_001)
        for shift in [0.0, 0.25, 0.5, 0.9, 1.0, 2.0] {
            let p = Uniform1D(lower: 0, upper: 1), q = Uniform1D(lower: shift, upper: shift + 1)
            let numeric = jensenShannon(p, q, grid: fine)
            #expect(Swift.abs(numeric - jensenShannonUniforms(width: 1, shift: shift)) < 2e-3, "shift \(shift)")
        }
        #expect(jensenShannonUniforms(width: 1, shift: 3) == log(2))
    }

    @Test func mixtureCaseMatchesDefinitionAndBounds() {
        // JSD of a mixture and a Gaussian: by the KL formula, by entropies, and within [0, log 2].
        let p = GaussianMixture1D([Gaussian1D(mean: -2, std: 0.6), Gaussian1D(mean: 2, std: 0.6)])
        let q = Gaussian1D(mean: 0.5, std: 1)
        let pv = p.pdf(on: grid), qv = q.pdf(on: grid)
        let jsd = jensenShannon(pv, qv, grid: grid)
        func entropy(_ v: [Double]) -> Double { -grid.integrate(v.map { $0 > 0 ? $0 * log($0) : 0 }) }
        let viaEntropy = entropy(zip(pv, qv).map { ($0 + $1) / 2 }) - 0.5 * entropy(pv) - 0.5 * entropy(qv)
        #expect(Swift.abs(jsd - viaEntropy) < 1e-9)
        #expect(jsd > 0.05 && jsd < log(2))
    }

    @Test func gaussianKLClosedFormMatchesGrid() {
        let p = Gaussian1D(mean: 0.3, std: 0.8), q = Gaussian1D(mean: -1, std: 1.5)
        #expect(Swift.abs(klDivergence(p, q) - klDivergence(p.pdf(on: grid), q.pdf(on: grid), grid: grid)) < 1e-8)
    }

    @Test func optimalDiscriminatorFollowsTheFormula() {
        let pData = Gaussian1D(mean: 0, std: 1), pG = Gaussian1D(mean: 1.5, std: 0.7)
        for x in [-2.0, -0.3, 0, 0.75, 1.5, 3] {
            let expected = pData.pdf(x) / (pData.pdf(x) + pG.pdf(x))
            #expect(Swift.abs(optimalDiscriminator(pData: pData.pdf(x), pG: pG.pdf(x)) - expected) < 1e-15)
        }
        // Where p_g = p_data the optimal discriminator is ½, and with D* the value function is C(G).
        let g = Grid1D(lower: -10, upper: 10, count: 4001)
        let pd = pData.pdf(on: g), pg = pG.pdf(on: g)
        let v = valueFunction(discriminator: optimalDiscriminator(pData: pd, pG: pg), pData: pd, pG: pg, grid: g)
        #expect(Swift.abs(v - generatorCriterion(jsd: jensenShannon(pd, pg, grid: g))) < 1e-9)
        #expect(optimalDiscriminator(pData: [0.2], pG: [0.2]) == [0.5])
    }

    @Test func pointwiseObjectivePeaksAtAOverAPlusB() {
        for (a, b) in [(1.0, 1.0), (2.0, 1.0), (0.3, 1.7), (5.0, 0.5)] {
            let ys = (1..<10_000).map { Double($0) / 10_000 }
            let best = ys.max { pointwiseObjective(a: a, b: b, y: $0) < pointwiseObjective(a: a, b: b, y: $1) }!
            #expect(Swift.abs(best - pointwiseMaximiser(a: a, b: b)) < 2e-4, "a \(a) b \(b)")
        }
    }

    @Test func generatorLossGradients() {
        // Derivatives match finite differences; at d → 0 the saturating loss's logit gradient vanishes.
        for loss in GeneratorLoss.allCases {
            for d in [0.05, 0.3, 0.8] {
                let h = 1e-6
                let numeric = (loss.value(d + h) - loss.value(d - h)) / (2 * h)
                #expect(Swift.abs(numeric - loss.derivative(d)) < 1e-5 * max(1, Swift.abs(numeric)))
            }
        }
        #expect(Swift.abs(GeneratorLoss.saturating.logitGradient(1e-3)) < 2e-3)
        #expect(Swift.abs(GeneratorLoss.nonSaturating.logitGradient(1e-3)) > 0.99)
    }
}
