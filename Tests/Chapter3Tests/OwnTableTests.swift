import Foundation
import XCTest

/// `chapter3 --csv`: a practitioner's table runs end to end at the smoke profile, and bad input stops with a
/// message naming file, line and column (or option), a non-zero exit and nothing written.
final class OwnTableTests: Chapter3TestCase {
    var outputs: URL { root.appendingPathComponent("reports") }

    func testOwnCSVRunsEndToEnd() throws {
        let csv = try writeToyCSV()
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--models", "tabddpm,smote,real"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("inferred schema"), result.stderr)
        let table = try String(contentsOf: outputs.appendingPathComponent("runs/3-tabddpm-own/tables/ml-efficiency.md"), encoding: .utf8)
        func score(_ model: String) -> Double? {
            guard let line = table.split(separator: "\n").first(where: { $0.hasPrefix("| \(model) |") }) else { return nil }
            let cell = line.split(separator: "|")[1].replacingOccurrences(of: "*", with: "")
            return Double(cell.split(separator: " ").first ?? "")
        }
        // A constant predictor's macro-F1 on a binary task is at most 0.5. (TabDDPM's 300 smoke steps are too few
        // to learn y; its row must exist, its value is the profile's business.)
        let real = try XCTUnwrap(score("Real")), smote = try XCTUnwrap(score("SMOTE"))
        XCTAssertGreaterThan(real, 0.8, table)
        XCTAssertGreaterThan(smote, 0.7, table)
        XCTAssertNotNil(score("TabDDPM"), table)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outputs.appendingPathComponent("runs/3-tabddpm-own/manifest.json").path))
    }

    func testBadInputStopsWithAClearMessageAndNoOutput() throws {
        try assertRefused(["--csv", root.appendingPathComponent("absent.csv").path], mentioning: ["absent.csv"])
        try assertRefused(["--bogus"], mentioning: ["--bogus"])
        try assertRefused(["--profile", "smoke", "--models", "gan"], mentioning: ["gan"])
        let ragged = try writeToyCSV("ragged.csv") { $0[4] += ",extra" }
        try assertRefused(["--csv", ragged.path], mentioning: ["ragged.csv:5", "column 5"])
        let empty = try writeToyCSV("empty.csv") { $0[7] = "0.5,,red,yes" }
        try assertRefused(["--csv", empty.path], mentioning: ["empty.csv:8", "column 2 (x2)", "empty cell"])
        let schema = root.appendingPathComponent("schema.json")
        try #"{"columns": [{"name": "x1", "kind": "numeric"}, {"name": "x2", "kind": "numeric"}, {"name": "c", "kind": "categorical"}, {"name": "y", "kind": "categorical"}], "target": "y", "task": "binclass"}"#
            .write(to: schema, atomically: true, encoding: .utf8)
        let text = try writeToyCSV("text.csv") { $0[10] = "abc,1,red,yes" }
        try assertRefused(["--csv", text.path, "--schema", schema.path], mentioning: ["text.csv:11", "column 1 (x1)"])
        let constant = try writeToyCSV("constant.csv") { lines in
            lines = lines.enumerated().map { $0.offset == 0 ? $0.element : $0.element.replacingOccurrences(of: ",no", with: ",yes") }
        }
        try assertRefused(["--csv", constant.path, "--schema", schema.path], mentioning: ["constant.csv", "constant"])
        let single = try writeToyCSV("single.csv") { $0[3] = "0.1,1,red,maybe" }
        try assertRefused(["--csv", single.path, "--schema", schema.path], mentioning: ["single.csv:4", "column 4 (y)", "maybe"])
    }
}
