import Foundation
import Tensor

/// The actions of the SPRITES stand-in, after SPRITES' walk, slash and spellcast.
public enum AvatarAction: Int, CaseIterable, Sendable {
    case run, swing, cast

    /// Flare's animation name.
    public var animation: String { String(describing: self) }

    /// The animation frames shown in an 8-frame sequence: run has 8; swing and cast have 4, played forth and
    /// back (0 1 2 3 3 2 1 0, our choice).
    public var frameOrder: [Int] {
        self == .run ? Array(0..<8) : [0, 1, 2, 3, 3, 2, 1, 0]
    }
}

/// One character of the SPRITES stand-in: a body, one sheet per part (main and off hand may be empty), an
/// action and a direction (0–7, Flare's).
public struct AvatarCharacter: Equatable, Sendable {
    public var body: String
    public var layers: [AvatarPart: String]
    public var action: AvatarAction
    public var direction: Int

    public init(body: String, layers: [AvatarPart: String], action: AvatarAction, direction: Int) {
        self.body = body
        self.layers = layers
        self.action = action
        self.direction = direction
    }
}

/// Renders characters from `AvatarSheets`: each frame drawn on a black square canvas in Flare's drawing order
/// for the direction, alpha-blended, at 1:1 scale with the character's position at `anchor`; parts of large
/// weapons beyond the canvas are cut off. Each pixel's part label is the last layer drawn there with alpha ≥ ½.
public struct SpriteComposer: Sendable {
    public var sheets: AvatarSheets
    public var side: Int
    /// Where the character stands (Flare's position: between the feet), in canvas pixels.
    public var anchorX: Int, anchorY: Int
    public static let frames = 8

    public init(sheets: AvatarSheets, side: Int = 64, anchorX: Int = 32, anchorY: Int = 52) {
        self.sheets = sheets
        self.side = side
        self.anchorX = anchorX
        self.anchorY = anchorY
    }

    /// Eight frames: RGB in [0, 1] as `[8][side][side][3]` and part labels as `[8][side][side]`.
    public func render(_ character: AvatarCharacter) -> (rgb: [Float], parts: [UInt8]) {
        let area = side * side
        var rgb = [Float](repeating: 0, count: Self.frames * area * 3)
        var parts = [UInt8](repeating: 0, count: Self.frames * area)
        for (t, index) in character.action.frameOrder.enumerated() {
            draw(character, frame: index, anchorX: anchorX, anchorY: anchorY, into: &rgb, parts: &parts, at: t * area)
        }
        return (rgb, parts)
    }

    /// Draws animation frame `index` of `character` with its position at (`anchorX`, `anchorY`) over the canvas
    /// that starts at pixel `start` of `rgb` (`[side][side][3]`, its background already there) and `parts`.
    public func draw(_ character: AvatarCharacter, frame index: Int, anchorX: Int, anchorY: Int,
                     into rgb: inout [Float], parts: inout [UInt8], at start: Int = 0) {
        let order = sheets.drawingOrder[character.direction] ?? AvatarPart.allCases
        for part in order {
            guard let sheet = character.layers[part],
                  let frame = sheets.frame(body: character.body, sheet: sheet, animation: character.action.animation,
                                           direction: character.direction, index: index) else { continue }
            let (left, top) = (anchorX - frame.offsetX, anchorY - frame.offsetY)
            for y in 0..<frame.height where (0..<side).contains(top + y) {
                for x in 0..<frame.width where (0..<side).contains(left + x) {
                    let source = (y * frame.width + x) * 4
                    let alpha = Float(frame.rgba[source + 3]) / 255
                    guard alpha > 0 else { continue }
                    let pixel = start + (top + y) * side + left + x
                    for channel in 0..<3 {
                        let value = Float(frame.rgba[source + channel]) / 255
                        rgb[pixel * 3 + channel] = alpha * value + (1 - alpha) * rgb[pixel * 3 + channel]
                    }
                    if frame.rgba[source + 3] >= 128 { parts[pixel] = UInt8(part.rawValue) }
                }
            }
        }
    }

    /// A character drawn from `random`: a body, for head, chest, legs, feet and hands one of the body's sheets
    /// (the bare default parts included), for main and off hand a sheet or nothing, an action, and a direction
    /// among `directions`; all uniformly, except that with `handItemAbsence` set each hand is left empty with that
    /// probability (and otherwise holds a uniformly chosen sheet). A part the body has no sheet for stays empty.
    public func randomCharacter(_ random: RandomGenerator, directions: [Int], handItemAbsence: Float? = nil) -> AvatarCharacter {
        let body = sheets.bodies[random.integer(below: sheets.bodies.count)]
        var layers: [AvatarPart: String] = [:]
        for part in AvatarPart.allCases {
            let choices = sheets.sheets[body]?[part] ?? []
            guard !choices.isEmpty else { continue }
            let optional = part == .main || part == .off
            if optional, let handItemAbsence {
                if random.uniform([1]).scalars[0] >= handItemAbsence { layers[part] = choices[random.integer(below: choices.count)] }
                continue
            }
            let pick = random.integer(below: choices.count + (optional ? 1 : 0))
            if pick < choices.count { layers[part] = choices[pick] }
        }
        let action = AvatarAction.allCases[random.integer(below: AvatarAction.allCases.count)]
        return AvatarCharacter(body: body, layers: layers, action: action, direction: directions[random.integer(below: directions.count)])
    }
}

/// The SPRITES stand-in: 8-frame sequences of random Flare characters on a 64 × 64 × 3 canvas, with masks and
/// per-pixel part labels. Sequence i depends only on the seed and i, so sets are index ranges (e.g. 0..<9000
/// for training, 9000..<10000 for testing) and can be rendered in batches. One sequence of 64 × 64 × 3 takes
/// about 1.2 MB over its Float32 arrays.
public struct SpriteSequences: Sendable {
    public struct Options: Equatable, Sendable {
        public var directions: [Int]
        /// Which pixels (all three channels together) are hidden; MNAR's "white" means a character pixel.
        public var missingness: PixelMissingness
        public var seed: UInt64

        /// All 8 directions; 60 % of pixels hidden at random (our choice: the reference's SPRITES masks are
        /// prebuilt downloads).
        public init(directions: [Int] = Array(0..<8), missingness: PixelMissingness = .defaultRandom, seed: UInt64 = 0) {
            self.directions = directions
            self.missingness = missingness
            self.seed = seed
        }
    }

    /// `[N][8][side·side·3]` RGB in [0, 1]; labels are the actions (run 0, swing 1, cast 2).
    public var set: SequenceSet
    /// `[N][8][side·side]`: 0 background, else `AvatarPart.rawValue`.
    public var parts: [UInt8]
    public var characters: [AvatarCharacter]

    public init(composer: SpriteComposer, indices: [Int], options: Options) {
        precondition(!options.directions.isEmpty, "SpriteSequences: at least one direction")
        let (side, frames) = (composer.side, SpriteComposer.frames)
        let area = side * side, entry = frames * area * 3
        var values = [Float](), observed = [Float](), parts = [UInt8](), characters: [AvatarCharacter] = []
        values.reserveCapacity(indices.count * entry)
        observed.reserveCapacity(indices.count * entry)
        let root = RandomGenerator(seed: options.seed)
        for index in indices {
            let random = root.derived(UInt64(index))
            let character = composer.randomCharacter(random, directions: options.directions)
            let (rgb, labels) = composer.render(character)
            let draws = random.uniform([frames * area]).scalars
            for pixel in 0..<(frames * area) {
                let p = options.missingness.probability(white: labels[pixel] != 0, row: (pixel % area) / side,
                                                        column: pixel % side, side: side, frame: pixel / area, frames: frames)
                let seen: Float = Double(draws[pixel]) < p ? 0 : 1
                for _ in 0..<3 { observed.append(seen) }
            }
            values += rgb
            parts += labels
            characters.append(character)
        }
        self.set = SequenceSet(count: indices.count, length: frames, features: area * 3, values: values, observed: observed,
                               scored: observed.map { 1 - $0 }, present: [Float](repeating: 1, count: indices.count * frames),
                               times: (0..<(indices.count * frames)).map { Float($0 % frames) },
                               labels: characters.map(\.action.rawValue), classes: AvatarAction.allCases.count)
        self.parts = parts
        self.characters = characters
    }
}
