import Foundation
import Testing
@testable import Experiment

private func sampleTable() -> ResultTable {
    ResultTable(
        id: "ml-efficiency",
        caption: "ML efficiency (F1) and DCR on adult.",
        columns: [
            .init("Model"),
            .init("F1", ranking: .higherIsBetter, alignment: .right),
            .init("DCR", ranking: .lowerIsBetter, alignment: .right),
            .init("Note | remark"),
        ],
        rows: [
            ["TabDDPM", .compared(ours: Summary(mean: 0.7951, std: 0.0021, n: 50), paper: Summary(mean: 0.795, std: 0.002)),
             .value(Summary(mean: 0.2, std: nil, n: 5)), "a|b"],
            ["CTGAN", .compared(ours: Summary(mean: 0.7889, std: 0.0012, n: 50), paper: Summary(mean: 0.789, std: 0.001)),
             .value(Summary(mean: 0.1234)), .missing],
            ["TVAE", .compared(ours: nil, paper: Summary(mean: 0.781, std: 0.002)), .missing, "plain"],
        ])
}

@Test func markdownGoldenWithBestPerColumnBothDirections() throws {
    let expected = """
    | Model | F1 | DCR | Note \\| remark |
    |---|---:|---:|---|
    | TabDDPM | **0.795 ± 0.002** (paper 0.795 ± 0.002) | 0.200 | a\\|b |
    | CTGAN | 0.789 ± 0.001 (paper 0.789 ± 0.001) | **0.123** | — |
    | TVAE | — (paper 0.781 ± 0.002) | — | plain |

    """
    #expect(try sampleTable().markdown() == expected)
}

@Test func tiesAtPrintedPrecisionAreAllBoldAndUnrankedColumnsNever() throws {
    let table = ResultTable(
        id: "ties", caption: "",
        columns: [.init("Score", ranking: .higherIsBetter, decimals: 2), .init("Count")],
        rows: [
            [.value(Summary(mean: 0.501)), .value(Summary(mean: 5))],
            [.value(Summary(mean: 0.499)), .value(Summary(mean: 7))],
            [.value(Summary(mean: 0.2)), .value(Summary(mean: -0.0001))],
        ],
        decimals: 3)
    let expected = """
    | Score | Count |
    |---|---|
    | **0.50** | 5.000 |
    | **0.50** | 7.000 |
    | 0.20 | 0.000 |

    """
    #expect(try table.markdown() == expected)
}

@Test func aSingleValueIsNotMarkedBest() throws {
    let table = ResultTable(id: "one", caption: "", columns: [.init("F1", ranking: .higherIsBetter)],
                            rows: [[.value(Summary(mean: 0.5))], [.missing]])
    #expect(try table.markdown() == "| F1 |\n|---|\n| 0.500 |\n| — |\n")
}

@Test func malformedTablesAreRejectedWithTheirId() throws {
    var table = sampleTable()
    table.append(["too short"])
    #expect(throws: KitError.invalidTable(id: "ml-efficiency", reason: "row 4 has 1 cells but there are 4 columns")) {
        try table.markdown()
    }
    let badId = ResultTable(id: "ML_Efficiency", caption: "", columns: [.init("x")])
    #expect(throws: KitError.self) { try badId.markdown() }
}

@Test func tableJSONRoundTripsThroughFiles() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = sampleTable()
    try table.write(to: directory)
    #expect(try contents(of: directory) == ["ml-efficiency.json", "ml-efficiency.md"])
    #expect(try String(contentsOf: directory.appendingPathComponent("ml-efficiency.md"), encoding: .utf8)
        == table.markdown())
    let reread = try ResultTable.read(from: directory.appendingPathComponent("ml-efficiency.json"))
    #expect(reread == table)

    let json = try jsonObject(at: directory.appendingPathComponent("ml-efficiency.json"))
    #expect(json["caption"] as? String == "ML efficiency (F1) and DCR on adult.")
    let rows = json["rows"] as? [[Any]]
    #expect(rows?[0][0] as? String == "TabDDPM")
    #expect(((rows?[0][1] as? [String: Any])?["ours"] as? [String: Any])?["n"] as? Int == 50)
    #expect(((rows?[0][1] as? [String: Any])?["paper"] as? [String: Any])?["std"] as? Double == 0.002)
    #expect((rows?[0][2] as? [String: Any])?["n"] as? Int == 5)
    #expect(rows?[1][3] is NSNull)
    #expect(((rows?[2][1] as? [String: Any])?["ours"]) is NSNull)
    #expect((json["columns"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Model", "F1", "DCR", "Note | remark"])
}

@Test func fixedFormattingNeverPrintsNegativeZero() {
    #expect(formatFixed(-0.0004, decimals: 3) == "0.000")
    #expect(formatFixed(-0.0006, decimals: 3) == "-0.001")
    #expect(formatFixed(48.15, decimals: 1) == "48.1" || formatFixed(48.15, decimals: 1) == "48.2")
    #expect(formatFixed(2.5, decimals: 0) == "2")
    #expect(formatFixed(.nan, decimals: 2) == "NaN")
}
