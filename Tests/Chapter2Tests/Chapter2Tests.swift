import ChapterProgramSupport
import Foundation
import XCTest

/// `chapter2` refuses bad options before anything is written, and names the command that prepares missing data.
final class Chapter2OptionTests: ChapterProgramTestCase {
    override var program: String { "chapter2" }

    func testBadOptionsAreRefused() throws {
        try assertRefused(["--domains", ""], mentioning: ["--domains"])
        try assertRefused(["--domains", "faces"], mentioning: ["faces"])
        try assertRefused(["--representations", "swav"], mentioning: ["swav"])
        try assertRefused(["--profile", "huge"], mentioning: ["--profile"])
        try assertRefused(["--threads", "0"], mentioning: ["--threads"])
    }

    func testMissingDataSaysHowToGetIt() throws {
        try assertRefused(["--profile", "smoke", "--domains", "brain"], mentioning: ["data"])
    }
}

/// `chapter2 --images DIR --masks DIR` on a user's own PNGs: a run end to end, and bad input refused with the file
/// named and nothing written.
final class Chapter2OwnImagesTests: ChapterProgramTestCase {
    override var program: String { "chapter2" }
    let smoke = ["--profile", "smoke"]
    var inputs: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        inputs = FileManager.default.temporaryDirectory.appendingPathComponent("chapter2-inputs-\(UUID().uuidString)")
        for folder in ["discs/images", "discs/masks"] {
            try FileManager.default.createDirectory(at: inputs.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        // Twelve 16 × 16 grey images of a bright disc on a dark field; four carry masks (disc = 1).
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        for i in 0..<12 {
            let cx = 5 + next(6), cy = 5 + next(6), r = 3 + next(2)
            var image: [UInt8] = [], mask: [UInt8] = []
            for y in 0..<16 {
                for x in 0..<16 {
                    let inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r
                    image.append(UInt8((inside ? 200 : 50) + next(30)))
                    mask.append(inside ? 1 : 0)
                }
            }
            let name = String(format: "disc%02d.png", i)
            try grayPNG(image, side: 16).write(to: inputs.appendingPathComponent("discs/images/" + name))
            if i < 4 { try grayPNG(mask, side: 16).write(to: inputs.appendingPathComponent("discs/masks/" + name)) }
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: inputs)
        try super.tearDownWithError()
    }

    var images: String { inputs.appendingPathComponent("discs/images").path }
    var masks: String { inputs.appendingPathComponent("discs/masks").path }

    func testOwnImagesEndToEnd() throws {
        let result = try run(["--profile", "smoke", "--images", images, "--masks", masks, "--classes", "field,disc"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let written = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("reports/own/discs-masks").path).sorted()
        XCTAssertEqual(written, (2..<12).map { String(format: "disc%02d.png", $0) }, "a mask for every image the classifier did not train on")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/own/discs-segmentation.html").path))
        let table = try String(contentsOf: root.appendingPathComponent("reports/runs/2-segmentation-own/tables/miou.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("DDPM (ours)") && !table.contains("paper"), table)
    }

    func testBadImagesAreRefusedNamingTheFile() throws {
        try assertRefused(smoke + ["--images", images], mentioning: ["--masks"])
        try assertRefused(smoke + ["--images", images, "--masks", masks, "--domains", "sprites"], mentioning: ["--domains"])
        try assertRefused(smoke + ["--images", images, "--masks", masks, "--classes", "only"], mentioning: ["--classes"])
        // A mask value beyond the classes named.
        try grayPNG([UInt8](repeating: 2, count: 256), side: 16).write(to: URL(fileURLWithPath: masks + "/disc05.png"))
        try assertRefused(smoke + ["--images", images, "--masks", masks, "--classes", "field,disc"], mentioning: ["disc05.png"])
        try FileManager.default.removeItem(atPath: masks + "/disc05.png")
        // A mask of another size than its image.
        try grayPNG([UInt8](repeating: 0, count: 64), side: 8).write(to: URL(fileURLWithPath: masks + "/disc06.png"))
        try assertRefused(smoke + ["--images", images, "--masks", masks], mentioning: ["disc06.png"])
        try FileManager.default.removeItem(atPath: masks + "/disc06.png")
        // A file that is not a PNG.
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: images + "/notes.png"))
        try assertRefused(smoke + ["--images", images, "--masks", masks], mentioning: ["notes.png"])
        try FileManager.default.removeItem(atPath: images + "/notes.png")
        // One mask only: nothing to score the classifier on.
        for i in 1..<4 { try FileManager.default.removeItem(atPath: masks + String(format: "/disc%02d.png", i)) }
        try assertRefused(smoke + ["--images", images, "--masks", masks], mentioning: ["at least two"])
    }
}

/// An 8-bit grey PNG with stored (uncompressed) deflate blocks: enough for test inputs without a zlib binding.
func grayPNG(_ pixels: [UInt8], side: Int) -> Data {
    func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let tagged = Array(type.utf8) + body
        return be32(UInt32(body.count)) + tagged + be32(crc32(tagged))
    }
    var raw: [UInt8] = []
    for y in 0..<side { raw.append(0); raw += pixels[(y * side)..<((y + 1) * side)] }
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
    let length = UInt16(raw.count)
    let zlib: [UInt8] = [0x78, 0x01, 1, UInt8(length & 255), UInt8(length >> 8), UInt8(~length & 255), UInt8(~length >> 8)]
        + raw + be32(b << 16 | a)
    let header = be32(UInt32(side)) + be32(UInt32(side)) + [8, 0, 0, 0, 0]
    return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", []))
}
