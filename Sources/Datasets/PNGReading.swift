import CPNG
import Foundation

/// PNG files read through libpng's simplified API, which reports a broken file as an error instead of
/// longjmp-ing out (the only safe way to call libpng from Swift).
enum PNGReading {
    struct Image {
        var width: Int
        var height: Int
        /// Whether the file stores colour (RGB or a coloured palette), as opposed to grey levels.
        var isColour: Bool
        /// `width · height · 4` bytes, RGBA, row-major.
        var rgba: [UInt8]
    }

    /// Any PNG (grey, RGB, palette, with or without alpha, 1–16 bits) as 8-bit RGBA.
    static func image(_ url: URL) throws -> Image {
        var image = try begin(url)
        let isColour = image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        var rgba = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * 4)
        let ok = rgba.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        try finish(&image, ok: ok, url: url)
        return Image(width: Int(image.width), height: Int(image.height), isColour: isColour, rgba: rgba)
    }

    /// The stored sample values of a palette PNG (palette indices) or of an up-to-8-bit grey PNG without alpha
    /// (grey levels), untouched by gamma or colour conversion: a mask's class indices.
    static func indices(_ url: URL) throws -> (width: Int, height: Int, values: [UInt8]) {
        var image = try begin(url)
        let format = image.format
        let isPalette = format & png_uint_32(PNG_FORMAT_FLAG_COLORMAP) != 0
        let flags = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_LINEAR)
        guard isPalette || format & flags == 0 else {
            png_image_free(&image)
            let kind = format & png_uint_32(PNG_FORMAT_FLAG_LINEAR) != 0 ? "16-bit"
                : format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0 ? "RGB" : "grey with alpha"
            throw DataError.unreadable(file: url.path, reason: "a mask must be a palette PNG or an 8-bit grey PNG without "
                                       + "alpha holding class indices; this one is \(kind)")
        }
        // Read through a colour map: libpng then hands back the palette index, or the grey level, of each pixel.
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_COLORMAP)
        var values = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height))
        var colourMap = [UInt8](repeating: 0, count: 256 * 4)
        let ok = values.withUnsafeMutableBytes { pixels in
            colourMap.withUnsafeMutableBytes { png_image_finish_read(&image, nil, pixels.baseAddress, 0, $0.baseAddress) }
        }
        try finish(&image, ok: ok, url: url)
        return (Int(image.width), Int(image.height), values)
    }

    private static func begin(_ url: URL) throws -> png_image {
        try FileProblem.checkReadable(url)
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            let reason = message(image)
            png_image_free(&image)
            throw DataError.unreadable(file: url.path, reason: "not a readable PNG (libpng: \(reason))")
        }
        return image
    }

    private static func finish(_ image: inout png_image, ok: Int32, url: URL) throws {
        defer { png_image_free(&image) }
        guard ok != 0 else { throw DataError.unreadable(file: url.path, reason: "broken PNG (libpng: \(message(image)))") }
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
