import Foundation

/// A user's own images and masks (`--images DIR --masks DIR`): every file of the image folder is a PNG (grey,
/// RGB or palette; alpha composited over black), all of one size (images are not resized: halve them with
/// `SegmentationImages.downsampled()` if need be). A mask has its image's file name and size and holds one
/// class index per pixel, as palette indices or 8-bit grey levels. Images without a mask are unlabelled.
/// Hidden files and subfolders are skipped.
public struct ImageFolder: Sendable {
    /// The image file names, sorted; `images` follows this order.
    public var files: [String]
    /// Every image, unlabelled: 3 channels if any file is in colour, else 1; values in [-1, 1].
    public var images: SegmentationImages
    /// Where the images with a mask are in `files`.
    public var labelledIndices: [Int]
    /// The images with a mask, with their masks.
    public var labelled: SegmentationImages

    /// Reads both folders. `classNames`, when given, fixes the classes (a mask value must be below its count);
    /// otherwise there are as many as the largest mask value + 1, named "class 0", "class 1", …. Fails, naming the
    /// file, on an empty image folder, a file that is not a readable PNG, an image of another size than the first,
    /// a mask without an image or of another size than its image, a value that is not a class, and when the
    /// masks hold fewer than two classes between them.
    public init(images imageFolder: URL, masks maskFolder: URL, classNames: [String]? = nil, name: String = "own images") throws {
        let files = try Self.listing(imageFolder)
        guard !files.isEmpty else { throw DataError.unreadable(file: imageFolder.path, reason: "the image folder holds no files") }
        var pictures: [PNGReading.Image] = []
        for file in files {
            let picture = try PNGReading.image(imageFolder.appendingPathComponent(file))
            if let first = pictures.first, (picture.width, picture.height) != (first.width, first.height) {
                throw DataError.unreadable(file: imageFolder.appendingPathComponent(file).path,
                                           reason: "the image is \(picture.width) × \(picture.height), but \(files[0]) is "
                                           + "\(first.width) × \(first.height); all images must have one size")
            }
            pictures.append(picture)
        }
        let (width, height) = (pictures[0].width, pictures[0].height)

        var masks: [Int: [UInt8]] = [:]
        for file in try Self.listing(maskFolder) {
            let url = maskFolder.appendingPathComponent(file)
            guard let index = files.firstIndex(of: file) else {
                throw DataError.unreadable(file: url.path, reason: "a mask without an image: \(imageFolder.path) has no \(file)")
            }
            let mask = try PNGReading.indices(url)
            guard (mask.width, mask.height) == (width, height) else {
                throw DataError.unreadable(file: url.path, reason: "the mask is \(mask.width) × \(mask.height), its image "
                                           + "\(width) × \(height)")
            }
            if let classNames, let at = mask.values.firstIndex(where: { Int($0) >= classNames.count }) {
                throw DataError.unreadable(file: url.path, reason: "value \(mask.values[at]) at row \(at / width + 1), column "
                                           + "\(at % width + 1) is not a class (\(classNames.count) classes: 0–\(classNames.count - 1))")
            }
            masks[index] = mask.values
        }
        let present = Set(masks.values.flatMap { Set($0) })
        guard present.count >= 2 else {
            throw DataError.unreadable(file: maskFolder.path, reason: "the masks hold \(present.count) class"
                                       + (present.count == 1 ? "" : "es") + "; segmentation needs at least two")
        }
        let names = classNames ?? (0...Int(present.max() ?? 0)).map { "class \($0)" }

        let channels = pictures.contains { $0.isColour } ? 3 : 1
        let area = width * height
        var values = [Float](repeating: 0, count: files.count * channels * area)
        for (n, picture) in pictures.enumerated() {
            for pixel in 0..<area {
                let alpha = Float(picture.rgba[pixel * 4 + 3]) / 255
                for c in 0..<channels {
                    values[(n * channels + c) * area + pixel] = 2 * alpha * Float(picture.rgba[pixel * 4 + c]) / 255 - 1
                }
            }
        }
        let labelledIndices = masks.keys.sorted()
        self.files = files
        self.images = SegmentationImages(name: name, classNames: names, channels: channels, height: height, width: width,
                                         images: values, masks: nil, attribution: "the user's images in \(imageFolder.path)")
        self.labelledIndices = labelledIndices
        var labelled = images.subset(labelledIndices)
        labelled.masks = labelledIndices.flatMap { masks[$0] ?? [] }
        self.labelled = labelled
    }

    /// The names of a folder's files, sorted, without hidden files and subfolders.
    static func listing(_ folder: URL) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.unreadable(file: folder.path, reason: "no such folder")
        }
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: folder.path) } catch {
            throw DataError.unreadable(file: folder.path, reason: FileProblem.unreadable(folder, error: error))
        }
        return names.filter { name in
            var isFolder: ObjCBool = false
            let exists = manager.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
            return exists && !name.hasPrefix(".") && !isFolder.boolValue
        }.sorted()
    }
}
