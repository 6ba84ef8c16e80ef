import Datasets
import Foundation
import Tensor
import Testing
@testable import TabularBaselines

/// A table with one column of each CTAB-GAN kind: `x` bimodal (continuous), `z` zero in 30% of rows and
/// otherwise around 50 (mixed), `g` uniform (general), `v` log-normal with a long tail (log), `n` whole numbers
/// (integer), a 3-level categorical and a binary class that follows x's mode.
func ctabganFrame(rows: Int = 300, seed: UInt64 = 21) -> TabularFrame {
    let rng = RandomGenerator(seed: seed)
    let noise = rng.normal([rows, 4]).scalars.map(Double.init)
    let u = rng.uniform([rows]).scalars.map(Double.init)
    let high = (0..<rows).map { $0 % 3 == 0 }
    let x = (0..<rows).map { i -> Double in (high[i] ? 5 : -4) + 0.6 * noise[4 * i] }
    let z = (0..<rows).map { i -> Double in i % 10 < 3 ? 0 : 50 + 8 * noise[4 * i + 1] }
    let g = u.map { t -> Double in 10 + 20 * t }
    let v = (0..<rows).map { i -> Double in Foundation.exp(1 + noise[4 * i + 2]) }
    let n = (0..<rows).map { i -> Double in (3 + 2 * noise[4 * i + 3]).rounded() }
    return TabularFrame(task: .binclass, numericNames: ["x", "z", "g", "v", "n"], categoricalNames: ["c"], targetName: "y",
                        levels: [["p", "q", "r"]], classNames: ["no", "yes"], numeric: [x, z, g, v, n],
                        categorical: [(0..<rows).map { high[$0] ? 2 : $0 % 2 }], y: high.map { $0 ? 1 : 0 })
}

let ctabganColumns = CTABGANColumns(mixed: [.init(name: "z", specialValues: [0])], general: ["g"], log: ["v"], integer: ["n"])

@Suite struct CTABGANTransformerTests {
    @Test func encodeThenDecodeReturnsEveryValueAndSpecialValuesExactly() {
        let frame = ctabganFrame()
        let transformer = CTABGANTransformer(fitting: frame, columns: ctabganColumns, generalTransform: true, seed: 3)
        let encoded = transformer.transform(frame, seed: 4)
        let (back, valid) = transformer.inverse(encoded)
        #expect(valid.allSatisfy { $0 })
        #expect(back.categorical == frame.categorical && back.y == frame.y)
        #expect(back.numeric[4] == frame.numeric[4], "integer column")
        for (i, name) in frame.numericNames.enumerated() where name != "n" {
            let column = transformer.columns[i]
            var compared = 0
            for r in 0..<frame.rowCount {
                // A scalar clipped at ±0.99 (beyond 3.96σ of its mode) cannot decode exactly.
                guard Swift.abs(encoded[r * transformer.width + column.start]) < 0.99 || name == "g" else { continue }
                compared += 1
                let (original, decoded) = (frame.numeric[i][r], back.numeric[i][r])
                #expect(Swift.abs(decoded - original) <= 1e-9 * max(1, Swift.abs(original)), "\(name) row \(r): \(decoded) vs \(original)")
                if name == "z" && original == 0 { #expect(decoded == 0) }
            }
            #expect(compared > frame.rowCount * 9 / 10, "\(name): only \(compared) rows unclipped")
        }
    }

    @Test func eachKindHasTheReferenceLayout() {
        let frame = ctabganFrame()
        let transformer = CTABGANTransformer(fitting: frame, columns: ctabganColumns, generalTransform: true, seed: 3)
        let encoded = transformer.transform(frame, seed: 4)
        let w = transformer.width
        // g: one scalar 2(x − min)/(max − min) − 1, no slots.
        let g = transformer.columns[2]
        #expect(g.width == 1)
        let gValues = frame.numeric[2], (lo, hi) = (gValues.min()!, gValues.max()!)
        for r in 0..<frame.rowCount {
            #expect(Swift.abs(encoded[r * w + g.start] - (2 * (gValues[r] - lo) / (hi - lo) - 1)) < 1e-12)
        }
        // z: the special slot holds exactly the zero rows, whose scalar is their distance to the nearest mean
        // of a mixture of all values, over 4σ; all zero rows carry the same scalar.
        let z = transformer.columns[1]
        guard case .modal(_, let slots) = z.encoding, let special = slots.firstIndex(where: {
            if case .special = $0 { return true } else { return false } }), case .special(0, let scalar) = slots[special] else {
            Issue.record("z has no special slot"); return
        }
        for r in 0..<frame.rowCount {
            #expect((encoded[r * w + z.start + 1 + special] == 1) == (frame.numeric[1][r] == 0))
            if frame.numeric[1][r] == 0 { #expect(encoded[r * w + z.start] == scalar) }
        }
        let overall = GaussianMixture(fitting: frame.numeric[1], components: 10, rng: RandomGenerator(seed: 3).derived(1).derived(1))
        let nearest = overall.means.indices.min { Swift.abs(overall.means[$0]) < Swift.abs(overall.means[$1]) }!
        #expect(Swift.abs(scalar - Swift.abs(overall.means[nearest]) / (4 * overall.variances[nearest].squareRoot())) < 1e-12)
        // Without the general transform (CTAB-GAN), g is an ordinary continuous column.
        let plain = CTABGANTransformer(fitting: frame, columns: ctabganColumns, generalTransform: false, seed: 3)
        #expect(plain.columns[2].width > 1 && plain.width > transformer.width)
    }

    @Test func slotsAreOrderedByHowOftenTheTrainingRowsUseThem() {
        let frame = ctabganFrame()
        let transformer = CTABGANTransformer(fitting: frame, columns: ctabganColumns, generalTransform: true, seed: 3)
        let encoded = transformer.transform(frame, seed: 3)
        for span in transformer.spans where span.activation == .softmax {
            let counts = span.range.map { j in (0..<frame.rowCount).filter { encoded[$0 * transformer.width + j] == 1 }.count }
            #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 }, "slot counts \(counts)")
        }
        // The categorical's most frequent level (q: rows with i % 3 ≠ 0 and odd i) comes first.
        guard case .categorical(let order) = transformer.columns[5].encoding else { Issue.record("c is not categorical"); return }
        let counts = frequencies(frame.categorical[0], levels: 3)
        #expect(order == [0, 1, 2].sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) })
    }

    @Test func decodedValuesOutsideTheTrainingRangeMarkTheirRow() {
        let frame = ctabganFrame()
        let transformer = CTABGANTransformer(fitting: frame, columns: ctabganColumns, generalTransform: true, seed: 3)
        var encoded = transformer.transform(frame, seed: 4)
        let x = transformer.columns[0], w = transformer.width
        let scalars = RandomGenerator(seed: 5).uniform([frame.rowCount], low: -1, high: 1).scalars
        for r in 0..<frame.rowCount { encoded[r * w + x.start] = Double(scalars[r]) }
        let decoded = transformer.inverse(encoded)
        let range = frame.numeric[0].min()!...frame.numeric[0].max()!
        #expect(decoded.valid == decoded.frame.numeric[0].map { range.contains($0) })
        #expect(decoded.valid.contains(true) && decoded.valid.contains(false))
        let g = transformer.columns[2]
        encoded = transformer.transform(frame, seed: 4)
        encoded[2 * w + g.start] = 5  // a general scalar is clipped, never out of range
        let clipped = transformer.inverse(encoded)
        #expect(clipped.valid.allSatisfy { $0 } && clipped.frame.numeric[2][2] == frame.numeric[2].max()!)
    }

    @Test func logColumnsRoundTripForEveryLowerBound() {
        for lower in [2.0, 0, -3] {
            let values = [lower, lower + 0.5, lower + 10, lower + 1000]
            for v in values {
                let back = CTABGANTransformer.unlogged(CTABGANTransformer.logged(v, lower: lower), lower: lower)
                #expect(Swift.abs(back - v) < 1e-9 * max(1, Swift.abs(v)), "lower \(lower): \(v) → \(back)")
            }
        }
    }

    @Test func inferredColumnsFindPointMassesAndWholeNumbers() {
        let columns = CTABGANColumns.inferred(from: ctabganFrame())
        #expect(columns.mixed == [.init(name: "z", specialValues: [0])])
        #expect(columns.integer == ["n"] && columns.general.isEmpty && columns.log.isEmpty)
    }
}
