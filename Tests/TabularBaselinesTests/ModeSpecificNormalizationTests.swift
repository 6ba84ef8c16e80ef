import Datasets
import Foundation
import Tensor
import Testing
@testable import TabularBaselines

/// 2·`half` rows: a numeric column with modes at −5 (σ 0.5) and 5 (σ 1), a 3-level categorical that is 0 or 1
/// in the low mode and 2 in the high mode, and a binary class.
func bimodalFrame(half: Int, seed: UInt64, task: PredictionTask = .binclass) -> TabularFrame {
    let rng = RandomGenerator(seed: seed)
    let low = rng.normal([half], mean: -5, std: 0.5).scalars.map(Double.init)
    let high = rng.normal([half], mean: 5, std: 1).scalars.map(Double.init)
    let codes = (0..<(2 * half)).map { $0 < half ? $0 % 2 : 2 }
    let y = task == .regression ? (low + high).map { 2 * $0 + 1 } : (0..<(2 * half)).map { Double($0 % 3 == 0 ? 1 : 0) }
    return TabularFrame(task: task, numericNames: ["x"], categoricalNames: ["c"], targetName: "y",
                        levels: [["p", "q", "r"]], classNames: task == .regression ? [] : ["no", "yes"],
                        numeric: [low + high], categorical: [codes], y: y)
}

@Suite struct ModeSpecificNormalizationTests {
    @Test func mixtureFindsTwoWellSeparatedModes() {
        let x = bimodalFrame(half: 300, seed: 1).numeric[0]
        let gmm = GaussianMixture(fitting: x, components: 10, rng: RandomGenerator(seed: 2))
        let kept = gmm.weights.indices.filter { gmm.weights[$0] > 0.005 }
        let low = kept.filter { gmm.means[$0] < 0 }, high = kept.filter { gmm.means[$0] > 0 }
        #expect(low.allSatisfy { Swift.abs(gmm.means[$0] + 5) < 1 } && high.allSatisfy { Swift.abs(gmm.means[$0] - 5) < 1.5 },
                "means \(kept.map { gmm.means[$0] })")
        #expect(Swift.abs(low.map { gmm.weights[$0] }.reduce(0, +) - 0.5) < 0.02)
        #expect(Swift.abs(high.map { gmm.weights[$0] }.reduce(0, +) - 0.5) < 0.02)
        // The Dirichlet-process prior leaves one dominant component per mode. Its variance is the posterior's,
        // (data variance + n·s²)/(n + 1) and so inflated by the broad prior: (25 + 300·0.25)/301 → σ ≈ 0.58.
        let lowMain = low.max { gmm.weights[$0] < gmm.weights[$1] }!, highMain = high.max { gmm.weights[$0] < gmm.weights[$1] }!
        #expect(gmm.weights[lowMain] > 0.45 && gmm.weights[highMain] > 0.45, "weights \(kept.map { gmm.weights[$0] })")
        #expect(gmm.variances[lowMain].squareRoot() > 0.5 && gmm.variances[lowMain].squareRoot() < 0.8)
        #expect(gmm.variances[highMain].squareRoot() > 0.9 && gmm.variances[highMain].squareRoot() < 1.3)
    }

    @Test func digammaMatchesKnownValues() {
        #expect(Swift.abs(digamma(1) + 0.5772156649015329) < 1e-12)
        #expect(Swift.abs(digamma(0.5) + 1.9635100260214235) < 1e-12)
        #expect(Swift.abs(digamma(10) - 2.251752589066721) < 1e-12)
    }

    @Test func transformThenInverseRecoversTheRows() {
        for task in [PredictionTask.binclass, .regression] {
            let frame = bimodalFrame(half: 100, seed: 3, task: task)
            let transformer = ModeSpecificNormalization(fitting: frame, seed: 4)
            let encoded = transformer.transform(frame, seed: 5)
            let back = transformer.inverse(encoded)
            #expect(back.categorical == frame.categorical)
            let w = transformer.width
            for column in transformer.continuous {
                let original = column.source == .target ? frame.y : frame.numeric[0]
                let decoded = column.source == .target ? back.y : back.numeric[0]
                var unclipped = 0
                for r in 0..<frame.rowCount {
                    let alpha = encoded[r * w + column.start]
                    let modes = encoded[(r * w + column.start + 1)..<(r * w + column.start + 1 + column.modes.count)]
                    #expect(Swift.abs(alpha) <= 0.99 && modes.reduce(0, +) == 1 && modes.allSatisfy { $0 == 0 || $0 == 1 })
                    guard Swift.abs(alpha) < 0.99 else { continue }
                    unclipped += 1
                    #expect(Swift.abs(decoded[r] - original[r]) < 1e-6, "row \(r): \(original[r]) → \(decoded[r])")
                }
                #expect(unclipped > frame.rowCount * 9 / 10)
            }
            if task == .binclass { #expect(back.y == frame.y) }
        }
    }

    @Test func modesAreDrawnFromTheValuesOwnCluster() {
        let frame = bimodalFrame(half: 100, seed: 6)
        let transformer = ModeSpecificNormalization(fitting: frame, seed: 7)
        let column = transformer.continuous[0]
        let encoded = transformer.transform(frame, seed: 8)
        for r in 0..<frame.rowCount {
            let chosen = (0..<column.modes.count).first { encoded[r * transformer.width + column.start + 1 + $0] == 1 }!
            let mean = column.mixture.means[column.modes[chosen]]
            #expect((mean < 0) == (frame.numeric[0][r] < 0), "row \(r): value \(frame.numeric[0][r]) in mode at \(mean)")
        }
    }

    @Test func layoutPutsNumericsThenCategoricalsThenTheTarget() {
        let frame = bimodalFrame(half: 50, seed: 9)
        let transformer = ModeSpecificNormalization(fitting: frame, seed: 0)
        let modes = transformer.continuous[0].modes.count
        #expect(transformer.spans.map(\.activation) == [.tanh, .softmax, .softmax, .softmax])
        #expect(transformer.spans.map(\.width) == [1, modes, 3, 2])
        #expect(transformer.discrete.map(\.source) == [.categorical(0), .target])
        #expect(transformer.width == 1 + modes + 3 + 2)
    }
    /// One value of 1e160 among ordinary ones: its square overflows, and before the column was scaled the
    /// mixture's weights became NaN, no mode was kept and `transform` trapped with an index out of range.
    @Test func aHugeValueIsFittedInAScaledSpace() {
        var frame = bimodalFrame(half: 50, seed: 10)
        frame.numeric[0][7] = 1e160
        let transformer = ModeSpecificNormalization(fitting: frame, seed: 11)
        let column = transformer.continuous[0]
        #expect(column.scale == 0x1p531)  // 1e160 ≈ 1.47 · 2⁵³¹
        #expect(!column.modes.isEmpty && column.mixture.weights.allSatisfy { $0.isFinite })
        let encoded = transformer.transform(frame, seed: 12)
        #expect(encoded.allSatisfy { $0.isFinite })
        let back = transformer.inverse(encoded)
        #expect(Swift.abs(back.numeric[0][7] / 1e160 - 1) < 1e-6, "decoded \(back.numeric[0][7])")
        #expect(back.numeric[0].allSatisfy { $0.isFinite })
    }

    @Test func ordinaryColumnsAreNotScaled() {
        let transformer = ModeSpecificNormalization(fitting: bimodalFrame(half: 50, seed: 13), seed: 14)
        #expect(transformer.continuous.map(\.scale) == [1])
    }
}
