import Foundation
import GAN
import Tensor
import Testing

/// The WGAN critic on the disjoint-support example: where the JSD is stuck at log 2, the critic's estimate keeps
/// tracking W₁ = |s|.
@Suite struct CriticTests {
    let grid = Grid1D(lower: -0.5, upper: 4.5, count: 501)
    let settings = CriticTraining(hidden: 32, steps: 600, batch: 256, learningRate: 1e-3, clip: 0.1, evaluationSamples: 10_000)

    func estimate(shift: Double, seed: UInt64 = 0) -> TrainedCritic1D {
        trainCritic1D(p: Uniform1D(lower: 0, upper: 1), q: Uniform1D(lower: shift, upper: shift + 1), grid: grid,
                      settings: settings, rng: RandomGenerator(seed: seed))
    }

    @Test func theCriticFindsTheWassersteinDistanceWhereTheJSDIsFlat() {
        let near = estimate(shift: 1.5), far = estimate(shift: 3)
        #expect(Swift.abs(jensenShannonUniforms(width: 1, shift: 1.5) - jensenShannonUniforms(width: 1, shift: 3)) < 1e-12)
        #expect(Swift.abs(near.wassersteinEstimate - 1.5) < 0.25, "\(near.wassersteinEstimate)")
        #expect(Swift.abs(far.wassersteinEstimate - 3) < 0.4, "\(far.wassersteinEstimate)")
        // Weight clipping bounds the slope below 1 here: the raw gap alone would understate W₁.
        #expect(far.slope < 1 && far.gap < far.wassersteinEstimate)
    }

    @Test func theCriticFallsFromTheRealSupportToTheGeneratedOne() {
        let critic = estimate(shift: 2)
        let points = grid.points
        func f(at x: Double) -> Double { critic.critic[points.indices.min { Swift.abs(points[$0] - x) < Swift.abs(points[$1] - x) }!] }
        #expect(f(at: 0.5) > f(at: 1.5) && f(at: 1.5) > f(at: 2.5))
        #expect(estimate(shift: 2).critic == critic.critic, "same seed, same critic")
    }
}
