import Foundation
import Tensor

/// Healing MNIST rebuilt from real digits: per digit, a sequence of frames of the digit turning by random steps,
/// binarised, with pixels hidden as `PixelMissingness` says.
///
/// As in the reference generator, each frame turns the previous one by a step drawn from N(0, `angleStep`²)
/// degrees, so frame k shows the digit at the sum of the first k+1 steps; a pixel is white when its grey level
/// exceeds 127. Unlike the reference, which re-rotates its already rotated 8-bit frame with cubic splines, each
/// frame here is the original digit rotated once by the summed angle (bilinear), so blur does not pile up.
///
/// Everything about sequence i (angles and mask) is drawn from the seed's sub-stream i: a digit's sequence
/// does not depend on which other digits are generated.
public enum HealingMNIST {
    public struct Options: Equatable, Sendable {
        /// Frames per sequence (the paper: 10).
        public var frames: Int
        /// Standard deviation in degrees of each frame's rotation step. 180 is the reference generator's
        /// default; the setting behind its prebuilt files is not published.
        public var angleStep: Double
        public var missingness: PixelMissingness
        public var seed: UInt64

        public init(frames: Int = 10, angleStep: Double = 180, missingness: PixelMissingness = .defaultMNAR, seed: UInt64 = 0) {
            self.frames = frames
            self.angleStep = angleStep
            self.missingness = missingness
            self.seed = seed
        }
    }

    /// Grey levels above this are white.
    public static let threshold: Float = 127

    /// One sequence per digit at `indices`, in that order: `[N][frames][side²]`, labels the digits' classes.
    public static func sequences(from digits: DigitImages, indices: [Int], options: Options) -> SequenceSet {
        precondition(options.frames > 0, "HealingMNIST: at least one frame")
        let (side, frames) = (digits.side, options.frames)
        let area = side * side, entry = frames * area
        var values = [Float](repeating: 0, count: indices.count * entry)
        var observed = [Float](repeating: 0, count: values.count)
        let root = RandomGenerator(seed: options.seed)
        for (n, index) in indices.enumerated() {
            let random = root.derived(UInt64(index))
            let steps = random.normal([frames], std: Float(options.angleStep)).scalars
            let draws = random.uniform([entry]).scalars
            let grey = digits.image(index).map(Float.init)
            var angle = 0.0
            for frame in 0..<frames {
                angle += Double(steps[frame])
                let image = rotated(grey, side: side, degrees: angle)
                for pixel in 0..<area {
                    let white = image[pixel] > threshold
                    let at = n * entry + frame * area + pixel
                    values[at] = white ? 1 : 0
                    let p = options.missingness.probability(white: white, row: pixel / side, column: pixel % side,
                                                            side: side, frame: frame, frames: frames)
                    observed[at] = Double(draws[frame * area + pixel]) < p ? 0 : 1
                }
            }
        }
        return SequenceSet(count: indices.count, length: frames, features: area, values: values, observed: observed,
                           scored: observed.map { 1 - $0 }, present: [Float](repeating: 1, count: indices.count * frames),
                           times: (0..<(indices.count * frames)).map { Float($0 % frames) },
                           labels: indices.map { digits.labels[$0] }, classes: 10)
    }

    /// Train, validation and test sequences from a split of the digits stratified by class
    /// (`DataSplit.make` with the options' seed), e.g. validation 0, test 0.2 gives 4,000/0/1,000 of mnist-5k.
    public static func make(from digits: DigitImages, validation: Double, test: Double,
                            options: Options) throws -> (sets: SequenceSplits, digits: DataSplit) {
        let split = try DataSplit.make(count: digits.count, labels: digits.labels.map(String.init),
                                       validation: validation, test: test, seed: options.seed)
        let sets = SequenceSplits(train: sequences(from: digits, indices: split.train, options: options),
                                  validation: sequences(from: digits, indices: split.validation, options: options),
                                  test: sequences(from: digits, indices: split.test, options: options))
        return (sets, split)
    }
}
