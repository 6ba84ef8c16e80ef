import Foundation
import Testing
@testable import Datasets

@Suite struct CSVReaderTests {
    @Test func goldenParseWithQuotes() throws {
        let text = "name,note,x\r\n\"Smith, J\",\"said \"\"hi\"\"\",1.5\nplain,\"two\nlines\",-2e3\n\"\",,0"
        let table = try CSVReader.parse(text, file: "g.csv")
        #expect(table.header == ["name", "note", "x"])
        #expect(table.rows == [["Smith, J", "said \"hi\"", "1.5"], ["plain", "two\nlines", "-2e3"], ["", "", "0"]])
        #expect(table.lines == [2, 3, 5])
        #expect(try table.numbers(column: 2) == [1.5, -2000, 0])
    }

    @Test func finalNewlineOptional() throws {
        let a = try CSVReader.parse("a,b\n1,2\n", file: "a.csv")
        let b = try CSVReader.parse("a,b\n1,2", file: "b.csv")
        #expect(a.rows == b.rows)
        #expect(a.rows == [["1", "2"]])
    }

    @Test func raggedRowNamesFileLineColumn() {
        let m = message { _ = try CSVReader.parse("a,b,c\n1,2,3\n4,5\n", file: "r.csv") }
        #expect(m == "r.csv:3, column 3 (c): ragged row: 2 cells, the header has 3")
        let long = message { _ = try CSVReader.parse("a,b\n1,2,3\n", file: "r.csv") }
        #expect(long == "r.csv:2, column 3: ragged row: 3 cells, the header has 2")
    }

    @Test func quoteErrorsNameLineColumn() {
        #expect(message { _ = try CSVReader.parse("a,b\n1,x\"y\n", file: "q.csv") }
                == "q.csv:2, column 2 (b): a double quote inside an unquoted field")
        #expect(message { _ = try CSVReader.parse("a,b\n\"1\"z,2\n", file: "q.csv") }
                == "q.csv:2, column 1 (a): text after a closing double quote")
        #expect(message { _ = try CSVReader.parse("a,b\n1,2\n3,\"open\n", file: "q.csv") }
                == "q.csv:3, column 2 (b): a quoted field is not closed before the end of the file")
    }

    @Test func headerAndBlankLineErrors() {
        #expect(message { _ = try CSVReader.parse("", file: "e.csv") } == "e.csv:1: empty file: no header row")
        #expect(message { _ = try CSVReader.parse("a,,c\n1,2,3\n", file: "h.csv") } == "h.csv:1, column 2: empty column name")
        #expect(message { _ = try CSVReader.parse("a,a\n1,2\n", file: "h.csv") }
                == "h.csv:1, column 2 (a): column name a appears twice")
        #expect(message { _ = try CSVReader.parse("a,b\n1,2\n\n3,4\n", file: "b.csv") }
                == "b.csv:3: blank line (every record needs its cells)")
    }

    @Test func numericCellErrorsNameLineColumn() throws {
        let table = try CSVReader.parse("id,x\n1,2.5\n2,abc\n3,\n4,NaN\n5,-inf\n6,0x10\n7,1e999\n", file: "n.csv")
        let m = message { _ = try table.numbers(column: 1) }
        #expect(m == "n.csv:3, column 2 (x): \"abc\" is not a number in a numeric column")
        func cell(_ row: Int) -> String? {
            message { _ = try CSVTable.number(table.rows[row][1], file: "n.csv", line: table.lines[row], column: 2, name: "x") }
        }
        #expect(cell(0) == nil)
        #expect(cell(2) == "n.csv:4, column 2 (x): empty cell in a numeric column")
        #expect(cell(3) == "n.csv:5, column 2 (x): NaN is not a finite number")
        #expect(cell(4) == "n.csv:6, column 2 (x): -inf is not a finite number")
        #expect(cell(5) == "n.csv:7, column 2 (x): \"0x10\" is not a number in a numeric column")
        #expect(cell(6) == "n.csv:8, column 2 (x): 1e999 overflows to infinity")
    }

    @Test func emptyCategoricalCellIsAnError() throws {
        let table = try CSVReader.parse("x,c\n1,a\n2,\n", file: "c.csv")
        #expect(message { _ = try table.strings(column: 1) } == "c.csv:3, column 2 (c): empty cell")
    }

    @Test func readsAFileAndNamesItsPath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f.csv")
        try "a,b\n1,2\n3\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(message { _ = try CSVReader.read(url) } == "\(url.path):3, column 2 (b): ragged row: 1 cells, the header has 2")
        #expect(message { _ = try CSVReader.read(dir.appendingPathComponent("none.csv")) }?.hasPrefix("cannot read \(dir.path)/none.csv") == true)
    }
}
