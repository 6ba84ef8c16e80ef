import Foundation

/// Minimal PNG files written byte by byte (uncompressed deflate blocks), so tests can make exactly the colour
/// types and depths a reader must accept or refuse without another image library.
enum TestPNG {
    enum Kind {
        case grey, rgb, rgba, greyAlpha
        /// Palette of `entries` colours (each entry a distinct grey, so indices and colours differ).
        case palette(entries: Int)
    }

    /// Writes `samples` (row-major, `channels` bytes per pixel for the kind, or 16-bit big-endian pairs when
    /// `sixteenBit`) as a PNG of `width` × `height`.
    static func write(_ url: URL, width: Int, height: Int, kind: Kind, samples: [UInt8], sixteenBit: Bool = false) throws {
        let (colourType, channels): (UInt8, Int) = switch kind {
        case .grey: (0, 1)
        case .rgb: (2, 3)
        case .palette: (3, 1)
        case .greyAlpha: (4, 2)
        case .rgba: (6, 4)
        }
        let rowBytes = width * channels * (sixteenBit ? 2 : 1)
        precondition(samples.count == rowBytes * height, "TestPNG: \(samples.count) samples for \(width) × \(height)")
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", big(width) + big(height) + [sixteenBit ? 16 : 8, colourType, 0, 0, 0])
        if case let .palette(entries) = kind {
            file += chunk("PLTE", (0..<entries).flatMap { i -> [UInt8] in let g = UInt8(255 - i); return [g, g, g] })
        }
        var raw: [UInt8] = []
        for row in 0..<height { raw += [0] + samples[(row * rowBytes)..<((row + 1) * rowBytes)] }
        file += chunk("IDAT", zlibStored(raw))
        file += chunk("IEND", [])
        try Data(file).write(to: url)
    }

    static func big(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return big(body.count) + typed + big(Int(crc32(typed)))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = end - start
            out += [end == data.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[start..<end]
            start = end
        } while start < data.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + big(Int(b << 16 | a))
    }
}
