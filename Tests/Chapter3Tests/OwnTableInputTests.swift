import Foundation
import XCTest

/// Inputs that used to crash `chapter3 --csv` or fail only after training: a value whose square overflows, a
/// constant column, a directory for the CSV, a malformed `--compare-catboost` file.
extension OwnTableTests {
    /// The run's figure sidecar, parsed.
    func sidecar(_ id: String) throws -> [String: Any] {
        let url = root.appendingPathComponent("figures/3-tabddpm-own/\(id).json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Every row's x2 is 7: before, every model trained and then the figures step failed ("bin edges must be …"),
    /// leaving tables without a manifest or figures.
    func testAConstantColumnRunsEndToEnd() throws {
        let csv = try writeToyCSV("constant-x2.csv") { lines in
            lines = lines.enumerated().map { i, line in
                guard i > 0 else { return line }
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                cells[1] = "7"
                return cells.joined(separator: ",")
            }
        }
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--models", "smote,real"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outputs.appendingPathComponent("runs/3-tabddpm-own/manifest.json").path))
        let panels = try XCTUnwrap(try sidecar("feature-distributions-constant-x2")["panels"] as? [[String: Any]])
        let x2 = try XCTUnwrap(panels.first { ($0["title"] as? String)?.hasPrefix("x2") == true })
        XCTAssertEqual(x2["title"] as? String, "x2 (constant in the real rows)")
        let real = try XCTUnwrap((x2["layers"] as? [[String: Any]])?.first)
        XCTAssertEqual(real["binEdges"] as? [Double], [6.3, 7.7])
        XCTAssertEqual(real["counts"] as? [Int], [210])  // the 70 % training split of 300 rows
        // The privacy table's header names its measure (it used to read "(F1)").
        let dcr = try String(contentsOf: outputs.appendingPathComponent("runs/3-tabddpm-own/tables/dcr.md"), encoding: .utf8)
        XCTAssertTrue(dcr.contains("| constant-x2 (median DCR) |"), dcr)
    }

    /// A value of 1e160 used to trap in TVAE's mixture fit; it is now refused before anything is trained or written.
    func testAValueBeyondFloat32IsRefusedBeforeTraining() throws {
        let huge = try writeToyCSV("huge.csv") { $0[6] = "1e160,3,red,yes" }
        try assertRefused(["--profile", "smoke", "--csv", huge.path, "--models", "tvae"],
                        mentioning: ["huge.csv:7, column 1 (x1)", "1e160 is too large", "32-bit floats"])
    }

    func testADirectoryOrABadCatBoostFileIsRefusedBeforeTraining() throws {
        let folder = root.appendingPathComponent("folder.csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try assertRefused(["--csv", folder.path], mentioning: ["folder.csv is a directory, not a file"])
        let csv = try writeToyCSV()
        let broken = root.appendingPathComponent("catboost.json")
        try "{\"toy\": {\"metric\": \"f1\",\n \"mean\": 0.8 \"std\": 0.01}}".write(to: broken, atomically: true, encoding: .utf8)
        try assertRefused(["--profile", "smoke", "--csv", csv.path, "--compare-catboost", broken.path],
                        mentioning: ["catboost.json", "syntax error at line 2, column 14"])
        let other = root.appendingPathComponent("other.json")
        try #"{"adult": {"metric": "f1", "mean": 0.8, "std": 0.01, "n": 5, "catboost": "1.2"}}"#
            .write(to: other, atomically: true, encoding: .utf8)
        try assertRefused(["--profile", "smoke", "--csv", csv.path, "--compare-catboost", other.path],
                        mentioning: ["other.json", "no CatBoost score for toy", "the file has adult"])
    }
}
