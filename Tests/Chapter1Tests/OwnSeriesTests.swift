import ChapterProgramSupport
import Foundation
import XCTest

/// `chapter1 --csv`: a practitioner's long-format series run end to end at the smoke profile; bad input stops with
/// a message naming file, line and column, a non-zero exit and nothing written.
final class OwnSeriesTests: ChapterProgramTestCase {
    override var program: String { "chapter1" }

    /// 30 series of 24 rows (patient, day, a, b): a = sin(0.5·step + φ), b = 3 + 2·cos(0.5·step + φ), each cell
    /// empty with probability 0.3; days are half steps. `edit` changes lines (0 is the header) before writing.
    func writeSeriesCSV(_ name: String = "series.csv", edit: (inout [String]) -> Void = { _ in }) throws -> URL {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["patient,day,a,b"]
        for s in 0..<30 {
            let phase = next() * 2 * Double.pi
            for step in 0..<24 {
                let x = 0.5 * Double(step) + phase
                let a = next() < 0.3 ? "" : String(format: "%.5f", sin(x))
                let b = next() < 0.3 ? "" : String(format: "%.5f", 3 + 2 * cos(x))
                lines.append("p\(s),\(Double(step) / 2),\(a),\(b)")
            }
        }
        edit(&lines)
        let url = root.appendingPathComponent(name)
        try lines.joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testOwnSeriesRunEndToEnd() throws {
        let csv = try writeSeriesCSV()
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--id-column", "patient", "--time-column", "day"])
        XCTAssertEqual(result.status, 0, result.stderr)

        let imputed = root.appendingPathComponent("reports/runs/1-gpvae-own/series-imputed.csv")
        let input = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let output = try String(contentsOf: imputed, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(output.first, ["patient", "day", "a", "b", "a_sd", "b_sd"])
        XCTAssertEqual(output.count, input.count)
        for (given, written) in zip(input.dropFirst(), output.dropFirst()) {
            XCTAssertEqual(written.count, 6)
            XCTAssertFalse(written.contains(""), "a missing cell remains: \(written)")
            for c in 0..<4 where !given[c].isEmpty { XCTAssertEqual(given[c], written[c], "observed cells are kept") }
            for f in 0..<2 {
                let sd = try XCTUnwrap(Double(written[4 + f]))
                if given[2 + f].isEmpty { XCTAssertGreaterThan(sd, 0, "\(written)") } else { XCTAssertEqual(sd, 0) }
            }
            // b stays near its range 1…5 where it was imputed.
            if given[3].isEmpty { XCTAssertTrue((-1...7).contains(Double(written[3])!), "\(written)") }
        }

        // Scored on the values it hid itself: GP-VAE beats mean imputation on these smooth series.
        let table = try String(contentsOf: root.appendingPathComponent("reports/runs/1-gpvae-own/tables/own-imputation.md"), encoding: .utf8)
        func mse(_ model: String) throws -> Double {
            let line = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("| \(model) |") }, table)
            return try XCTUnwrap(Double(line.split(separator: "|")[1].replacingOccurrences(of: "*", with: "")
                .trimmingCharacters(in: .whitespaces).split(separator: " ")[0]), table)
        }
        XCTAssertLessThan(try mse("GP-VAE"), try mse("Mean imputation"), table)
        XCTAssertGreaterThan(try mse("Mean imputation"), 0.5, "standardised, mean imputation's MSE is about 1: \(table)")
        let page = try String(contentsOf: root.appendingPathComponent("reports/own/series-imputation.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("30 series of 24 rows"), page)
        XCTAssertTrue(page.contains("Provenance"))
    }

    func testBadInputStopsWithAClearMessageAndNoOutput() throws {
        let smoke = ["--profile", "smoke"]
        try assertRefused(smoke + ["--csv", root.appendingPathComponent("absent.csv").path], mentioning: ["absent.csv", "no such file"])
        let good = try writeSeriesCSV()
        try assertRefused(smoke + ["--csv", good.path], mentioning: ["series.csv:1", "no column named id", "patient, day, a, b"])
        try assertRefused(smoke + ["--csv", good.path, "--id-column", "patient", "--time-column", "hour"],
                        mentioning: ["series.csv:1", "no column named hour"])
        try assertRefused(smoke + ["--csv", good.path, "--id-column", "patient", "--time-column", "day", "--hide", "1.5"],
                        mentioning: ["--hide", "between 0 and 1"])
        try assertRefused(smoke + ["--id-column", "patient"], mentioning: ["--csv"])
        try assertRefused(smoke + ["--csv", good.path, "--id-column", "patient", "--time-column", "day", "--hide", "0.0001"],
                        mentioning: ["series.csv:1", "too few observed values to hide 0.01 % of them"])
        try assertRefused(smoke + ["--csv", good.path, "--datasets", "hmnist"], mentioning: ["--csv and --datasets"])

        let options = ["--id-column", "patient", "--time-column", "day"]
        func check(_ name: String, _ edit: (inout [String]) -> Void, _ fragments: [String]) throws {
            let csv = try writeSeriesCSV(name, edit: edit)
            try assertRefused(smoke + ["--csv", csv.path] + options, mentioning: fragments)
        }
        try check("text.csv", { $0[5] = "p0,2.0,abc,1" }, ["text.csv:6, column 3 (a)", "\"abc\" is not a number"])
        try check("nan.csv", { $0[7] = "p0,3.0,0.1,NaN" }, ["nan.csv:8, column 4 (b)", "NaN is not a finite number"])
        try check("inf.csv", { $0[7] = "p0,3.0,-inf,1" }, ["inf.csv:8, column 3 (a)", "-inf is not a finite number"])
        try check("time.csv", { $0[9] = "p0,,0.1,1" }, ["time.csv:10, column 2 (day)", "empty cell"])
        try check("duplicate.csv", { $0[3] = "p0,0.5,0.2,3" }, ["duplicate.csv:4, column 2 (day)", "series p0 has time 0.5 twice",
                                                                "also on line 3"])
        try check("single.csv", { $0.append("lonely,0,1,2") }, ["single.csv:722, column 1 (patient)", "series lonely has a single row"])
        try check("empty-feature.csv", { lines in
            lines = lines.enumerated().map { $0.offset == 0 ? $0.element : $0.element.split(separator: ",", omittingEmptySubsequences: false)
                .enumerated().map { $0.offset == 3 ? "" : String($0.element) }.joined(separator: ",") }
        }, ["empty-feature.csv:1, column 4 (b)", "feature b has no value in any row"])
        try check("clash.csv", { lines in
            lines = lines.enumerated().map { $0.offset == 0 ? "patient,day,a,a_sd" : $0.element }
        }, ["clash.csv:1, column 4 (a_sd)", "uncertainty of a"])
        try check("ragged.csv", { $0[2] += ",9" }, ["ragged.csv:3", "column 5"])
    }
}
