import Foundation
import Testing
@testable import Datasets

/// Messages a person can act on where Foundation's raw errors used to show (`NSCocoaErrorDomain error 256`,
/// "The given data was not valid JSON.").
@Suite struct FileProblemTests {
    @Test func aDirectoryIsNamedAsOne() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(message { try FileProblem.checkReadable(directory) }
                == "cannot read \(directory.path): \(directory.path) is a directory, not a file")
        #expect(message { _ = try Schema.load(directory) }
                == "\(directory.path): schema: cannot read: \(directory.path) is a directory, not a file")
        let absent = directory.appendingPathComponent("absent.json")
        #expect(message { try FileProblem.checkReadable(absent) } == "cannot read \(absent.path): no such file")
        #expect(message { _ = try DataManifest.load(absent) } == "\(absent.path): cannot read: no such file")
    }

    @Test func aJSONSyntaxErrorGivesLineAndColumn() {
        // Line 2 lacks its comma: the parser stops at the brace that opens line 3.
        let text = """
            {"columns": [
              {"name": "é", "kind": "numeric"}
              {"name": "b", "kind": "numeric"}
            ]}
            """
        #expect(FileProblem.jsonSyntaxPosition(Data(text.utf8)) == "line 3, column 3")
        #expect(message { _ = try Schema.decode(Data(text.utf8), file: "s.json") }
                == "s.json: schema: not valid JSON: syntax error at line 3, column 3")
        #expect(FileProblem.jsonSyntaxPosition(Data(#"{"a": [1, 2]}"#.utf8)) == nil)
    }

    @Test func aValueBeyondFloat32IsRefusedWithItsPlace() throws {
        let schema = Schema(columns: [.init(name: "x", kind: .numeric), .init(name: "y", kind: .categorical)],
                            target: "y", task: .binclass)
        let fine = try CSVReader.parse("x,y\n1,a\n-3.4e38,b\n", file: "t.csv")
        #expect(try Table(csv: fine, schema: schema).column("x") == .numeric([1, -3.4e38]))
        let huge = try CSVReader.parse("x,y\n1,a\n2,b\n1e160,a\n", file: "t.csv")
        let refusal = message { _ = try Table(csv: huge, schema: schema) }
        #expect(refusal?.hasPrefix("t.csv:4, column 1 (x): 1e160 is too large: the kit computes in 32-bit floats") == true,
                "\(refusal ?? "no error")")
    }
}
