import Foundation
import Testing
import Tensor
@testable import Datasets

@Suite struct PartImagesTests {
    func cell(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// One body "b" in all 8 directions and every frame of run, swing and cast: an opaque red 3 × 3 chest at
    /// offset (1, 3), an opaque green 2 × 2 head at offset (1, 4) that overlaps the chest's top row, and a
    /// 1 × 1 sword and shield. Even directions draw the chest first, odd ones the head first.
    func sheets() throws -> AvatarSheets {
        var frames = "body,sheet,type,animation,direction,frame,width,height,offset_x,offset_y,rgba\n"
        for (animation, count) in [("run", 8), ("swing", 4), ("cast", 4)] {
            for direction in 0..<8 {
                for frame in 0..<count {
                    let key = "\(animation),\(direction),\(frame)"
                    frames += "b,shirt,chest,\(key),3,3,1,3,\(cell((0..<9).flatMap { _ in [255, 0, 0, 255] as [UInt8] }))\n"
                    frames += "b,cap,head,\(key),2,2,1,4,\(cell((0..<4).flatMap { _ in [0, 255, 0, 255] as [UInt8] }))\n"
                    frames += "b,sword,main,\(key),1,1,0,0,\(cell([255, 255, 255, 255]))\n"
                    frames += "b,shield,off,\(key),1,1,-1,0,\(cell([9, 9, 9, 255]))\n"
                }
            }
        }
        var layers = "direction,position,type\n"
        for direction in 0..<8 {
            let order = direction % 2 == 0 ? ["chest", "head", "main", "off"] : ["head", "chest", "main", "off"]
            for (position, part) in order.enumerated() { layers += "\(direction),\(position),\(part)\n" }
        }
        return try AvatarSheets(frames: CSVReader.parse(frames, file: "frames.csv"), layers: CSVReader.parse(layers, file: "layers.csv"))
    }

    @Test func everyPixelIsLabelledByTheLayerDrawnLast() throws {
        let composer = SpriteComposer(sheets: try sheets(), side: 8)
        let (chest, head) = (UInt8(AvatarPart.chest.rawValue), UInt8(AvatarPart.head.rawValue))
        for direction in [0, 1] {
            let character = AvatarCharacter(body: "b", layers: [.chest: "shirt", .head: "cap"], action: .run, direction: direction)
            var rgb = [Float](repeating: 0, count: 64 * 3)
            for pixel in 0..<64 { rgb[pixel * 3 + 2] = 1 }   // a blue background
            var parts = [UInt8](repeating: 0, count: 64)
            // Anchor (4, 6): the chest covers columns 3–5 of rows 3–5, the head columns 3–4 of rows 2–3.
            composer.draw(character, frame: 0, anchorX: 4, anchorY: 6, into: &rgb, parts: &parts)
            for y in 0..<8 {
                for x in 0..<8 {
                    let inChest = (3...5).contains(x) && (3...5).contains(y), inHead = (3...4).contains(x) && (2...3).contains(y)
                    let expected: UInt8 = inChest && inHead ? (direction == 0 ? head : chest) : inHead ? head : inChest ? chest : 0
                    let pixel = y * 8 + x
                    #expect(parts[pixel] == expected, "direction \(direction), pixel (\(x), \(y))")
                    let colour = Array(rgb[(pixel * 3)..<(pixel * 3 + 3)])
                    #expect(colour == (expected == head ? [0, 1, 0] : expected == chest ? [1, 0, 0] : [0, 0, 1]))
                }
            }
        }
    }

    @Test func halvingAveragesAndVotesWithTiesToTheForeground() {
        let set = SegmentationImages(name: "t", classNames: (0..<6).map { "c\($0)" }, channels: 1, height: 4, width: 4,
                                     images: [0, 4, 8, 8,
                                              4, 0, 8, 8,
                                              -1, -1, 1, 1,
                                              -1, -1, 1, 0.5],
                                     masks: [0, 0, 3, 5,
                                             0, 2, 5, 3,
                                             1, 1, 4, 0,
                                             0, 0, 4, 0], attribution: "")
        let half = set.downsampled()
        #expect(half.height == 2 && half.width == 2)
        #expect(half.images == [2, 8, -1, 0.875])
        // 3 of 4 background; 3 and 5 tie (the lower wins); 1 ties the background (1 wins); 4 ties it (4 wins).
        #expect(half.masks == [0, 3, 1, 4])
    }

    @Test func anImageIsTheSameInEverySubsetAndOnAnyThreadCount() throws {
        let images = PartImages(composer: SpriteComposer(sheets: try sheets(), side: 16, anchorX: 8, anchorY: 10),
                                options: .init(seed: 5))
        let indices = [3, 1_000_001, 2_000_000, 17]
        Threading.setThreadCount(1)
        let one = images.render(indices, name: "x")
        Threading.setThreadCount(2)
        let two = images.render(indices, name: "x")
        #expect(one == two)
        #expect(one.count == 4 && one.channels == 3 && one.height == 8 && one.width == 8)
        #expect(one.images.allSatisfy { (-1...1).contains($0) })
        #expect(images.render([2_000_000], name: "x") == one.subset([2]))
        #expect(images.render([17, 3], name: "x") == one.subset([3, 0]))
        #expect(one.sha256 == two.sha256 && one.sha256 != one.subset([0, 1, 3, 2]).sha256)
        var renamed = one
        renamed.name = "y"
        #expect(renamed.sha256 == one.sha256)   // the hash is of the content
        #expect(PartImages(composer: images.composer, options: .init(seed: 6)).render(indices, name: "x") != one)
    }

    @Test func handsAreEmptyWithTheGivenProbability() throws {
        let composer = SpriteComposer(sheets: try sheets())
        let root = RandomGenerator(seed: 9)
        let characters = (0..<400).map { composer.randomCharacter(root.derived(UInt64($0)), directions: [0], handItemAbsence: 0.45) }
        let emptyMain = Double(characters.filter { $0.layers[.main] == nil }.count) / 400
        let emptyOff = Double(characters.filter { $0.layers[.off] == nil }.count) / 400
        // Binomial standard deviation √(0.45 · 0.55 / 400) ≈ 0.025: within 3 of them.
        #expect(abs(emptyMain - 0.45) < 0.075 && abs(emptyOff - 0.45) < 0.075)
        #expect(characters.allSatisfy { $0.layers[.chest] == "shirt" && $0.layers[.head] == "cap" })
    }

    @Test func poolTrainingAndTestIndicesNeverMeet() {
        let (pool, train, test) = (Set(PartImages.poolIndices(5000)), PartImages.trainIndices(50), PartImages.testIndices(200))
        #expect(pool.isDisjoint(with: train) && pool.isDisjoint(with: test) && Set(train).isDisjoint(with: test))
        #expect(Array(train.prefix(20)) == PartImages.trainIndices(20) && Array(test.prefix(50)) == PartImages.testIndices(50))
    }

    @Test func augmentingMirrorsAndShiftsImagesAndMasksTogether() {
        let set = SegmentationImages(name: "t", classNames: ["a", "b", "c"], channels: 1, height: 1, width: 3,
                                     images: [-0.5, 0, 0.5], masks: [0, 1, 2], attribution: "")
        let still = set.augmented(count: 40, maxShift: 0, seed: 1)
        let kinds = (0..<40).map { Array(still.mask($0)) }
        #expect(Set(kinds) == [[0, 1, 2], [2, 1, 0]])
        #expect((0..<40).allSatisfy { still.images[3 * $0] == (kinds[$0] == [0, 1, 2] ? -0.5 : 0.5) })
        let moved = set.augmented(count: 40, maxShift: 1, seed: 1)
        // A shift uncovers one column: black, background.
        #expect((0..<40).contains { moved.images[3 * $0] == -1 && moved.mask($0).first == 0 })
        #expect(moved == set.augmented(count: 40, maxShift: 1, seed: 1))
    }

    @Test(.enabled(if: prepared("flare-avatar", "flare-layers")))
    func flareCharactersCoverEveryPart() throws {
        let catalog = try DataCatalog(root: repositoryRoot)
        let images = PartImages(composer: SpriteComposer(sheets: try AvatarSheets.load(from: catalog)))
        let set = images.render(PartImages.testIndices(200), name: "test")
        #expect(set.height == 32 && set.width == 32 && set.classNames.count == 8)
        let shares = set.classShares
        #expect(shares.allSatisfy { $0 > 0 })
        #expect((0.6...0.95).contains(shares[0]))
    }
}
