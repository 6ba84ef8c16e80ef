import Foundation
import Testing
@testable import Datasets

@Suite struct HealingMNISTTests {
    /// Twenty synthetic 28 × 28 "digits": a bar and a blob whose place depends on the index, two per class.
    func digits(_ count: Int = 20) -> DigitImages {
        var pixels = [UInt8](repeating: 0, count: count * 784)
        for n in 0..<count {
            for row in 6..<22 { for column in (10 + n % 5)..<(14 + n % 5) { pixels[n * 784 + row * 28 + column] = 255 } }
            for row in 8..<12 { for column in 16..<(18 + n % 3) { pixels[n * 784 + row * 28 + column] = 200 } }
        }
        return DigitImages(side: 28, pixels: pixels, labels: (0..<count).map { $0 % 10 })
    }

    @Test func rotatingByNinetyDegreesTurnsAKnownPatternCounterClockwise() {
        // 4 × 4, centre (1.5, 1.5): a mark right of centre (row 1, column 3) goes above it (row 0, column 1).
        var image = [Float](repeating: 0, count: 16)
        image[1 * 4 + 3] = 1
        image[3 * 4 + 0] = 0.5
        let turned = rotated(image, side: 4, degrees: 90)
        var expected = [Float](repeating: 0, count: 16)
        expected[0 * 4 + 1] = 1
        expected[3 * 4 + 3] = 0.5   // bottom-left goes to bottom-right
        for i in 0..<16 { #expect(abs(turned[i] - expected[i]) < 1e-6, "pixel \(i)") }
        let back = rotated(turned, side: 4, degrees: -90)
        for i in 0..<16 { #expect(abs(back[i] - image[i]) < 1e-6) }
    }

    @Test func rotatingInterpolatesBilinearlyAndFillsOutsideWithZero() {
        // A constant image turned by 45°: the centre keeps its value, the corners come from outside (0).
        // On 7 × 7 the corners' sources lie 4.24 pixels from the centre, beyond the image's last row or column.
        let image = [Float](repeating: 1, count: 49)
        let turned = rotated(image, side: 7, degrees: 45)
        #expect(abs(turned[24] - 1) < 1e-6)
        #expect(turned[0] == 0 && turned[6] == 0 && turned[42] == 0 && turned[48] == 0)
        // Bilinear interpolation reproduces a linear image exactly: on 3 × 3, f = column + 10·row, the output pixel
        // right of centre (row 1, column 2) turned by 60° reads the source at column 1.5, row 1 + sin 60°.
        let linear = (0..<9).map { Float($0 % 3 + 10 * ($0 / 3)) }
        let sixty = rotated(linear, side: 3, degrees: 60)
        #expect(abs(Double(sixty[1 * 3 + 2]) - (1.5 + 10 * (1 + sin(Double.pi / 3)))) < 1e-4)
        // 0° is the identity.
        let ramp = (0..<25).map(Float.init)
        #expect(rotated(ramp, side: 5, degrees: 0) == ramp)
    }

    @Test func shapesLabelsAndBinaryFrames() {
        let set = HealingMNIST.sequences(from: digits(), indices: [3, 0, 7], options: .init(seed: 1))
        #expect(set.shape == [3, 10, 784])
        #expect(set.labels == [3, 0, 7] && set.classes == 10)
        #expect(set.values.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(set.observed.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(zip(set.observed, set.scored).allSatisfy { $0 + $1 == 1 })
        #expect(set.missing == set.scoredMask && set.missing == set.observed.map { $0 == 0 })
        #expect(zip(set.input, zip(set.values, set.missing)).allSatisfy { $0 == ($1.1 ? 0 : $1.0) })
        #expect(set.present.allSatisfy { $0 == 1 })
        #expect(Array(set.times[0..<10]) == (0..<10).map(Float.init))
        // Frames differ: the digit turns.
        #expect(set.values[0..<784] != set.values[784..<1568])
    }

    @Test func sameSeedSameHashOtherSeedOtherHash() {
        let a = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(seed: 7))
        let b = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(seed: 7))
        let c = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(seed: 8))
        #expect(a.sha256 == b.sha256)
        #expect(a.sha256 != c.sha256)
        #expect(a.sha256.count == 64)
    }

    @Test func aSequenceDependsOnlyOnItsDigitAndTheSeed() {
        let all = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(seed: 3))
        let one = HealingMNIST.sequences(from: digits(), indices: [12], options: .init(seed: 3))
        #expect(all.subset([12]) == one)
    }

    @Test func everyKindHidesAboutSixtyPercent() {
        let source = digits()
        for kind: PixelMissingness in [.defaultMNAR, .defaultRandom, .defaultSpatial, .defaultTemporalPositive, .defaultTemporalNegative] {
            let set = HealingMNIST.sequences(from: source, indices: Array(0..<20), options: .init(missingness: kind, seed: 5))
            #expect(set.missingRate > 0.55 && set.missingRate < 0.66, "\(kind.name): \(set.missingRate)")
        }
    }

    @Test func mnarHidesWhitePixelsMoreOften() {
        let set = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(missingness: .defaultMNAR, seed: 2))
        var hidden = [0.0, 0.0], total = [0.0, 0.0]
        for (value, seen) in zip(set.values, set.observed) {
            total[Int(value)] += 1
            hidden[Int(value)] += Double(1 - seen)
        }
        let (black, white) = (hidden[0] / total[0], hidden[1] / total[1])
        #expect(abs(white - 0.85) < 0.02, "white \(white)")
        #expect(abs(black - 0.57) < 0.01, "black \(black)")
    }

    @Test func temporalKindsChangeTheRateOverFrames() {
        let set = HealingMNIST.sequences(from: digits(), indices: Array(0..<20), options: .init(missingness: .defaultTemporalPositive, seed: 4))
        func rate(frame: Int) -> Double {
            var hidden = 0.0
            for n in 0..<set.count { for p in 0..<784 { hidden += Double(1 - set.observed[(n * 10 + frame) * 784 + p]) } }
            return hidden / Double(set.count * 784)
        }
        #expect(abs(rate(frame: 0) - 0.3) < 0.02 && abs(rate(frame: 9) - 0.9) < 0.02)
        #expect(PixelMissingness.defaultTemporalNegative.name == "temporal_neg")
        #expect(PixelMissingness(name: "temporal_pos") == .defaultTemporalPositive)
    }

    @Test func spatialKindHidesTheCentreMoreThanTheBorder() {
        let kind = PixelMissingness.defaultSpatial
        let centre = kind.probability(white: false, row: 13, column: 14, side: 28, frame: 0, frames: 10)
        let corner = kind.probability(white: false, row: 0, column: 0, side: 28, frame: 0, frames: 10)
        #expect(abs(centre - 0.95) < 0.03 && abs(corner - 0.35) < 1e-12)
        var total = 0.0
        for pixel in 0..<784 { total += kind.probability(white: false, row: pixel / 28, column: pixel % 28, side: 28, frame: 0, frames: 10) }
        let mean = total / 784
        #expect(abs(mean - 0.61) < 0.01)
    }

    @Test func splitIsStratifiedAndDisjoint() throws {
        let (sets, split) = try HealingMNIST.make(from: digits(30), validation: 0, test: 1.0 / 3, options: .init(seed: 9))
        #expect(sets.train.count == 20 && sets.test.count == 10 && sets.validation.count == 0)
        #expect(Set(split.train).isDisjoint(with: split.test))
        #expect(sets.test.labels.sorted() == Array(0..<10))
        #expect(sets.sha256.count == 64)
    }

    @Test func digitCSVErrorsNameLineAndColumn() throws {
        let header = (0..<4).map { "pixel\($0)" }.joined(separator: ",") + ",label\n"
        let good = try DigitImages(csv: CSVReader.parse(header + "0,255,3,4,7\n", file: "d.csv"), side: 2)
        #expect(good.labels == [7] && good.pixels == [0, 255, 3, 4])
        let m = message { _ = try DigitImages(csv: CSVReader.parse(header + "0,256,3,4,7\n", file: "d.csv"), side: 2) }
        #expect(m == "d.csv:2, column 2 (pixel1): \"256\" is not a grey level 0–255")
        let l = message { _ = try DigitImages(csv: CSVReader.parse(header + "0,1,3,4,x\n", file: "d.csv"), side: 2) }
        #expect(l == "d.csv:2, column 5 (label): \"x\" is not a digit label 0–9")
        let h = message { _ = try DigitImages(csv: CSVReader.parse("pixel0,pixel1,pixel3,pixel2,label\n0,0,0,0,1\n", file: "d.csv"), side: 2) }
        #expect(h?.hasPrefix("d.csv:1, column 3 (pixel3): expected the 5 columns") == true)
    }
}
