import Foundation
import Testing
@testable import Datasets

@Suite struct ImageFolderTests {
    /// A folder pair with images/ and masks/ in a fresh temporary directory; `body` fills and reads it.
    func withFolders(_ body: (_ images: URL, _ masks: URL) throws -> Void) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (images, masks) = (root.appendingPathComponent("images"), root.appendingPathComponent("masks"))
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true)
        try body(images, masks)
    }

    /// A 2 × 2 RGB image with pixel values from `base`.
    func rgb(_ url: URL, base: UInt8) throws {
        try TestPNG.write(url, width: 2, height: 2, kind: .rgb, samples: (0..<12).map { base + UInt8($0) })
    }

    @Test func readsImagesAndPaletteAndGreyMasks() throws {
        try withFolders { images, masks in
            try rgb(images.appendingPathComponent("a.png"), base: 0)
            try rgb(images.appendingPathComponent("b.png"), base: 100)
            try TestPNG.write(images.appendingPathComponent("c.png"), width: 2, height: 2, kind: .grey, samples: [0, 51, 102, 255])
            // a: palette indices (the palette's colours are greys 255, 254, …: only the index may count).
            try TestPNG.write(masks.appendingPathComponent("a.png"), width: 2, height: 2, kind: .palette(entries: 3), samples: [0, 1, 2, 1])
            try TestPNG.write(masks.appendingPathComponent("c.png"), width: 2, height: 2, kind: .grey, samples: [2, 2, 0, 0])
            let folder = try ImageFolder(images: images, masks: masks)
            #expect(folder.files == ["a.png", "b.png", "c.png"])
            #expect(folder.images.count == 3 && folder.images.channels == 3 && folder.images.height == 2 && !folder.images.isLabelled)
            // Image b's red plane holds 100, 103, 106, 109 → 2v/255 − 1.
            let red = Array(folder.images.images[12..<16])
            #expect(zip(red, [100, 103, 106, 109]).allSatisfy { abs($0 - (2 * Float($1) / 255 - 1)) < 1e-6 })
            // The grey image fills all three planes alike.
            #expect(Array(folder.images.images[24..<28]) == Array(folder.images.images[28..<32]))
            #expect(folder.labelledIndices == [0, 2] && folder.labelled.count == 2)
            #expect(Array(folder.labelled.mask(0)) == [0, 1, 2, 1] && Array(folder.labelled.mask(1)) == [2, 2, 0, 0])
            #expect(folder.labelled.classNames == ["class 0", "class 1", "class 2"])
            #expect(folder.labelled.images == folder.images.subset([0, 2]).images)
        }
    }

    @Test func greyImagesGiveOneChannelAndAlphaGoesOverBlack() throws {
        try withFolders { images, masks in
            try TestPNG.write(images.appendingPathComponent("g.png"), width: 1, height: 2, kind: .greyAlpha, samples: [255, 255, 255, 0])
            try TestPNG.write(masks.appendingPathComponent("g.png"), width: 1, height: 2, kind: .grey, samples: [0, 1])
            let folder = try ImageFolder(images: images, masks: masks, classNames: ["background", "thing"])
            #expect(folder.images.channels == 1 && folder.images.images == [1, -1])
            #expect(folder.labelled.classNames == ["background", "thing"])
        }
    }

    func failure(_ fill: (URL, URL) throws -> Void, classNames: [String]? = nil) throws -> (message: String, images: URL, masks: URL) {
        var result: (String, URL, URL)?
        try withFolders { images, masks in
            try fill(images, masks)
            result = (message { _ = try ImageFolder(images: images, masks: masks, classNames: classNames) } ?? "no error", images, masks)
        }
        return try #require(result)
    }

    /// Two labelled images with both classes 0 and 1; `change` spoils one thing.
    func goodPair(_ images: URL, _ masks: URL) throws {
        try rgb(images.appendingPathComponent("a.png"), base: 0)
        try rgb(images.appendingPathComponent("b.png"), base: 50)
        try TestPNG.write(masks.appendingPathComponent("a.png"), width: 2, height: 2, kind: .grey, samples: [0, 1, 1, 0])
    }

    @Test func aFileThatIsNoPNGIsNamed() throws {
        let (m, images, _) = try failure { images, masks in
            try goodPair(images, masks)
            try Data("not an image".utf8).write(to: images.appendingPathComponent("notes.txt"))
        }
        #expect(m.hasPrefix("cannot read \(images.path)/notes.txt: not a readable PNG"))
        let (truncated, images2, _) = try failure { images, masks in
            try goodPair(images, masks)
            let whole = try Data(contentsOf: images.appendingPathComponent("b.png"))
            try whole.prefix(40).write(to: images.appendingPathComponent("b.png"))
        }
        #expect(truncated.hasPrefix("cannot read \(images2.path)/b.png: "))
    }

    @Test func imagesOfAnotherSizeAreNamed() throws {
        let (m, images, _) = try failure { images, masks in
            try goodPair(images, masks)
            try TestPNG.write(images.appendingPathComponent("c.png"), width: 3, height: 1, kind: .grey, samples: [1, 2, 3])
        }
        #expect(m == "cannot read \(images.path)/c.png: the image is 3 × 1, but a.png is 2 × 2; all images must have one size")
    }

    @Test func aMaskOfAnotherSizeThanItsImageIsNamed() throws {
        let (m, _, masks) = try failure { images, masks in
            try goodPair(images, masks)
            try TestPNG.write(masks.appendingPathComponent("b.png"), width: 1, height: 4, kind: .grey, samples: [0, 1, 0, 1])
        }
        #expect(m == "cannot read \(masks.path)/b.png: the mask is 1 × 4, its image 2 × 2")
    }

    @Test func aMaskValueBeyondTheClassesIsNamed() throws {
        let (m, _, masks) = try failure({ images, masks in
            try goodPair(images, masks)
            try TestPNG.write(masks.appendingPathComponent("b.png"), width: 2, height: 2, kind: .palette(entries: 4), samples: [0, 1, 1, 3])
        }, classNames: ["background", "part", "other"])
        #expect(m == "cannot read \(masks.path)/b.png: value 3 at row 2, column 2 is not a class (3 classes: 0–2)")
    }

    @Test func masksWithOneClassAreRefused() throws {
        let (m, _, masks) = try failure { images, masks in
            try rgb(images.appendingPathComponent("a.png"), base: 0)
            try TestPNG.write(masks.appendingPathComponent("a.png"), width: 2, height: 2, kind: .grey, samples: [1, 1, 1, 1])
        }
        #expect(m == "cannot read \(masks.path): the masks hold 1 class; segmentation needs at least two")
        let (none, _, masks2) = try failure { images, _ in try rgb(images.appendingPathComponent("a.png"), base: 0) }
        #expect(none == "cannot read \(masks2.path): the masks hold 0 classes; segmentation needs at least two")
    }

    @Test func anEmptyImageFolderIsRefused() throws {
        let (m, images, _) = try failure { _, _ in }
        #expect(m == "cannot read \(images.path): the image folder holds no files")
    }

    @Test func aMaskWithoutAnImageIsNamed() throws {
        let (m, images, masks) = try failure { images, masks in
            try goodPair(images, masks)
            try TestPNG.write(masks.appendingPathComponent("z.png"), width: 2, height: 2, kind: .grey, samples: [0, 1, 0, 1])
        }
        #expect(m == "cannot read \(masks.path)/z.png: a mask without an image: \(images.path) has no z.png")
    }

    @Test func colourAndSixteenBitMasksAreRefused() throws {
        let (colour, _, masks) = try failure { images, masks in
            try goodPair(images, masks)
            try rgb(masks.appendingPathComponent("b.png"), base: 0)
        }
        #expect(colour == "cannot read \(masks.path)/b.png: a mask must be a palette PNG or an 8-bit grey PNG without alpha "
                + "holding class indices; this one is RGB")
        let (deep, _, _) = try failure { images, masks in
            try goodPair(images, masks)
            try TestPNG.write(masks.appendingPathComponent("b.png"), width: 2, height: 2, kind: .grey, samples: [0, 0, 0, 1, 0, 1, 0, 0],
                              sixteenBit: true)
        }
        #expect(deep.hasSuffix("this one is 16-bit"))
    }
}
