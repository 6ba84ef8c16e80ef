import Foundation

/// Square grey-level images (0–255, row-major) with a class label each: the catalog's `mnist-5k` digits.
public struct DigitImages: Equatable, Sendable {
    public var side: Int
    /// `count · side²` grey levels.
    public var pixels: [UInt8]
    public var labels: [Int]

    public init(side: Int, pixels: [UInt8], labels: [Int]) {
        precondition(pixels.count == labels.count * side * side, "DigitImages: pixels must be count × side²")
        self.side = side
        self.pixels = pixels
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// Image `index` as `side²` grey levels.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[(index * side * side)..<((index + 1) * side * side)]
    }

    /// The checked `mnist-5k` data set (`make data NAME=mnist-5k`).
    public static func load(from catalog: DataCatalog, named name: String = "mnist-5k") throws -> DigitImages {
        let url = try catalog.csvFile(named: name).url
        return try DigitImages(csv: CSVReader.read(url))
    }

    /// Reads a CSV with columns `pixel0 … pixel{side²−1}, label`: integer grey levels 0–255 and labels 0–9.
    /// Any other cell is an error naming file, line and column.
    public init(csv: CSVTable, side: Int = 28) throws {
        let area = side * side
        let expected = (0..<area).map { "pixel\($0)" } + ["label"]
        guard csv.header == expected else {
            let wrong = zip(csv.header, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(csv.header.count, expected.count)
            throw DataError.csv(file: csv.file, line: 1, column: wrong + 1, columnName: wrong < csv.header.count ? csv.header[wrong] : nil,
                                reason: "expected the \(area + 1) columns pixel0 … pixel\(area - 1), label")
        }
        guard !csv.rows.isEmpty else {
            throw DataError.csv(file: csv.file, line: 2, column: nil, columnName: nil, reason: "no data rows")
        }
        var pixels = [UInt8](repeating: 0, count: csv.rows.count * area)
        var labels = [Int](repeating: 0, count: csv.rows.count)
        for (r, row) in csv.rows.enumerated() {
            func fail(_ column: Int, _ reason: String) -> DataError {
                .csv(file: csv.file, line: csv.lines[r], column: column + 1, columnName: expected[column], reason: reason)
            }
            for c in 0..<area {
                guard let level = UInt8(row[c]) else { throw fail(c, "\"\(row[c])\" is not a grey level 0–255") }
                pixels[r * area + c] = level
            }
            guard let label = Int(row[area]), (0...9).contains(label) else {
                throw fail(area, "\"\(row[area])\" is not a digit label 0–9")
            }
            labels[r] = label
        }
        self.init(side: side, pixels: pixels, labels: labels)
    }
}
