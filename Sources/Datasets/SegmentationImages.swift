import Foundation
import Tensor

/// N images of one size with, when labelled, one class per pixel: what a few-label segmentation experiment
/// draws its unlabelled pool, labelled training images and test images from.
///
/// `images` is `[N][C][H][W]` in [-1, 1] (the range a diffusion model trains on); `masks` is `[N][H][W]` class
/// indices, `classNames[k]` naming class k (0 is the background), or nil for unlabelled images.
public struct SegmentationImages: Equatable, Sendable {
    public var name: String
    public var classNames: [String]
    public var channels: Int
    public var height: Int
    public var width: Int
    public var images: [Float]
    public var masks: [UInt8]?
    /// Where the images come from and under which terms: show it wherever they are shown.
    public var attribution: String
    /// Set when the set stands in for one the paper used; say so wherever it is shown.
    public var standIn: String?

    public init(name: String, classNames: [String], channels: Int, height: Int, width: Int, images: [Float],
                masks: [UInt8]?, attribution: String, standIn: String? = nil) {
        let area = height * width
        precondition(channels > 0 && area > 0 && images.count % (channels * area) == 0,
                     "SegmentationImages: images must be [N][C][H][W]")
        precondition(masks.map { $0.count == images.count / channels } ?? true, "SegmentationImages: masks must be [N][H][W]")
        self.name = name
        self.classNames = classNames
        self.channels = channels
        self.height = height
        self.width = width
        self.images = images
        self.masks = masks
        self.attribution = attribution
        self.standIn = standIn
    }

    public var count: Int { images.count / (channels * height * width) }
    public var isLabelled: Bool { masks != nil }

    /// The images at `indices`, in that order (with their masks).
    public func subset(_ indices: [Int]) -> SegmentationImages {
        let size = channels * height * width, area = height * width
        var copy = self
        copy.images = indices.flatMap { images[($0 * size)..<(($0 + 1) * size)] }
        copy.masks = masks.map { masks in indices.flatMap { masks[($0 * area)..<(($0 + 1) * area)] } }
        return copy
    }

    /// The images at `indices` as a `[B, C, H, W]` tensor.
    public func tensor(_ indices: [Int]) -> Tensor {
        let size = channels * height * width
        return Tensor(indices.flatMap { images[($0 * size)..<(($0 + 1) * size)] }, shape: [indices.count, channels, height, width])
    }

    /// The class indices of image `index`, row-major `H·W`. Only for a labelled set.
    public func mask(_ index: Int) -> ArraySlice<UInt8> {
        guard let masks else { preconditionFailure("SegmentationImages.mask: \(name) is unlabelled") }
        return masks[(index * height * width)..<((index + 1) * height * width)]
    }

    /// Each class's share of all mask pixels (empty for an unlabelled set).
    public var classShares: [Double] {
        guard let masks, !masks.isEmpty else { return [] }
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in masks where Int(label) < counts.count { counts[Int(label)] += 1 }
        return counts.map { Double($0) / Double(masks.count) }
    }

    /// Half the height and width: each pixel the mean of a 2 × 2 block, each label the block's most frequent
    /// class, a tie going to a foreground class (the lower one) before the background, so thin parts survive.
    public func downsampled() -> SegmentationImages {
        precondition(height % 2 == 0 && width % 2 == 0, "SegmentationImages.downsampled: \(height) × \(width) is not even")
        let (h, w) = (height / 2, width / 2)
        var values = [Float](repeating: 0, count: count * channels * h * w)
        for plane in 0..<(count * channels) {
            for y in 0..<h {
                for x in 0..<w {
                    let top = plane * height * width + 2 * y * width + 2 * x
                    let sum = images[top] + images[top + 1] + images[top + width] + images[top + width + 1]
                    values[(plane * h + y) * w + x] = sum / 4
                }
            }
        }
        var copy = self
        copy.height = h
        copy.width = w
        copy.images = values
        copy.masks = masks.map { masks in
            var labels = [UInt8](repeating: 0, count: count * h * w)
            for n in 0..<count {
                for y in 0..<h {
                    for x in 0..<w {
                        let top = n * height * width + 2 * y * width + 2 * x
                        labels[(n * h + y) * w + x] = Self.vote([masks[top], masks[top + 1], masks[top + width], masks[top + width + 1]])
                    }
                }
            }
            return labels
        }
        return copy
    }

    /// The most frequent label; ties go to a foreground class before 0, then to the lower class.
    static func vote(_ labels: [UInt8]) -> UInt8 {
        var best = labels[0], bestCount = 0
        for candidate in labels {
            let count = labels.reduce(0) { $0 + ($1 == candidate ? 1 : 0) }
            let better = count > bestCount
                || (count == bestCount && (best == 0 ? candidate != 0 : candidate != 0 && candidate < best))
            if better { (best, bestCount) = (candidate, count) }
        }
        return best
    }

    /// `count` images drawn from this set, each (from `seed` and its position alone) a uniformly chosen image,
    /// mirrored left–right with probability ½ and shifted by up to `maxShift` pixels each way, the uncovered
    /// border filled with -1 (black). Masks move along (the border becomes background). For enlarging a small
    /// unlabelled pool; left–right mirroring keeps every class of both kits' data sets meaningful.
    public func augmented(count: Int, maxShift: Int, seed: UInt64) -> SegmentationImages {
        precondition(self.count > 0 && maxShift >= 0, "SegmentationImages.augmented: needs images and maxShift ≥ 0")
        let root = RandomGenerator(seed: seed)
        let area = height * width
        var values = [Float](repeating: -1, count: count * channels * area)
        var labels = masks.map { _ in [UInt8](repeating: 0, count: count * area) }
        for i in 0..<count {
            let random = root.derived(UInt64(i))
            let source = random.integer(below: self.count)
            let mirrored = random.integer(below: 2) == 1
            let dx = random.integer(below: 2 * maxShift + 1) - maxShift, dy = random.integer(below: 2 * maxShift + 1) - maxShift
            for y in 0..<height where (0..<height).contains(y - dy) {
                for x in 0..<width where (0..<width).contains(x - dx) {
                    let sx = mirrored ? width - 1 - (x - dx) : x - dx
                    let from = (y - dy) * width + sx, to = y * width + x
                    for c in 0..<channels {
                        values[(i * channels + c) * area + to] = images[(source * channels + c) * area + from]
                    }
                    if let masks { labels?[i * area + to] = masks[source * area + from] }
                }
            }
        }
        var copy = self
        copy.images = values
        copy.masks = labels
        return copy
    }

    /// SHA-256 identifying the images and masks, for a run's manifest: of a text holding the classes, shape and the
    /// SHA-256 of every 1 MiB block of the images (Float32 bits, host byte order: little-endian on every
    /// platform the kit builds for) and of the masks. Equal hashes, equal data.
    public var sha256: String {
        func blocks<Element>(_ array: [Element]) -> String {
            let step = (1 << 20) / MemoryLayout<Element>.stride
            return stride(from: 0, to: max(array.count, 1), by: step).map { start in
                array[start..<min(start + step, array.count)].withUnsafeBytes { sha256Hex(of: Data($0)) }
            }.joined(separator: ",")
        }
        var text = "classes:\(classNames.joined(separator: "|"))\nshape:\(count),\(channels),\(height),\(width)\n"
        text += "images:\(blocks(images))\n"
        text += "masks:\(masks.map { blocks($0) } ?? "none")\n"
        return sha256Hex(of: Data(text.utf8))
    }
}
