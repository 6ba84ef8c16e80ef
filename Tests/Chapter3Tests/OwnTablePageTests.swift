import Foundation
import XCTest

/// `chapter3 --csv` ends with a self-contained page a person opens, in which names from the data show exactly
/// as written.
extension OwnTableTests {
    func testTheRunWritesAPageWithTheDataEscaped() throws {
        let column = #"na<me>&"x":/y"#
        let csv = try writeToyCSV("odd.csv") { lines in
            lines = lines.enumerated().map { i, line in
                guard i > 0 else { return #"x1,x2,"na<me>&""x"":/y",y"# }
                return line.replacingOccurrences(of: ",red,", with: #","<script>alert(1)</script>","#)
                    .replacingOccurrences(of: ",blue,", with: #","a&b ""q"" http://x/y","#)
            }
        }
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--models", "smote,real"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let page = outputs.appendingPathComponent("own/odd.html")
        XCTAssertTrue(result.stderr.hasSuffix("chapter3: open \(page.path)\n"), result.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        // The schema names every column and level exactly, escaped; nothing from the data becomes markup.
        XCTAssertTrue(html.contains("<td>na&lt;me&gt;&amp;\"x\":/y</td><td>categorical</td><td>feature</td>"), column)
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("a&amp;b \"q\" http://x/y"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("a&b"))
        XCTAssertTrue(html.contains("<td>y</td><td>categorical</td><td>target (binclass)</td><td>2 levels: "))
        // The run's tables, its figures embedded as data and its provenance.
        for id in ["ml-efficiency", "dcr", "fidelity", "timings"] { XCTAssertTrue(html.contains("id=\"tbl-\(id)\""), id) }
        XCTAssertTrue(html.contains("<th style=\"text-align:right\">odd (median DCR)</th>"))
        XCTAssertTrue(html.contains("<figure id=\"fig-feature-distributions-odd\"><img src=\"data:image/svg+xml;base64,"))
        XCTAssertTrue(html.contains("<figure id=\"fig-correlation-difference-odd\">"))
        XCTAssertTrue(html.contains("<figure id=\"fig-dcr-distribution\">"))
        XCTAssertFalse(html.contains("fig-tabddpm-loss"), "TabDDPM did not run, so it has no loss figure")
        XCTAssertTrue(html.contains("<table class=\"provenance\"><tbody><tr><th>chapter</th><td>3-tabddpm-own</td>"))
        XCTAssertFalse(html.contains("src=\"http"), "self-contained")
    }
}
