import Foundation
import XCTest

/// A smoke catalog run writes the fidelity and privacy figures of issue 12 §4 with the numbers of their tables.
extension RunSafetyTests {
    func sidecarPanels(_ id: String) throws -> [[String: Any]] {
        let url = root.appendingPathComponent("figures/3-tabddpm/\(id).json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], id)
        return try XCTUnwrap(object["panels"] as? [[String: Any]], id)
    }

    func labels(_ panel: [String: Any]) -> [String] {
        ((panel["layers"] as? [[String: Any]]) ?? []).compactMap { $0["label"] as? String }
    }

    func testASmokeRunDrawsFidelityAndDCRDistributionsWithTheirTables() throws {
        let arguments = try catalogRunArguments().dropLast(2) + ["--models", "tabddpm,smote,real"]
        let result = try run(Array(arguments))
        XCTAssertEqual(result.status, 0, result.stderr)
        let tables = root.appendingPathComponent("reports/runs/3-tabddpm/tables")
        func table(_ id: String) throws -> String {
            try String(contentsOf: tables.appendingPathComponent("\(id).md"), encoding: .utf8)
        }

        // Figure 7 analogue: every column of the toy diabetes (x1, x2, c, target y), real against TabDDPM only, as
        // the paper draws TabDDPM, TVAE and CTAB-GAN+ and this run has just the first of them.
        let columns = try sidecarPanels("feature-distributions-diabetes")
        XCTAssertEqual(columns.map { $0["title"] as? String }, ["x1", "x2", "c", "y"])
        for panel in columns { XCTAssertEqual(labels(panel), ["Real", "TabDDPM"]) }

        // Figure 8 analogue: its title's mean is the table's "mean over pairs of columns".
        let maps = try sidecarPanels("correlation-difference-diabetes")
        XCTAssertEqual(maps.count, 1)
        let title = try XCTUnwrap(maps[0]["title"] as? String)
        XCTAssertTrue(title.hasPrefix("TabDDPM: mean "), title)
        let mean = String(title.dropFirst("TabDDPM: mean ".count))
        let distances = try table("feature-distances-diabetes")
        XCTAssertTrue(distances.contains("| SMOTE | TabDDPM |\n"), distances)
        let pairs = try XCTUnwrap(distances.split(separator: "\n").first { $0.contains("| mean over pairs of columns |") })
        XCTAssertTrue(pairs.hasSuffix("| \(mean) |"), "\(pairs) against the figure's \(mean)")
        for name in ["x1", "x2", "c", "y (target)"] { XCTAssertTrue(distances.contains("| \(name) |"), name) }

        // The DCR distribution: one cumulative curve per generator, the real test rows dashed, the median at ½; the
        // curve's middle point is the median the dcr table reports.
        let dcr = try XCTUnwrap(try sidecarPanels("dcr-distribution").first)
        XCTAssertEqual(labels(dcr), ["TabDDPM", "SMOTE", "Real test rows", "median"])
        let curves = try XCTUnwrap(dcr["layers"] as? [[String: Any]])
        let smote = try XCTUnwrap(curves[1]["x"] as? [Double])
        XCTAssertEqual(smote.count, 201)
        XCTAssertEqual(curves[2]["style"] as? String, "dashed")
        let dcrTable = try table("dcr")
        XCTAssertTrue(dcrTable.contains("| SMOTE | \(String(format: "%.3f", smote[100])) (paper 0.074) |"), dcrTable)
        XCTAssertTrue(dcrTable.contains("| Real test rows | "), dcrTable)

        // The sources table sets the reference's stored SMOTE median on diabetes (0.068) beside the paper's (0.074).
        XCTAssertTrue(try table("dcr-sources").contains("| diabetes | SMOTE | \(String(format: "%.3f", smote[100])) | 0.068 | 0.074 |"))
    }
}
