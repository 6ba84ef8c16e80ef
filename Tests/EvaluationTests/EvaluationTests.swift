import Evaluation
import Foundation
import Tensor
import Testing

@Suite struct EvaluationTests {
    /// Sines as the reference makes them, [N, T, D], f and φ ~ U(0, 0.1).
    static func sines(_ count: Int, length: Int = 12, features: Int = 4, seed: UInt64) -> Tensor {
        let draws = RandomGenerator(seed: seed).uniform([count, features, 2], low: 0, high: 0.1).scalars
        var v = [Float](repeating: 0, count: count * length * features)
        for i in 0..<count { for k in 0..<features { for t in 0..<length {
            let f = draws[(i * features + k) * 2], p = draws[(i * features + k) * 2 + 1]
            v[(i * length + t) * features + k] = (sinf(f * Float(t) + p) + 1) / 2
        } } }
        return Tensor(v, shape: [count, length, features])
    }

    @Test func discriminativeScoreIsNearZeroForRealVsRealAndLargeForNoise() {
        let data = Self.sines(1000, seed: 1)
        let a = data.sliced(axis: 0, 0..<500), b = data.sliced(axis: 0, 500..<1000)
        let same = TimeGANScores.discriminative(real: a, synthetic: b, iterations: 250, batchSize: 64,
                                                learningRate: 1e-2, rng: RandomGenerator(seed: 2))
        let noise = RandomGenerator(seed: 3).uniform([500, 12, 4])
        let different = TimeGANScores.discriminative(real: a, synthetic: noise, iterations: 250, batchSize: 64,
                                                     learningRate: 1e-2, rng: RandomGenerator(seed: 2))
        #expect(same < 0.1, "real vs real: \(same)")
        #expect(different > 0.35, "real vs noise: \(different)")
    }

    @Test func predictiveScoreOfRealDataBeatsTimeShuffledData() {
        let data = Self.sines(600, seed: 4)
        let train = data.sliced(axis: 0, 0..<300), test = data.sliced(axis: 0, 300..<600)
        // Shuffle the time steps of each training sequence: same values, no dynamics.
        let rng = RandomGenerator(seed: 5)
        let (n, t, d) = (300, 12, 4)
        let v = train.scalars
        var shuffled = v
        for i in 0..<n {
            let order = rng.permutation(t)
            for j in 0..<t { for k in 0..<d { shuffled[(i * t + j) * d + k] = v[(i * t + order[j]) * d + k] } }
        }
        let real = TimeGANScores.predictive(train: train, test: test, iterations: 300, batchSize: 64,
                                            learningRate: 1e-2, rng: RandomGenerator(seed: 6))
        let broken = TimeGANScores.predictive(train: Tensor(shuffled, shape: [n, t, d]), test: test, iterations: 300,
                                              batchSize: 64, learningRate: 1e-2, rng: RandomGenerator(seed: 6))
        #expect(real < broken, "real \(real), shuffled \(broken)")
        #expect(real < 0.2)
    }

    @Test func pcaRecoversTheDirectionOfLargestVariance() {
        let rng = RandomGenerator(seed: 7)
        let s = rng.normal([400]).scalars, noise = rng.normal([400, 3], std: 0.05).scalars
        let direction = [1.0, 2.0, -2.0].map { $0 / 3 }
        let points = (0..<400).map { i in (0..<3).map { k in 5 + 3 * Double(s[i]) * direction[k] + Double(noise[i * 3 + k]) } }
        let pca = PCA(fitting: points)
        let dot = zip(pca.components[0], direction).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(Swift.abs(dot) > 0.999, "first component \(pca.components[0])")
        #expect(Swift.abs(zip(pca.components[0], pca.components[1]).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-6)
        #expect(pca.variances[0] > 8 && pca.variances[0] < 10, "variance \(pca.variances[0])")
        let projected = pca.transform(points)
        #expect(Swift.abs(projected.map { $0[0] }.reduce(0, +) / 400) < 1e-9)
    }

    @Test func tsneSeparatesTwoClusters() {
        let rng = RandomGenerator(seed: 8)
        let noise = rng.normal([120, 5]).scalars
        let points = (0..<120).map { i in (0..<5).map { k in (i < 60 ? 0 : 8) + Double(noise[i * 5 + k]) } }
        let embedding = TSNE(perplexity: 20, iterations: 250).embed(points, rng: RandomGenerator(seed: 9))
        var correct = 0
        for i in 0..<120 {
            var best = -1, bestDistance = Double.infinity
            for j in 0..<120 where j != i {
                let d = pow(embedding[i][0] - embedding[j][0], 2) + pow(embedding[i][1] - embedding[j][1], 2)
                if d < bestDistance { bestDistance = d; best = j }
            }
            if (best < 60) == (i < 60) { correct += 1 }
        }
        #expect(Double(correct) / 120 > 0.95)
        // The clusters are apart: their centres are farther from each other than the typical spread.
        let c0 = (0..<60).map { embedding[$0] }, c1 = (60..<120).map { embedding[$0] }
        func centre(_ c: [[Double]]) -> [Double] { [c.map { $0[0] }.reduce(0, +) / 60, c.map { $0[1] }.reduce(0, +) / 60] }
        let (a, b) = (centre(c0), centre(c1))
        let gap = ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])).squareRoot()
        let spread = c0.map { (($0[0] - a[0]) * ($0[0] - a[0]) + ($0[1] - a[1]) * ($0[1] - a[1])).squareRoot() }.reduce(0, +) / 60
        #expect(gap > 2 * spread, "gap \(gap), spread \(spread)")
    }
}
