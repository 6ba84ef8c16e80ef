import ChapterProgramSupport
import Foundation
import XCTest

/// `talk --csv`: a teacher's own series run end to end at the smoke profile; bad input stops with a message naming
/// file, line and column, a non-zero exit and nothing written.
final class OwnSeriesTests: ChapterProgramTestCase {
    override var program: String { "talk" }
    let smoke = ["--profile", "smoke"]

    /// 200 daily rows from 2021-01-01 (date, a, b, label): a = sin(0.3·t) plus a little noise, b = 10 + 5·cos(0.2·t),
    /// label a text column. `edit` changes lines (0 is the header) before writing.
    func writeSeriesCSV(_ name: String = "series.csv", edit: (inout [String]) -> Void = { _ in }) throws -> URL {
        var state: UInt64 = 11
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let start = formatter.date(from: "2021-01-01")!
        var lines = ["date,a,b,label"]
        for t in 0..<200 {
            let date = formatter.string(from: start.addingTimeInterval(Double(t) * 86_400))
            let a = sin(0.3 * Double(t)) + 0.05 * (next() - 0.5)
            lines.append(String(format: "%@,%.5f,%.5f,%@", date, a, 10 + 5 * cos(0.2 * Double(t)), t % 2 == 0 ? "even" : "odd"))
        }
        edit(&lines)
        let url = root.appendingPathComponent(name)
        try lines.joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testOwnSeriesRunEndToEnd() throws {
        let csv = try writeSeriesCSV()
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--date-column", "date"])
        XCTAssertEqual(result.status, 0, result.stderr)

        let figures = root.appendingPathComponent("figures/talk-own")
        for id in ["samples", "timegan-pca", "timegan-tsne", "timegan-curves"] {
            for ext in ["png", "svg", "json"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: figures.appendingPathComponent("\(id).\(ext)").path), "\(id).\(ext)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("figures/talk").path),
                       "the talk's own figures are left alone")
        XCTAssertFalse(FileManager.default.fileExists(atPath: figures.appendingPathComponent("slides").path),
                       "a page without slides needs no slide copies")

        // The scores table: a row per model and the real-data floor, every score a mean in its range.
        let table = try String(contentsOf: root.appendingPathComponent("reports/runs/talk-own/tables/timegan-scores.md"), encoding: .utf8)
        func scores(_ model: String) throws -> [Double?] {
            let line = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("| series | \(model) |") }, table)
            return line.split(separator: "|").dropFirst(2).map { Double($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
        }
        for model in ["TimeGAN", "recurrent GAN"] {
            let row = try scores(model)
            let discriminative = try XCTUnwrap(row[0], table), predictive = try XCTUnwrap(row[1], table)
            XCTAssertTrue((0...0.5).contains(discriminative), table)
            XCTAssertTrue((0...1).contains(predictive), table)
        }
        // The windows are scaled to [0, 1]: unscaled, b (5 to 15) alone would put every predictive error far above 0.5.
        let floor = try XCTUnwrap(try scores("real data")[1], table)
        XCTAssertLessThan(floor, 0.5, table)

        // Every phase of both models timed, with the smoke profile's iterations: TimeGAN 50/50/20; the recurrent GAN 2
        // epochs of one generator step each (177 windows are one group of 5 minibatches of 28).
        let timings = try String(contentsOf: root.appendingPathComponent("reports/runs/talk-own/tables/timegan-timings.md"), encoding: .utf8)
        for (model, phase, iterations) in [("TimeGAN", "embedding", 50), ("TimeGAN", "supervised", 50), ("TimeGAN", "joint", 20),
                                           ("recurrent GAN", "adversarial", 2)] {
            XCTAssertTrue(timings.contains("| series | \(model) | \(phase) | \(iterations) |"), timings)
        }

        let page = try String(contentsOf: root.appendingPathComponent("reports/own/series-timegan.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("200 rows, 2 feature columns"), page)
        XCTAssertTrue(page.contains("date column date from 2021-01-01 to 2021-07-19"), page)
        XCTAssertTrue(page.contains("left out as text: label"), page)
        XCTAssertTrue(page.contains("177 overlapping windows of 24 steps"), page)
        // The columns table in the file's units: b = 10 + 5·cos(0.2·t) reaches 15 at t = 0 and nearly 5 at t = 47.
        XCTAssertTrue(page.contains("<tr><td>b</td><td>5.0002</td><td>15</td>"), page)
        XCTAssertTrue(page.contains("data:image/"), "figures are embedded")
        XCTAssertFalse(page.contains("<script"), "the page needs no script")
        XCTAssertTrue(page.contains("Provenance"))
    }

    func testBadOptionsAndFilesStopBeforeAnythingIsWritten() throws {
        try assertRefused(smoke + ["--csv", root.appendingPathComponent("absent.csv").path], mentioning: ["absent.csv", "no such file"])
        let good = try writeSeriesCSV()
        try assertRefused(smoke + ["--columns", "a"], mentioning: ["need --csv"])
        try assertRefused(smoke + ["--csv", good.path, "--only", "gan-math"], mentioning: ["--csv and --only"])
        try assertRefused(smoke + ["--csv", good.path, "--columns", "a,a"], mentioning: ["'a' is listed twice"])
        try assertRefused(smoke + ["--csv", good.path, "--columns", "a,zz"], mentioning: ["series.csv:1", "no column named zz", "date, a, b, label"])
        try assertRefused(smoke + ["--csv", good.path, "--date-column", "day"], mentioning: ["series.csv:1", "no column named day"])
        try assertRefused(smoke + ["--csv", good.path, "--date-column", "date", "--columns", "a,date"],
                        mentioning: ["series.csv:1, column 1 (date)", "date is the date column"])
        try assertRefused(smoke + ["--csv", good.path, "--columns", "a,label"],
                        mentioning: ["series.csv:2, column 4 (label)", "\"even\" is not a number"])
        try assertRefused(smoke + ["--csv", good.path, "--sequence-length", "101"],
                        mentioning: ["series.csv:201", "200 rows, fewer than two windows of 101 steps", "--sequence-length 100 or less"])
    }

    func testBadCellsAndDatesNameTheirLineAndColumn() throws {
        func check(_ name: String, _ arguments: [String], _ edit: (inout [String]) -> Void,
                   _ fragments: [String], line: UInt = #line) throws {
            let csv = try writeSeriesCSV(name, edit: edit)
            try assertRefused(smoke + ["--csv", csv.path] + arguments, mentioning: fragments, line: line)
        }
        let dated = ["--date-column", "date"]
        try check("gap.csv", dated, { $0[5] = "2021-01-05,,10,odd" }, ["gap.csv:6, column 2 (a)", "a gap in the series"])
        try check("text.csv", dated, { $0[7] = "2021-01-07,0.1,n/a,odd" }, ["text.csv:8, column 3 (b)", "\"n/a\" is not a number"])
        try check("nan.csv", dated, { $0[9] = "2021-01-09,NaN,1,odd" }, ["nan.csv:10, column 2 (a)", "NaN is not a finite number"])
        try check("order.csv", dated, { $0.swapAt(10, 11) }, ["order.csv:12, column 1 (date)", "date 2021-01-10 does not come after 2021-01-11 on line 11"])
        try check("twice.csv", dated, { $0[4] = "2021-01-03" + $0[4].dropFirst(10) }, ["twice.csv:5, column 1 (date)", "no date twice"])
        try check("format.csv", dated, { $0[3] = "01/03/2021" + $0[3].dropFirst(10) }, ["format.csv:4, column 1 (date)", "neither a number nor an ISO 8601 date"])
        try check("words.csv", [], { lines in lines = ["name,city"] + (0..<60).map { "n\($0),c\($0)" } },
                  ["words.csv:2", "no numeric column (columns: name, city)"])
        try check("header.csv", [], { lines in lines = [lines[0]] }, ["header.csv:1", "no rows under the header"])
    }
}
