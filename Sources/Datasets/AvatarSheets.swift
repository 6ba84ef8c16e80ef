import Foundation

/// The layer types of a Flare avatar; the raw value is the part label a pixel gets when that layer is drawn
/// last there (0 is the background).
public enum AvatarPart: Int, CaseIterable, Sendable, Codable {
    case head = 1, chest, legs, feet, hands, main, off

    public var name: String { String(describing: self) }
    init?(name: String) {
        guard let part = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = part
    }
}

/// Flare's layered avatar frames (the catalog's `flare-avatar`) and drawing order (`flare-layers`): the
/// material the SPRITES stand-in is composed from. Art CC-BY-SA 3.0, Flare's authors (see the catalog entry).
public struct AvatarSheets: Sendable {
    /// One frame of one sheet: RGBA bytes, row-major, and the point of the frame drawn at the character's
    /// position (`offsetX`, `offsetY`).
    public struct Frame: Equatable, Sendable {
        public var width: Int
        public var height: Int
        public var offsetX: Int
        public var offsetY: Int
        public var rgba: [UInt8]
    }

    struct Key: Hashable {
        var body: String, sheet: String, animation: String, direction: Int, frame: Int
    }

    var frames: [Key: Frame]
    /// Per body and part, the sheets available, sorted.
    public var sheets: [String: [AvatarPart: [String]]]
    /// Per direction, the parts in drawing order (first drawn first).
    public var drawingOrder: [Int: [AvatarPart]]

    public var bodies: [String] { sheets.keys.sorted() }

    func frame(body: String, sheet: String, animation: String, direction: Int, index: Int) -> Frame? {
        frames[Key(body: body, sheet: sheet, animation: animation, direction: direction, frame: index)]
    }

    /// The checked `flare-avatar` and `flare-layers` data sets (`make data NAME=flare-avatar`, `NAME=flare-layers`).
    public static func load(from catalog: DataCatalog) throws -> AvatarSheets {
        try AvatarSheets(frames: CSVReader.read(catalog.csvFile(named: "flare-avatar").url),
                         layers: CSVReader.read(catalog.csvFile(named: "flare-layers").url))
    }

    /// Reads the frame table (body, sheet, type, animation, direction, frame, width, height, offset_x,
    /// offset_y, rgba as base64) and the drawing order (direction, position, type). Errors name file, line, column.
    public init(frames table: CSVTable, layers: CSVTable) throws {
        let names = ["body", "sheet", "type", "animation", "direction", "frame", "width", "height", "offset_x", "offset_y", "rgba"]
        let c = try names.map { try table.columnIndex($0) }
        var frames: [Key: Frame] = [:]
        var sheets: [String: [AvatarPart: Set<String>]] = [:]
        for (r, row) in table.rows.enumerated() {
            func fail(_ column: Int, _ reason: String) -> DataError {
                .csv(file: table.file, line: table.lines[r], column: c[column] + 1, columnName: names[column], reason: reason)
            }
            func integer(_ column: Int) throws -> Int {
                guard let value = Int(row[c[column]]) else { throw fail(column, "\"\(row[c[column]])\" is not an integer") }
                return value
            }
            guard let part = AvatarPart(name: row[c[2]]) else {
                throw fail(2, "unknown layer type \"\(row[c[2]])\" (expected \(AvatarPart.allCases.map(\.name).joined(separator: ", ")))")
            }
            let (width, height) = (try integer(6), try integer(7))
            guard width > 0, height > 0 else { throw fail(6, "a frame must be at least 1 × 1 pixel") }
            guard let bytes = Data(base64Encoded: row[c[10]]), bytes.count == width * height * 4 else {
                throw fail(10, "not the base64 of \(width) × \(height) RGBA pixels")
            }
            let key = Key(body: row[c[0]], sheet: row[c[1]], animation: row[c[3]], direction: try integer(4), frame: try integer(5))
            guard frames[key] == nil else { throw fail(5, "frame \(key.frame) of \(key.sheet) \(key.animation) direction \(key.direction) appears twice") }
            frames[key] = Frame(width: width, height: height, offsetX: try integer(8), offsetY: try integer(9), rgba: [UInt8](bytes))
            sheets[key.body, default: [:]][part, default: []].insert(key.sheet)
        }
        guard !frames.isEmpty else { throw DataError.csv(file: table.file, line: 2, column: nil, columnName: nil, reason: "no frames") }

        let l = try ["direction", "position", "type"].map { try layers.columnIndex($0) }
        var order: [Int: [(Int, AvatarPart)]] = [:]
        for (r, row) in layers.rows.enumerated() {
            guard let direction = Int(row[l[0]]), let position = Int(row[l[1]]) else {
                throw DataError.csv(file: layers.file, line: layers.lines[r], column: nil, columnName: nil, reason: "direction and position must be integers")
            }
            guard let part = AvatarPart(name: row[l[2]]) else {
                throw DataError.csv(file: layers.file, line: layers.lines[r], column: l[2] + 1, columnName: "type",
                                    reason: "unknown layer type \"\(row[l[2]])\"")
            }
            order[direction, default: []].append((position, part))
        }
        self.frames = frames
        self.sheets = sheets.mapValues { $0.mapValues { $0.sorted() } }
        self.drawingOrder = order.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }
}
