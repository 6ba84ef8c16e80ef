import Foundation
import NN
import Tensor
import XCTest
@testable import TabularDiffusion

final class DiffusionMathTests: XCTestCase {
    /// β of the cosine schedule for T = 10, from the closed form in float64 (Nichol & Dhariwal 2021).
    func testCosineScheduleGolden() {
        let schedule = NoiseSchedule(.cosine, steps: 10)
        let expected = [0.02790726288603096, 0.07549363729672243, 0.12439598636904847, 0.17718952540157384,
                        0.23728153019052478, 0.30988344010857216, 0.40400314303967555, 0.5369981776428854,
                        0.743829366895427, 0.999]
        for (a, b) in zip(schedule.betas, expected) { XCTAssertEqual(a, b, accuracy: 1e-14) }
        for t in 0..<10 {
            XCTAssertEqual(exp(schedule.logAlphaCumulative[t]), schedule.alphasCumulative[t], accuracy: 1e-12)
            XCTAssertEqual(exp(schedule.logOneMinusAlphaCumulative[t]), 1 - schedule.alphasCumulative[t], accuracy: 1e-12)
        }
    }

    /// q(x_{t−1} | x_t, x₀) ∝ q(x_t | x_{t−1}) q(x_{t−1} | x₀), computed directly in probability space.
    func testPosteriorMatchesBayesRule() {
        let schedule = NoiseSchedule(.cosine, steps: 20)
        let layout = CategoricalLayout(cardinalities: [3, 2])
        let diffusion = MultinomialDiffusion(schedule: schedule, layout: layout)
        let start = [[2, 0], [0, 1], [1, 1]], current = [[0, 0], [0, 1], [2, 0]]
        let t = [5, 13, 1]
        let posterior = diffusion.posterior(start: diffusion.oneHot(start), current: current, t: t)
        for r in 0..<3 {
            for (f, k) in layout.cardinalities.enumerated() {
                let abPrev = schedule.alphasCumulative[t[r] - 1], alpha = schedule.alphas[t[r]]
                let unnormalised = (0..<k).map { c -> Double in
                    let prior = abPrev * (c == start[r][f] ? 1 : 0) + (1 - abPrev) / Double(k)
                    let likelihood = alpha * (current[r][f] == c ? 1 : 0) + (1 - alpha) / Double(k)
                    return prior * likelihood
                }
                let total = unnormalised.reduce(0, +)
                var sum = 0.0
                for c in 0..<k {
                    let p = posterior[r * layout.width + layout.offsets[f] + c]
                    sum += p
                    XCTAssertEqual(p, unnormalised[c] / total, accuracy: 1e-9)
                }
                XCTAssertEqual(sum, 1, accuracy: 1e-12)
            }
        }
    }

    /// At t = 0 the posterior is x₀ itself (up to the 1e-30 floor).
    func testPosteriorAtStepZeroIsStart() {
        let diffusion = MultinomialDiffusion(schedule: NoiseSchedule(.cosine, steps: 5), layout: CategoricalLayout(cardinalities: [4]))
        let posterior = diffusion.posterior(start: diffusion.oneHot([[3]]), current: [[1]], t: [0])
        XCTAssertEqual(posterior, [0, 0, 0, 1])
    }

    /// The differentiable model posterior equals the closed form with x₀ = softmax(logits), and its gradient
    /// matches finite differences.
    func testModelPosteriorValueAndGradient() {
        let schedule = NoiseSchedule(.cosine, steps: 30)
        let layout = CategoricalLayout(cardinalities: [3, 4])
        let diffusion = MultinomialDiffusion(schedule: schedule, layout: layout)
        let rng = RandomGenerator(seed: 3)
        let logits = rng.normal([3, 7])
        let current = [[1, 3], [0, 0], [2, 1]]
        let t = [0, 7, 29]
        let model = withoutGrad { diffusion.modelLogPosterior(logits: logits, current: current, t: t) }.scalars
        let direct = diffusion.posterior(start: diffusion.softmax(logits.scalars), current: current, t: t)
        for (a, b) in zip(model, direct) { XCTAssertEqual(Double(a), log(b), accuracy: 1e-4) }

        let weights = rng.uniform([3, 7])
        let result = checkGradients(of: [logits]) { inputs in
            (diffusion.modelLogPosterior(logits: inputs[0], current: current, t: t) * weights).sum()
        }
        XCTAssertLessThan(result.maxRelativeError, 2e-2, "\(result)")
    }

    func testCategoricalSamplesFollowProbabilities() {
        let diffusion = MultinomialDiffusion(schedule: NoiseSchedule(.cosine, steps: 5), layout: CategoricalLayout(cardinalities: [3]))
        let rows = 20_000
        let codes = diffusion.sample(probabilities: Array((0..<rows).map { _ in [0.2, 0.5, 0.3] }.joined()),
                                     rng: RandomGenerator(seed: 1))
        var counts = [0.0, 0, 0]
        for c in codes { counts[c[0]] += 1 }
        for (c, p) in zip(counts, [0.2, 0.5, 0.3]) { XCTAssertEqual(c / Double(rows), p, accuracy: 0.015) }
    }

    /// Forward noising keeps x₀ with probability ᾱ_t + (1 − ᾱ_t)/K, as q(x_t | x₀) says.
    func testNoisingFollowsMarginal() {
        let schedule = NoiseSchedule(.cosine, steps: 10)
        let diffusion = MultinomialDiffusion(schedule: schedule, layout: CategoricalLayout(cardinalities: [4]))
        let rows = 20_000
        let noised = diffusion.noised([[Int]](repeating: [2], count: rows), t: [Int](repeating: 6, count: rows),
                                      rng: RandomGenerator(seed: 5))
        let kept = Double(noised.filter { $0[0] == 2 }.count) / Double(rows)
        let ab = schedule.alphasCumulative[6]
        XCTAssertEqual(kept, ab + (1 - ab) / 4, accuracy: 0.012)
    }

    /// The prior term equals KL(q(x_T | x₀) ‖ uniform) computed category by category.
    func testPriorKL() {
        let schedule = NoiseSchedule(.cosine, steps: 6)
        let diffusion = MultinomialDiffusion(schedule: schedule, layout: CategoricalLayout(cardinalities: [2, 5]))
        let ab = schedule.alphasCumulative[5]
        var expected = 0.0
        for k in [2.0, 5.0] {
            for c in 0..<Int(k) {
                let q = (c == 0 ? ab : 0) + (1 - ab) / k
                expected += q * log(q / (1 / k))
            }
        }
        XCTAssertEqual(diffusion.priorKL, expected, accuracy: 1e-12)
        XCTAssertGreaterThan(expected, 0)
    }
}
