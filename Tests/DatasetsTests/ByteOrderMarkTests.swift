import Foundation
import Testing
@testable import Datasets

/// Spreadsheet programs save CSV with a UTF-8 byte-order mark; it must not become part of the first column's name
/// (before, `--target age` then failed with "no column named age" on a file whose header reads `age`).
@Test func csvReaderDropsAByteOrderMark() throws {
    let table = try CSVReader.parse(Data([0xEF, 0xBB, 0xBF] + Array("age,job\n39,clerk\n".utf8)), file: "bom.csv")
    #expect(table.header == ["age", "job"])
    #expect(try table.columnIndex("age") == 0)
}
