import Foundation
import GAN
import Testing

@Suite struct FitAndGameTests {
    @Test func forwardKLCoversReverseKLSeeks() {
        let p = GaussianMixture1D([Gaussian1D(mean: -2, std: 0.6), Gaussian1D(mean: 2, std: 0.6)], weights: [0.6, 0.4])
        let grid = Grid1D(lower: -8, upper: 8, count: 801)
        let forward = fitGaussian(to: p, direction: .forward, grid: grid, meanRange: -4...4, logStdRange: -2...1.5,
                                  resolution: 21)
        let reverse = fitGaussian(to: p, direction: .reverse, grid: grid, meanRange: -4...4, logStdRange: -2...1.5,
                                  resolution: 21)
        // Forward KL matches moments: mean of p and its full spread (σ ≈ 2.06), wider than either mode.
        #expect(Swift.abs(forward.fit.mean - p.mean) < 0.05)
        #expect(Swift.abs(forward.fit.std - p.variance.squareRoot()) < 0.05)
        // Reverse KL sits on one mode (the heavier one) with about that mode's width.
        #expect(Swift.abs(reverse.fit.mean - -2) < 0.15)
        #expect(reverse.fit.std < 0.9)
        #expect(forward.fit.std > 2 * reverse.fit.std)
    }

    @Test func simultaneousSpiralsOutAlternatingStaysBounded() {
        let start = Point2(1, 1)
        let sim = BilinearGame.simultaneous(from: start, learningRate: 0.1, steps: 200)
        let alt = BilinearGame.alternating(from: start, learningRate: 0.1, steps: 200)
        #expect(Swift.abs(sim.last!.norm / start.norm - pow(1.01, 100)) < 1e-6)  // √(1 + η²)^200
        #expect(alt.map(\.norm).max()! < 1.2 * start.norm)
        #expect(alt.map(\.norm).min()! > 0.8 * start.norm)
    }

    @Test func adamAndSGDOnAnIllConditionedQuadratic() {
        let f = Quadratic2D(a: 1, b: 50)
        let start = Point2(-3, 1)
        // SGD diverges once η > 2/b and is slow along x below it; Adam's per-coordinate steps handle both.
        let diverging = sgdTrajectory(on: f, from: start, learningRate: 0.041, steps: 100)
        #expect(f.value(diverging.last!) > f.value(start))
        let sgd = sgdTrajectory(on: f, from: start, learningRate: 0.035, steps: 100)
        let adam = adamTrajectory(on: f, from: start, learningRate: 0.1, steps: 100)
        #expect(adam.count == 101 && sgd.count == 101)
        #expect(f.value(adam.last!) < f.value(sgd.last!))
    }
}
