import Artifacts
import CPNG
import Foundation

/// An image as floats in 0…1, row-major from the top-left, channels interleaved: how models emit samples.
public struct Raster: Sendable, Equatable {
    public enum Channels: Int, Sendable, Codable {
        case gray = 1
        case rgb = 3
    }

    public var width: Int
    public var height: Int
    public var channels: Channels
    public var pixels: [Float]

    public init(gray pixels: [Float], width: Int, height: Int) {
        self.init(pixels: pixels, width: width, height: height, channels: .gray)
    }

    public init(rgb pixels: [Float], width: Int, height: Int) {
        self.init(pixels: pixels, width: width, height: height, channels: .rgb)
    }

    public init(pixels: [Float], width: Int, height: Int, channels: Channels) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Throws unless the size is positive, the pixel count matches and every value is finite.
    public func validate(_ location: String) throws {
        guard width > 0, height > 0 else {
            throw FigureError.invalidInput(location, "image size \(width)×\(height) is empty")
        }
        let expected = width * height * channels.rawValue
        guard pixels.count == expected else {
            throw FigureError.lengthMismatch(location, field: "pixels", expected: expected, actual: pixels.count)
        }
        if let index = pixels.firstIndex(where: { !$0.isFinite }) {
            throw FigureError.nonFinite(location, field: "pixels", index: index)
        }
    }

    /// 8-bit samples, clamped to 0…1 and rounded.
    var bytes: [UInt8] { pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) } }

    /// The same image with three channels.
    var asRGB: Raster {
        channels == .rgb ? self : Raster(rgb: pixels.flatMap { [$0, $0, $0] }, width: width, height: height)
    }

    /// Tiles equally sized images into a grid, row by row, separated by `padding` pixels of `background`.
    /// Mixed gray and RGB tiles give an RGB grid.
    public static func grid(_ tiles: [Raster], columns: Int, padding: Int = 2, background: Float = 1) throws -> Raster {
        guard let first = tiles.first else { throw FigureError.emptyData("image grid") }
        guard columns > 0, padding >= 0 else {
            throw FigureError.invalidInput("image grid", "columns must be positive and padding non-negative")
        }
        for (i, tile) in tiles.enumerated() {
            try tile.validate("image grid tile \(i + 1)")
            guard tile.width == first.width, tile.height == first.height else {
                throw FigureError.invalidInput("image grid tile \(i + 1)",
                                               "size \(tile.width)×\(tile.height) differs from the first tile's \(first.width)×\(first.height)")
            }
        }
        let channels: Channels = tiles.contains { $0.channels == .rgb } ? .rgb : .gray
        let c = channels.rawValue
        let rows = (tiles.count + columns - 1) / columns
        let width = columns * first.width + (columns - 1) * padding
        let height = rows * first.height + (rows - 1) * padding
        var pixels = [Float](repeating: background, count: width * height * c)
        for (i, tile) in tiles.enumerated() {
            let source = channels == .rgb ? tile.asRGB : tile
            let x0 = (i % columns) * (first.width + padding), y0 = (i / columns) * (first.height + padding)
            for y in 0..<first.height {
                let from = y * first.width * c
                let to = ((y0 + y) * width + x0) * c
                pixels.replaceSubrange(to..<(to + first.width * c), with: source.pixels[from..<(from + first.width * c)])
            }
        }
        return Raster(pixels: pixels, width: width, height: height, channels: channels)
    }
}

/// PNG files through libpng's simplified API, without Cairo: for sample grids that need no axes.
public enum PNGImage {
    /// Writes an 8-bit grayscale PNG of `pixels` (0…1, row-major), atomically.
    public static func write(gray pixels: [Float], width: Int, height: Int, to url: URL) throws {
        try write(Raster(gray: pixels, width: width, height: height), to: url)
    }

    /// Writes an 8-bit RGB PNG of interleaved `pixels` (0…1, row-major), atomically.
    public static func write(rgb pixels: [Float], width: Int, height: Int, to url: URL) throws {
        try write(Raster(rgb: pixels, width: width, height: height), to: url)
    }

    /// Writes `raster` as an 8-bit PNG, atomically.
    public static func write(_ raster: Raster, to url: URL) throws {
        try raster.validate(url.lastPathComponent)
        let bytes = raster.bytes
        try writingAtomically {
            try AtomicFile.produce(url) { temporary in
                var image = png_image()
                image.version = png_uint_32(PNG_IMAGE_VERSION)
                image.width = png_uint_32(raster.width)
                image.height = png_uint_32(raster.height)
                image.format = raster.channels == .rgb ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0
                let ok = bytes.withUnsafeBytes { png_image_write_to_file(&image, temporary, 0, $0.baseAddress, 0, nil) }
                guard ok != 0 else {
                    let message = messageText(image)
                    png_image_free(&image)
                    throw FigureError.writeFailed(path: url.path, reason: "libpng: \(message)")
                }
            }
        }
    }

    /// Decodes a PNG (any colour type) to a gray or RGB raster; alpha is composited onto white.
    /// Tests use it to check what was written.
    public static func read(from url: URL) throws -> Raster {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            let message = messageText(image)
            png_image_free(&image)
            throw FigureError.readFailed(path: url.path, reason: "libpng: \(message)")
        }
        let isGray = image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) == 0
            && image.format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) == 0
        image.format = isGray ? 0 : png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let width = Int(image.width), height = Int(image.height), channels = isGray ? 1 : 4
        var buffer = [UInt8](repeating: 0, count: width * height * channels)
        let ok = buffer.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else {
            let message = messageText(image)
            png_image_free(&image)
            throw FigureError.readFailed(path: url.path, reason: "libpng: \(message)")
        }
        if isGray { return Raster(gray: buffer.map { Float($0) / 255 }, width: width, height: height) }
        var rgb = [Float]()
        rgb.reserveCapacity(width * height * 3)
        for p in stride(from: 0, to: buffer.count, by: 4) {
            let alpha = Float(buffer[p + 3]) / 255
            for c in 0..<3 { rgb.append(Float(buffer[p + c]) / 255 * alpha + (1 - alpha)) }
        }
        return Raster(rgb: rgb, width: width, height: height)
    }

    private static func messageText(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
