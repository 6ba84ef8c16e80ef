import Artifacts
import Foundation
import Testing

@Suite struct CSVDocumentTests {
    @Test func quotedFieldsAndLineNumbers() throws {
        let document = try CSVDocument.parse("name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\nplain,\"two\nlines\"\nx,y")
        #expect(document.header == ["name", "note"])
        #expect(document.rows == [["Smith, J", "said \"hi\""], ["plain", "two\nlines"], ["x", "y"]])
        #expect(document.lines == [2, 3, 5])
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstColumnName() throws {
        let document = try CSVDocument.parse(Data([0xEF, 0xBB, 0xBF] + Array("age,job\n39,clerk\n".utf8)))
        #expect(document.header == ["age", "job"])
        #expect(document.header[0].unicodeScalars.count == 3)
    }

    @Test func refusalsNameLineAndColumn() {
        #expect(throws: CSVSyntaxError.malformed(line: 3, column: 2, columnName: "b",
                                                 reason: "ragged row: 1 cells, the header has 2")) {
            try CSVDocument.parse("a,b\n1,2\n3\n")
        }
        #expect(throws: CSVSyntaxError.malformed(line: 2, column: 2, columnName: "b",
                                                 reason: "a double quote inside an unquoted field")) {
            try CSVDocument.parse("a,b\n1,x\"y\n")
        }
        #expect(throws: CSVSyntaxError.malformed(line: 2, column: nil, columnName: nil,
                                                 reason: "blank line (every record needs its cells)")) {
            try CSVDocument.parse("a,b\n\n1,2\n")
        }
        #expect(throws: CSVSyntaxError.notUTF8) { try CSVDocument.parse(Data([0x61, 0xFF, 0x0A])) }
        #expect(CSVSyntaxError.malformed(line: 4, column: 1, columnName: "a", reason: "r").description
                == "line 4, column 1 (a): r")
    }
}
