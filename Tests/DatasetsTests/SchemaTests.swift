import Foundation
import Testing
@testable import Datasets

@Suite struct SchemaTests {
    let json = """
    {"name": "toy", "standIn": null,
     "columns": [{"name": "age", "kind": "numeric"}, {"name": "job", "kind": "categorical"},
                 {"name": "y", "kind": "categorical"}],
     "target": "y", "task": "binclass"}
    """

    @Test func parses() throws {
        let schema = try Schema.decode(Data(json.utf8), file: "s.json")
        #expect(schema.names == ["age", "job", "y"])
        #expect(schema.kind(of: "job") == .categorical)
        #expect(schema.target == "y")
        #expect(schema.task == .binclass)
        #expect(schema.numericFeatures == ["age"])
        #expect(schema.categoricalFeatures == ["job"])
    }

    @Test func seriesSchemaHasNoTarget() throws {
        let schema = try Schema.decode(Data(#"{"columns": [{"name": "Date", "kind": "time"}, {"name": "Open", "kind": "numeric"}]}"#.utf8), file: "s.json")
        #expect(schema.target == nil && schema.task == nil)
        #expect(schema.numericFeatures == ["Open"])
    }

    @Test func rejectsBadSchemas() {
        func check(_ text: String) -> String? { message { _ = try Schema.decode(Data(text.utf8), file: "s.json") } }
        #expect(check(#"{"columns": [{"name": "a", "kind": "numeric"}], "target": "b", "task": "regression"}"#)
                == "s.json: schema: target b is not a column")
        #expect(check(#"{"columns": [{"name": "a", "kind": "numeric"}], "target": "a", "task": "binclass"}"#)
                == "s.json: schema: target a is numeric, but a binclass task needs a categorical target")
        #expect(check(#"{"columns": [{"name": "a", "kind": "text"}]}"#)?.hasPrefix("s.json: schema: columns.0.kind") == true)
        #expect(check(#"{"columns": [{"name": "a", "kind": "numeric"}, {"name": "a", "kind": "numeric"}]}"#)
                == "s.json: schema: column a appears twice")
        #expect(check(#"{"columns": [{"name": "a", "kind": "numeric"}], "target": "a"}"#)
                == "s.json: schema: target a is given without a task (binclass, multiclass or regression)")
    }

    @Test func typedTableAgainstSchema() throws {
        let schema = try Schema.decode(Data(json.utf8), file: "s.json")
        let csv = try CSVReader.parse("age,job,y\n39,\"clerk, adm\",no\n50,exec,yes\n", file: "t.csv")
        let table = try Table(csv: csv, schema: schema, schemaFile: "s.json")
        #expect(table.rowCount == 2)
        #expect(table.column("age") == .numeric([39, 50]))
        #expect(table.column("job") == .categorical(["clerk, adm", "exec"]))
        #expect(table.classLabels == ["no", "yes"])
        let reordered = try CSVReader.parse("job,age,y\nx,1,no\n", file: "t.csv")
        #expect(message { _ = try Table(csv: reordered, schema: schema, schemaFile: "s.json") }
                == "s.json: schema: does not match the header of t.csv: same columns in another order")
        let bad = try CSVReader.parse("age,job,y\n39,a,no\nold,b,yes\n", file: "t.csv")
        #expect(message { _ = try Table(csv: bad, schema: schema, schemaFile: "s.json") }
                == "t.csv:3, column 1 (age): \"old\" is not a number in a numeric column")
    }
}
