import Foundation
import NN
import Tensor
import Testing

@Suite struct GoldenTests {
    /// One GRU step, hidden size 1, every weight set by hand so each gate has its own value:
    /// r = σ(0.5·1 + 0.1 + 0.2·0.5 + 0) = σ(0.7), z = σ(−0.3 + 0 + 0.4·0.5 + 0.1) = σ(0) = ½,
    /// n = tanh(0.8 − 0.1 + r·(−0.6·0.5 + 0.2)), h' = ½n + ½·0.5 = 0.530119422…
    @Test func gruOneStepMatchesHandComputation() {
        let gru = GRU(inputSize: 1, hiddenSize: 1, rng: RandomGenerator(seed: 0))
        let cell = gru.layers[0]
        cell.weightIH.assign(Tensor([0.5, -0.3, 0.8], shape: [3, 1]))
        cell.weightHH.assign(Tensor([0.2, 0.4, -0.6], shape: [3, 1]))
        cell.biasIH.assign(Tensor([0.1, 0.0, -0.1], shape: [3]))
        cell.biasHH.assign(Tensor([0.0, 0.1, 0.2], shape: [3]))
        let (output, hidden) = gru(Tensor([1], shape: [1, 1, 1]), initialHidden: Tensor([0.5], shape: [1, 1, 1]))
        #expect(isClose(output.item, 0.530_119_42, tolerance: 1e-6))
        #expect(hidden.shape == [1, 1, 1] && hidden.item == output.item)
        // The cell on its own agrees.
        #expect(isClose(cell(Tensor([1], shape: [1, 1]), hidden: Tensor([0.5], shape: [1, 1])).item, 0.530_119_42, tolerance: 1e-6))
    }

    @Test func gruShapesAndFinalHidden() {
        let gru = GRU(inputSize: 3, hiddenSize: 5, layerCount: 2, rng: RandomGenerator(seed: 1))
        let x = RandomGenerator(seed: 2).normal([4, 6, 3])
        let (output, hidden) = gru(x)
        #expect(output.shape == [4, 6, 5] && hidden.shape == [2, 4, 5])
        // The last layer's final hidden state is the last output step.
        #expect(hidden.sliced(axis: 0, 1..<2).scalars == output.sliced(axis: 1, 5..<6).scalars)
        // Step by step with the cells gives the same outputs.
        var h0 = Tensor(zeros: [4, 5]), h1 = Tensor(zeros: [4, 5])
        for t in 0..<6 {
            h0 = gru.layers[0](x.sliced(axis: 1, t..<(t + 1)).reshaped([4, 3]), hidden: h0)
            h1 = gru.layers[1](h0, hidden: h1)
        }
        #expect(isClose(h1.scalars, output.sliced(axis: 1, 5..<6).scalars, tolerance: 1e-6))
        #expect(isClose(h0.scalars, hidden.sliced(axis: 0, 0..<1).scalars, tolerance: 1e-6))
    }

    @Test func sinusoidalEmbeddingValues() {
        let e = sinusoidalEmbedding(Tensor([0, 1, 100], shape: [3]), dimension: 6)
        #expect(e.shape == [3, 6])
        let s = e.scalars
        #expect(isClose(Array(s[0..<6]), [0, 0, 0, 1, 1, 1]))
        #expect(isClose(Array(s[6..<12]), [0.841_470_98, 0.046_399_22, 0.002_154_43, 0.540_302_31, 0.998_922_98, 0.999_997_68], tolerance: 2e-6))
        #expect(isClose(Array(s[12..<18]), [-0.506_365_64, -0.997_494_72, 0.213_780_67, 0.862_318_87, -0.070_741_01, 0.976_881_69], tolerance: 2e-5))
        // TabDDPM's order puts the cosines first; an odd dimension gets a zero column.
        let c = sinusoidalEmbedding(Tensor([1], shape: [1, 1]), dimension: 7, cosineFirst: true).scalars
        #expect(c.count == 7 && c[6] == 0)
        #expect(isClose(Array(c[0..<6]), [0.540_302_31, 0.998_922_98, 0.999_997_68, 0.841_470_98, 0.046_399_22, 0.002_154_43], tolerance: 2e-6))
    }

    @Test func layerNormOutputsAreStandardised() {
        let x = RandomGenerator(seed: 3).normal([4, 32], mean: 5, std: 3)
        let y = LayerNorm(size: 32)(x).scalars
        for r in 0..<4 {
            let row = y[(r * 32)..<((r + 1) * 32)]
            let mean = row.reduce(0, +) / 32
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 32
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func groupNormOutputsAreStandardisedPerGroup() {
        let x = RandomGenerator(seed: 4).normal([2, 6, 3, 3], mean: -2, std: 4)
        let y = GroupNorm(groups: 3, channels: 6)(x).scalars
        let groupSize = 2 * 9
        for g in 0..<6 {  // 2 samples × 3 groups, each contiguous
            let part = y[(g * groupSize)..<((g + 1) * groupSize)]
            let mean = part.reduce(0, +) / Float(groupSize)
            let variance = part.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(groupSize)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }

    /// Channel 0 = [1, 2, 3, 4]: mean 2.5, unbiased variance 5/3; channel 1 = [2, 4, 6, 8]: mean 5, variance 20/3.
    /// running = 0.9·initial + 0.1·batch, from mean 0 and variance 1.
    @Test func batchNormRunningStatisticsAfterOneStep() {
        let bn = BatchNorm(featureCount: 2)
        let x = Tensor([1, 2, 2, 4, 3, 6, 4, 8], shape: [4, 2])
        let y = bn(x).scalars
        #expect(isClose(bn.runningMean.scalars, [0.25, 0.5]))
        let expectedVariance: [Float] = [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 20 / 3]
        #expect(isClose(bn.runningVariance.scalars, expectedVariance))
        // Training output uses the biased batch variance (1.25 for channel 0).
        let trainingValue: Float = (1 - 2.5) / (1.25 + 1e-5).squareRoot()
        #expect(isClose(y[0], trainingValue))
        // Evaluation uses the running estimates.
        bn.eval()
        let e = bn(x).scalars
        let evalValue: Float = (1 - 0.25) / (0.9 + 0.5 / 3 + 1e-5).squareRoot()
        #expect(isClose(e[0], evalValue))
        #expect(isClose(bn.runningMean.scalars, [0.25, 0.5]))  // unchanged in eval

        // [N, C, L]: statistics over the batch and positions.
        let bn1 = BatchNorm1d(featureCount: 2)
        _ = bn1(Tensor([1, 3, 10, 10, 5, 7, 10, 10], shape: [2, 2, 2]))
        #expect(isClose(bn1.runningMean.scalars, [0.4, 1]))
        let expectedVariance1: [Float] = [0.9 + 0.1 * 20 / 3, 0.9]
        #expect(isClose(bn1.runningVariance.scalars, expectedVariance1))
    }

    @Test func crossEntropyExcludesIgnoredRows() {
        let logits = Tensor([1, 2, 3, 50, -50, 7, 0.5, 0, -1], shape: [3, 3], requiresGrad: true)
        let loss = crossEntropy(logits: logits, labels: [0, -100, 2])
        func nll(_ row: [Double], _ label: Int) -> Double {
            Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - row[label]
        }
        let expected = (nll([1, 2, 3], 0) + nll([0.5, 0, -1], 2)) / 2
        #expect(isClose(loss.item, Float(expected), tolerance: 1e-5))
        loss.backward()
        #expect(Array(logits.grad!.scalars[3..<6]) == [0, 0, 0])
        // Sum and per-row reductions; all rows ignored gives zero.
        #expect(isClose(crossEntropy(logits: logits, labels: [0, -100, 2], reduction: .sum).item, Float(2 * expected), tolerance: 1e-5))
        #expect(crossEntropy(logits: logits, labels: [0, -100, 2], reduction: .none).scalars[1] == 0)
        #expect(crossEntropy(logits: logits, labels: [-100, -100, -100]).item == 0)
    }

    @Test func lossValues() {
        let p = Tensor([1, 2, 3], shape: [3]), t = Tensor([2, 2, 5], shape: [3])
        #expect(isClose(meanSquaredError(predicted: p, expected: t).item, 5.0 / 3))
        #expect(isClose(l1Loss(predicted: p, expected: t, reduction: .sum).item, 3))
        // BCE stays finite for huge logits: softplus(100) − 100·0 = 100.
        let bce = binaryCrossEntropy(logits: Tensor([100, -100, 0], shape: [3]), targets: Tensor([0, 0, 1], shape: [3]), reduction: .none)
        #expect(isClose(bce.scalars, [100, 0, Float(Foundation.log(2.0))], tolerance: 1e-4))
        // N(0; 0, 1): ½ log 2π; the two Gaussian forms agree.
        let half = Float(0.5 * Foundation.log(2 * Double.pi))
        #expect(isClose(gaussianNLL(Tensor(0), mean: Tensor(0), logVariance: Tensor(0)).item, half))
        let x = Tensor([0.3, -1], shape: [2]), m = Tensor([0, 0.5], shape: [2]), lv = Tensor([0.2, -0.4], shape: [2])
        #expect(isClose(gaussianNLL(x, mean: m, logVariance: lv).item, gaussianNLL(x, mean: m, variance: lv.exp()).item))
        // KL to itself is 0; KL(N(1, e) ‖ N(0, 1)) = ½(e + 1 − 1 − 1).
        #expect(isClose(gaussianKL(mean1: m, logVariance1: lv, mean2: m, logVariance2: lv).item, 0))
        #expect(isClose(gaussianKL(mean: Tensor(1), logVariance: Tensor(1)).item, Float(0.5 * (M_E - 1)), tolerance: 1e-5))
        #expect(isClose(gaussianKL(mean: m, logVariance: lv).item,
                        gaussianKL(mean1: m, logVariance1: lv, mean2: Tensor(zeros: [2]), logVariance2: Tensor(zeros: [2])).item))
    }

    @Test func attentionBlockWithZeroOutputIsIdentity() {
        let x = RandomGenerator(seed: 6).normal([2, 4, 3, 3])
        let block = SelfAttention2d(channels: 4, groups: 2, zeroOutput: true, rng: RandomGenerator(seed: 7))
        #expect(block(x).scalars == x.scalars)
        let live = SelfAttention2d(channels: 4, groups: 2, rng: RandomGenerator(seed: 7))
        #expect(live(x).shape == [2, 4, 3, 3] && live(x).scalars != x.scalars)
    }
}
