import Dispatch
import Foundation
import Tensor

/// The part-segmentation stand-in for FFHQ-34 (faces labelled by part): single frames of random Flare characters
/// with every pixel labelled by the part drawn last there (background, head, chest, legs, feet, hands, main- and
/// off-hand item), 32 × 32 RGB.
///
/// Image i depends only on the seed and i, so any subset renders the same pixels: a random character (body
/// parts always worn, each hand left empty with probability 0.45), animation, frame and direction, its
/// position jittered by up to ±3 px, over a plain colour or a linear two-colour gradient (even odds), drawn on
/// Flare's 64 × 64 canvas and then halved (2 × 2 means; labels by majority, ties to the foreground).
public struct PartImages: Sendable {
    public struct Options: Equatable, Sendable {
        public var seed: UInt64
        /// Probability that a hand holds nothing (each hand on its own).
        public var handItemAbsence: Float
        /// Largest shift of the character's position, in canvas pixels, each way.
        public var jitter: Int

        public init(seed: UInt64 = 0, handItemAbsence: Float = 0.45, jitter: Int = 3) {
            self.seed = seed
            self.handItemAbsence = handItemAbsence
            self.jitter = jitter
        }
    }

    /// Class k's name; class 0 is the background, class k > 0 is `AvatarPart(rawValue: k)`.
    public static let classNames = ["background"] + AvatarPart.allCases.map(\.name)
    public static let attribution = "Flare (flare-game 1.14, fantasycore mod) by Clint Bellanger and the Flare contributors, "
        + "CC-BY-SA 3.0; characters composed by this kit."
    public static let standIn = "Flare characters labelled by body part stand in for FFHQ-34 (faces labelled with 34 parts), "
        + "which no reachable package ships."

    /// Where the sets live in index space: the pool at 0..<pool, the labelled training images from 1,000,000 and
    /// the test images from 2,000,000. The three never overlap whatever their sizes, and a smaller set is a prefix
    /// of a larger one (20 training images are the first 20 of 50). The defaults are the chapter's sizes, after the
    /// prototype (research/chapter2-feasibility.md): 5,000 unlabelled, 20 labelled, 50 test images.
    public static func poolIndices(_ count: Int = 5000) -> [Int] {
        precondition((0...1_000_000).contains(count), "PartImages: the pool holds at most 1,000,000 images")
        return Array(0..<count)
    }
    public static func trainIndices(_ count: Int = 20) -> [Int] {
        precondition((0...1_000_000).contains(count), "PartImages: at most 1,000,000 training images")
        return Array(1_000_000..<(1_000_000 + count))
    }
    public static func testIndices(_ count: Int = 50) -> [Int] {
        precondition((0...1_000_000).contains(count), "PartImages: at most 1,000,000 test images")
        return Array(2_000_000..<(2_000_000 + count))
    }

    public var composer: SpriteComposer
    public var options: Options

    /// `composer` draws on its canvas (64 × 64 for Flare's frames, anchor between the feet).
    public init(composer: SpriteComposer, options: Options = Options()) {
        precondition(composer.side % 2 == 0, "PartImages: the canvas side must be even")
        self.composer = composer
        self.options = options
    }

    /// The images at `indices` with their part labels, at half the canvas side; rendered on up to
    /// `Threading.threadCount` threads, with the same result on any number.
    public func render(_ indices: [Int], name: String) -> SegmentationImages {
        let side = composer.side, area = side * side
        var rgb = [Float](repeating: 0, count: indices.count * area * 3)
        var parts = [UInt8](repeating: 0, count: indices.count * area)
        let workers = max(1, min(Threading.threadCount, indices.count))
        rgb.withUnsafeMutableBufferPointer { rgbBuffer in
            parts.withUnsafeMutableBufferPointer { partsBuffer in
                let (rgbOut, partsOut) = (UnsafeSendable(rgbBuffer), UnsafeSendable(partsBuffer))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for n in stride(from: worker, to: indices.count, by: workers) {
                        let (image, labels) = canvas(indices[n])
                        for i in 0..<(area * 3) { rgbOut.value[n * area * 3 + i] = image[i] }
                        for i in 0..<area { partsOut.value[n * area + i] = labels[i] }
                    }
                }
            }
        }
        // Interleaved RGB in [0, 1] to planes in [-1, 1].
        var planes = [Float](repeating: 0, count: rgb.count)
        for n in 0..<indices.count {
            for pixel in 0..<area {
                for c in 0..<3 { planes[(n * 3 + c) * area + pixel] = 2 * rgb[(n * area + pixel) * 3 + c] - 1 }
            }
        }
        return SegmentationImages(name: name, classNames: Self.classNames, channels: 3, height: side, width: side,
                                  images: planes, masks: parts, attribution: Self.attribution, standIn: Self.standIn)
            .downsampled()
    }

    /// Image `index` on the full canvas: interleaved RGB in [0, 1] and part labels.
    func canvas(_ index: Int) -> (rgb: [Float], parts: [UInt8]) {
        let side = composer.side, area = side * side
        let random = RandomGenerator(seed: options.seed).derived(UInt64(index))
        let character = composer.randomCharacter(random, directions: Array(0..<8), handItemAbsence: options.handItemAbsence)
        let frame = random.integer(below: Set(character.action.frameOrder).count)
        let span = 2 * options.jitter + 1
        let dx = random.integer(below: span) - options.jitter, dy = random.integer(below: span) - options.jitter
        let colours = random.uniform([6]).scalars
        var rgb = [Float](repeating: 0, count: area * 3)
        if random.integer(below: 2) == 0 {
            for pixel in 0..<area { for c in 0..<3 { rgb[pixel * 3 + c] = colours[c] } }
        } else {
            // A gradient from the first colour to the second along a random direction, across the canvas.
            let angle = 2 * Float.pi * random.uniform([1]).scalars[0]
            let (ux, uy) = (Foundation.cos(angle), Foundation.sin(angle))
            let reach = (abs(ux) + abs(uy)) * Float(side - 1) / 2
            for y in 0..<side {
                for x in 0..<side {
                    let along = ((Float(x) - Float(side - 1) / 2) * ux + (Float(y) - Float(side - 1) / 2) * uy) / reach
                    let t = (along + 1) / 2
                    for c in 0..<3 { rgb[(y * side + x) * 3 + c] = (1 - t) * colours[c] + t * colours[3 + c] }
                }
            }
        }
        var parts = [UInt8](repeating: 0, count: area)
        composer.draw(character, frame: frame, anchorX: composer.anchorX + dx, anchorY: composer.anchorY + dy,
                      into: &rgb, parts: &parts)
        return (rgb, parts)
    }
}

/// A buffer handed to worker threads that each write their own disjoint elements.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
