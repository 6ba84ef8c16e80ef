import Artifacts
import Experiment
import Foundation
import Testing
@testable import Report

/// `![caption](fig:id){profiles=default,paper}` and `[[tbl:id]]{profiles=…}`: an artifact that only some profiles
/// produce shows a labelled placeholder in a build from another profile, and fails the build otherwise.
@Suite struct PlaceholderTests {
    let smokeTalk = MemoryAssets(ran: ["talk"], profiles: ["talk": "smoke"])

    @Test func aFigureTheRunsProfileDoesNotProduceIsAPlaceholder() throws {
        let md = "# T\n\n![First](fig:one)\n\n![Stocks](fig:stock-samples){profiles=default,paper}\n\n[[tbl:big]]{profiles=paper} Caption"
        var assets = smokeTalk
        assets.figures["talk/one"] = FigureAsset(mime: "image/png", data: Data([1]))
        let html = try render(md, chapter: "talk", assets: assets)
        #expect(html.contains("<figure id=\"fig-stock-samples\" class=\"missing\">"))
        #expect(html.contains("Figure 2 — produced by the default and paper profiles; this build is from a smoke run of "
            + "<code>talk</code>. Run <code>make talk PROFILE=default</code> to produce it."))
        #expect(html.contains("<span class=\"label\">Figure 2.</span> Stocks"))
        #expect(html.contains("Table 1 — produced by the paper profile; this build is from a smoke run of <code>talk</code>. "
            + "Run <code>make talk PROFILE=paper</code> to produce it."))
        #expect(html.contains("<span class=\"label\">Table 1.</span> Caption"))
    }

    @Test func aListedOrUnmarkedAbsentFigureStillFailsWithFileAndLine() {
        var defaultRun = smokeTalk
        defaultRun.profiles["talk"] = "default"
        #expect(throws: ReportError(file: "chapters/talk/chapter.md", line: 3, message:
            "figure fig:stock-samples not found: no figures/talk/stock-samples.svg or .png, although chapter talk has run")) {
            try render("# T\n\n![S](fig:stock-samples){profiles=default,paper}", chapter: "talk", assets: defaultRun)
        }
        #expect(throws: ReportError.self) {
            try render("# T\n\n![S](fig:stock-samples)", chapter: "talk", assets: smokeTalk)
        }
        #expect(throws: ReportError(file: "chapters/talk/chapter.md", line: 3, message:
            "table tbl:t not found: no reports/runs/talk/tables/t.md, although chapter talk has run")) {
            try render("# T\n\n[[tbl:t]]{profiles=smoke}", chapter: "talk", assets: smokeTalk)
        }
    }

    @Test func aPresentFigureIsShownWhateverItsProfiles() throws {
        var assets = smokeTalk
        assets.figures["talk/f"] = FigureAsset(mime: "image/png", data: Data([1]))
        let html = try render("# T\n\n![F](fig:f){profiles=paper}", chapter: "talk", assets: assets)
        #expect(html.contains("<img src=\"data:image/png;base64,AQ==\" alt=\"F\">"))
    }

    @Test func malformedAttributesNameFileAndLine() {
        #expect(throws: ReportError(file: "chapters/talk/chapter.md", line: 3, message:
            "unknown attribute {profile=paper} (the one attribute is {profiles=name,name})")) {
            try render("# T\n\n![F](fig:f){profile=paper}", chapter: "talk", assets: smokeTalk)
        }
        #expect(throws: ReportError.self) {
            try render("# T\n\n[[tbl:t]]{profiles=default,,paper}", chapter: "talk", assets: smokeTalk)
        }
    }
}

@Suite struct InlineSafetyTests {
    @Test func runTableCellsGetBoldAndCodeButNoMath() throws {
        var assets = MemoryAssets(ran: ["3-tabddpm"])
        assets.tables["3-tabddpm/t"] = TableAsset(markdown: """
            | model | adult |
            |---|---:|
            | `TabDDPM` | **0.719 ± 0.022** (paper 0.795 ± 0.001) |
            | $x$ @fig:x | *n/a* |
            """)
        let html = try render("# T\n\n[[tbl:t]]", chapter: "3-tabddpm", assets: assets)
        #expect(html.contains("<td style=\"text-align:right\"><strong>0.719 ± 0.022</strong> (paper 0.795 ± 0.001)</td>"))
        #expect(html.contains("<td><code>TabDDPM</code></td>"))
        #expect(html.contains("<td>$x$ @fig:x</td>"))
        #expect(html.contains("<em>n/a</em>"))
        #expect(!html.contains("**"))
    }

    @Test func aTableWrittenByExperimentShowsItsBestValuesBoldAndItsTextAsWritten() throws {
        let table = ResultTable(id: "t", caption: "c", columns: [.init("model"), .init("F1", ranking: .higherIsBetter)],
                                rows: [["a*b_c `x` \\ |", .value(Summary(mean: 0.719, std: 0.022))],
                                       ["TVAE", .value(Summary(mean: 0.5))]])
        var assets = MemoryAssets(ran: ["3-tabddpm"])
        assets.tables["3-tabddpm/t"] = TableAsset(markdown: try table.markdown())
        let html = try render("# T\n\n[[tbl:t]]", chapter: "3-tabddpm", assets: assets)
        #expect(html.contains("<td>a*b_c `x` \\ |</td><td><strong>0.719 ± 0.022</strong></td>"))
    }

    @Test func onlyWebMailAndInDocumentLinksAreLinks() throws {
        let html = try render("# T {#sec:t}\n\n[a](https://example.org) [b](mailto:x@example.org) [c](#sec-t) "
            + "[d](java\tscript:alert(1)) [e](\u{01}javascript:alert(2)) [f](JaVaScRiPt:alert(3)) [g](data:text/html,x) "
            + "[h](notes.html) [i](java\u{200B}script:alert(4))")
        #expect(html.contains("<a href=\"https://example.org\">a</a>"))
        #expect(html.contains("<a href=\"mailto:x@example.org\">b</a>"))
        #expect(html.contains("<a href=\"#sec-t\">c</a>"))
        // The refused links stay as text; no href carries a script, data or file target.
        #expect(html.range(of: #"href="[^"]*(script|data:|notes\.html)"#, options: .regularExpression) == nil)
        #expect(html.contains("[g](data:text/html,x)") && html.contains("[h](notes.html)"))
        #expect(InlineRenderer.safeLink("java\tscript:alert(1)") == nil)
        #expect(InlineRenderer.safeLink("\u{01}javascript:alert(1)") == nil)
        #expect(InlineRenderer.safeLink(" https://example.org ") == "https://example.org")
        #expect(InlineRenderer.safeLink("#") == nil)
    }
}
