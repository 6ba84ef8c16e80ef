import Datasets
import Foundation
import NN
import Tensor
import Testing
@testable import TabularBaselines

/// The tiny data set the neural baselines learn in tests: x ~ N(−3, 0.5²) with category p or q (80% of rows,
/// alternating) or N(6, 0.5²) with category r (20%); class "yes" on every third row. Mean of x ≈ −1.2.
func skewedFrame(rows: Int = 400, seed: UInt64 = 11) -> TabularFrame {
    let rng = RandomGenerator(seed: seed)
    let noise = rng.normal([rows], std: 0.5).scalars.map(Double.init)
    let high = (0..<rows).map { $0 % 5 == 4 }
    let x = (0..<rows).map { (high[$0] ? 6 : -3) + noise[$0] }
    let codes = (0..<rows).map { high[$0] ? 2 : $0 % 2 }
    return TabularFrame(task: .binclass, numericNames: ["x"], categoricalNames: ["c"], targetName: "y",
                        levels: [["p", "q", "r"]], classNames: ["no", "yes"], numeric: [x], categorical: [codes],
                        y: (0..<rows).map { Double($0 % 3 == 0 ? 1 : 0) })
}

/// Each level's share of a categorical column.
func frequencies(_ codes: [Int], levels: Int) -> [Double] {
    var counts = [Double](repeating: 0, count: levels)
    for c in codes { counts[c] += 1 }
    return counts.map { $0 / Double(codes.count) }
}

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

@Suite struct TVAETests {
    /// A smaller network and a larger step than the reference's, so 400 steps suffice.
    static let briefly = TVAEConfig(steps: 400, batchSize: 100, learningRate: 5e-3, embeddingSize: 16,
                                    compressSizes: [32, 32], decompressSizes: [32, 32])

    @Test func briefTrainingMatchesCategoryFrequenciesAndMovesTheMeanTowardsTheData() throws {
        let data = skewedFrame()
        var untrainedConfig = Self.briefly
        untrainedConfig.steps = 0
        let untrained = try TVAE.train(on: data, config: untrainedConfig, seed: 1)
        let model = try TVAE.train(on: data, config: Self.briefly, seed: 1)
        let sample = model.sample(count: 2000, seed: 2)
        let expected = frequencies(data.categorical[0], levels: 3), got = frequencies(sample.categorical[0], levels: 3)
        // p and q carry the same x, so the split between them is learnt last; r goes with the high mode.
        for (e, g) in zip(expected, got) { #expect(Swift.abs(e - g) < 0.12, "frequencies \(got), data \(expected)") }
        #expect(Swift.abs(expected[2] - got[2]) < 0.05, "frequencies \(got), data \(expected)")
        let before = Swift.abs(mean(untrained.sample(count: 2000, seed: 2).numeric[0]) - mean(data.numeric[0]))
        let after = Swift.abs(mean(sample.numeric[0]) - mean(data.numeric[0]))
        #expect(after < 0.5 && after < before, "mean error \(before) untrained, \(after) trained")
        // The category r rows should carry the high mode.
        let highR = (0..<sample.rowCount).filter { sample.categorical[0][$0] == 2 }.map { sample.numeric[0][$0] }
        #expect(mean(highR) > 3, "mean x where c = r: \(mean(highR))")
    }

    @Test func theBudgetIsOptimizerStepsWhateverTheTableSize() throws {
        for rows in [120, 600] {
            var seen: [(step: Int, total: Int)] = []
            _ = try TVAE.train(on: skewedFrame(rows: rows), config: TVAEConfig(steps: 7, batchSize: 50, embeddingSize: 8,
                                                                               compressSizes: [8], decompressSizes: [8]),
                               seed: 1) { step, total, _ in seen.append((step, total)) }
            #expect(seen.map(\.step) == Array(1...7) && seen.allSatisfy { $0.total == 7 }, "\(rows) rows: \(seen)")
        }
    }

    @Test func theSameSeedGivesTheSameModelAndSample() throws {
        let data = skewedFrame(rows: 200)
        let config = TVAEConfig(steps: 12, batchSize: 50)
        let a = try TVAE.train(on: data, config: config, seed: 5).sample(count: 300, seed: 6)
        let b = try TVAE.train(on: data, config: config, seed: 5).sample(count: 300, seed: 6)
        #expect(a == b)
        #expect(a.rowCount == 300 && a.levels == data.levels && a.classNames == data.classNames)
    }

    @Test func lossIsAWeightedReconstructionPlusKL() throws {
        let data = skewedFrame(rows: 20)
        let model = try TVAE.train(on: data, config: TVAEConfig(steps: 0), seed: 3)
        let x = Tensor(model.transformer.transform(data, seed: 4).map(Float.init), shape: [20, model.transformer.width])
        let noise = RandomGenerator(seed: 5).normal([20, 128])
        let loss = withoutGrad { model.loss(x, noise: noise).item }
        // The same loss written span by span with the library's per-op losses, as the reference loops.
        let reference: Float = withoutGrad {
            let (mu, logVariance) = model.encoder(x)
            let reconstruction = model.decoder(noise * (logVariance * 0.5).exp() + mu)
            var total: Float = 0
            for span in model.transformer.spans {
                let logits = reconstruction.sliced(axis: 1, span.range)
                let target = x.sliced(axis: 1, span.range)
                if span.activation == .tanh {
                    let sigma = model.decoder.sigma.scalars[span.start]
                    total += ((target - logits.tanh()).squared().sum().item) / (2 * sigma * sigma) + 20 * log(sigma)
                } else {
                    let labels = (0..<20).map { r in (0..<span.width).first { target.scalars[r * span.width + $0] == 1 }! }
                    total += crossEntropy(logits: logits, labels: labels, reduction: .sum).item
                }
            }
            let kl = gaussianKL(mean: mu, logVariance: logVariance, reduction: .sum).item
            return total * 2 / 20 + kl / 20
        }
        #expect(Swift.abs(loss - reference) < 1e-3 * Swift.abs(reference), "\(loss) vs \(reference)")
    }

    @Test func aNonFiniteLossStopsTrainingWithAnError() {
        let data = skewedFrame(rows: 100)
        var config = TVAEConfig(steps: 4, batchSize: 50)
        config.learningRate = .infinity
        #expect(throws: NonFiniteLossError.self) { try TVAE.train(on: data, config: config, seed: 1) }
        do {
            _ = try TVAE.train(on: data, config: config, seed: 1)
        } catch let error as NonFiniteLossError {
            #expect(error.model == "TVAE" && error.step == 2 && error.totalSteps == 4 && error.quantity == "loss")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
