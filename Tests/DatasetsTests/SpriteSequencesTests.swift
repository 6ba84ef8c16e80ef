import Foundation
import Testing
import Tensor
@testable import Datasets

@Suite struct SpriteSequencesTests {
    /// RGBA bytes as the catalog's base64 cell.
    func cell(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// One body "b": a 2 × 1 red chest and a 1 × 1 green head at the same spot in every frame of every action in
    /// directions 0 and 1; the head is half transparent. Direction 0 draws the head last, direction 1 the chest.
    func sheets() throws -> AvatarSheets {
        var frames = "body,sheet,type,animation,direction,frame,width,height,offset_x,offset_y,rgba\n"
        for animation in ["run", "swing", "cast"] {
            for direction in 0..<2 {
                for frame in 0..<(animation == "run" ? 8 : 4) {
                    // The chest moves one pixel right per frame index, so frame order is visible.
                    frames += "b,shirt,chest,\(animation),\(direction),\(frame),2,1,\(1 - frame),1,\(cell([255, 0, 0, 255, 255, 0, 0, 255]))\n"
                    frames += "b,cap,head,\(animation),\(direction),\(frame),1,1,1,1,\(cell([0, 255, 0, 128]))\n"
                }
            }
        }
        let layers = "direction,position,type\n0,0,chest\n0,1,head\n1,0,head\n1,1,chest\n"
        return try AvatarSheets(frames: CSVReader.parse(frames, file: "frames.csv"), layers: CSVReader.parse(layers, file: "layers.csv"))
    }

    func character(_ action: AvatarAction, direction: Int) -> AvatarCharacter {
        AvatarCharacter(body: "b", layers: [.chest: "shirt", .head: "cap"], action: action, direction: direction)
    }

    @Test func layersAreDrawnInTheDirectionsOrderAndBlended() throws {
        let composer = SpriteComposer(sheets: try sheets(), side: 4, anchorX: 2, anchorY: 2)
        // Frame 0: chest at columns 1–2 of row 1, head at column 1 of row 1 (anchor 2,2 minus offsets 1,1).
        let (rgb, parts) = composer.render(character(.run, direction: 0))
        let (head, chestOnly) = (1 * 4 + 1, 1 * 4 + 2)
        #expect(parts[head] == UInt8(AvatarPart.head.rawValue))    // drawn last, alpha 128 ≥ ½
        #expect(parts[chestOnly] == UInt8(AvatarPart.chest.rawValue))
        #expect(parts[0] == 0 && rgb[0] == 0)
        let a = Float(128) / 255
        #expect(abs(rgb[head * 3] - (1 - a)) < 1e-6 && abs(rgb[head * 3 + 1] - a) < 1e-6)   // green over red
        #expect(rgb[chestOnly * 3] == 1 && rgb[chestOnly * 3 + 1] == 0)
        // Direction 1 draws the chest last: it covers the head.
        let (rgb1, parts1) = composer.render(character(.run, direction: 1))
        #expect(parts1[head] == UInt8(AvatarPart.chest.rawValue) && rgb1[head * 3] == 1 && rgb1[head * 3 + 1] == 0)
    }

    @Test func fourFrameActionsPlayForthAndBack() throws {
        let composer = SpriteComposer(sheets: try sheets(), side: 10, anchorX: 2, anchorY: 2)
        func chestColumns(_ action: AvatarAction) -> [Int?] {
            let parts = composer.render(character(action, direction: 1)).parts
            return (0..<8).map { t in (0..<10).first { parts[t * 100 + 10 + $0] == UInt8(AvatarPart.chest.rawValue) } }
        }
        // The chest's left edge is at anchor − (1 − index) = 1 + index.
        #expect(chestColumns(.swing) == [1, 2, 3, 4, 4, 3, 2, 1])
        #expect(chestColumns(.run) == [1, 2, 3, 4, 5, 6, 7, 8])
        // Beyond the canvas nothing is drawn: on 8 × 8 the last run frame's chest starts at column 8.
        let small = SpriteComposer(sheets: try sheets(), side: 8, anchorX: 2, anchorY: 2).render(character(.run, direction: 1)).parts
        #expect(small[(7 * 64)..<(8 * 64)].filter { $0 == UInt8(AvatarPart.chest.rawValue) }.isEmpty)
    }

    @Test func sequencesAreSeededPerIndexWithMasksAndLabels() throws {
        let composer = SpriteComposer(sheets: try sheets(), side: 8, anchorX: 3, anchorY: 3)
        let options = SpriteSequences.Options(directions: [0, 1], seed: 11)
        let all = SpriteSequences(composer: composer, indices: Array(0..<30), options: options)
        #expect(all.set.shape == [30, 8, 8 * 8 * 3] && all.parts.count == 30 * 8 * 64)
        #expect(all.set.labels == all.characters.map(\.action.rawValue) && all.set.classes == 3)
        #expect(Set(all.characters.map(\.direction)) == [0, 1])
        #expect(Set(all.characters.map(\.action)).count == 3)
        // A pixel's three channels are hidden together; about 60 % are.
        for pixel in stride(from: 0, to: all.set.observed.count, by: 3) {
            #expect(all.set.observed[pixel] == all.set.observed[pixel + 1] && all.set.observed[pixel] == all.set.observed[pixel + 2])
        }
        #expect(abs(all.set.missingRate - 0.6) < 0.03)
        let one = SpriteSequences(composer: composer, indices: [17], options: options)
        #expect(one.set == all.set.subset([17]) && one.characters == [all.characters[17]])
        #expect(SpriteSequences(composer: composer, indices: Array(0..<30), options: .init(directions: [0, 1], seed: 12)).set.sha256 != all.set.sha256)
    }

    @Test func randomCharactersMayGoWithoutWeaponsButAlwaysWear() throws {
        let composer = SpriteComposer(sheets: try sheets())
        let root = RandomGenerator(seed: 3)
        let characters = (0..<20).map { composer.randomCharacter(root.derived(UInt64($0)), directions: [0]) }
        #expect(characters.allSatisfy { $0.layers[.chest] == "shirt" && $0.layers[.head] == "cap" && $0.layers[.main] == nil })
    }

    @Test func badFramesNameLineAndColumn() throws {
        let header = "body,sheet,type,animation,direction,frame,width,height,offset_x,offset_y,rgba\n"
        let layers = try CSVReader.parse("direction,position,type\n0,0,chest\n", file: "l.csv")
        func failure(_ row: String) -> String? {
            message { _ = try AvatarSheets(frames: CSVReader.parse(header + row, file: "f.csv"), layers: layers) }
        }
        #expect(failure("b,s,tail,run,0,0,1,1,0,0,\(cell([0, 0, 0, 0]))\n")?
                .hasPrefix("f.csv:2, column 3 (type): unknown layer type \"tail\"") == true)
        #expect(failure("b,s,chest,run,0,0,2,1,0,0,\(cell([0, 0, 0, 0]))\n") == "f.csv:2, column 11 (rgba): not the base64 of 2 × 1 RGBA pixels")
        #expect(failure("b,s,chest,run,x,0,1,1,0,0,\(cell([0, 0, 0, 0]))\n") == "f.csv:2, column 5 (direction): \"x\" is not an integer")
    }
}
