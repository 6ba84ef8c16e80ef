import Artifacts
import Foundation
import Testing
@testable import Report

/// The chapter folders of this kit, as discovery would find them.
func kitChapters() throws -> ChapterIndex {
    try ChapterIndex(chapters: ["1-gpvae", "2-segmentation", "3-tabddpm"].map { ChapterFolder(name: $0, kind: .chapter) },
                     decks: [ChapterFolder(name: "talk", kind: .deck)])
}

@Suite struct AuditTests {
    let tol = Tolerance(absolute: 0.02, rule: "declared before the run")

    func n(_ mean: Double, std: Double = 0, dataNote: String? = nil) -> ReproducedNumber {
        ReproducedNumber(paperTable: "table4_ml_efficiency_catboost", key: ["model": "TabDDPM", "dataset_code": "AD"],
                         metric: "f1", mean: mean, std: std, n: 50, nCovers: "5 samples × 10 evaluator seeds",
                         tolerance: tol, dataNote: dataNote)
    }

    @Test func verdictReproduced() {
        // |Δ| = 0.004 ≤ 2·max(0.001, 0.003) = 0.006
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.001, result: n(0.791, std: 0.003), chapterHasRun: true) == .reproduced)
        // exact boundary: |Δ| = 0.006 = 2·0.003
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: n(0.789, std: 0.001), chapterHasRun: true) == .reproduced)
    }

    @Test func verdictWithinTolerance() {
        // |Δ| = 0.015 > 0.006 but ≤ 0.02
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: n(0.780, std: 0.001), chapterHasRun: true) == .withinTolerance)
    }

    @Test func verdictNotReproduced() {
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: n(0.70, std: 0.001), chapterHasRun: true) == .notReproduced)
        // no spread and a zero tolerance: any difference fails
        var x = n(0.794)
        x.tolerance = .absolute(0)
        #expect(Audit.verdict(paperMean: 0.795, paperStd: nil, result: x, chapterHasRun: true) == .notReproduced)
    }

    @Test func verdictDifferentData() {
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: n(0.795, std: 0.001, dataNote: "stand-in: Ames for king"),
                              chapterHasRun: true) == .differentData)
    }

    @Test func verdictNotAttemptedAndNotYet() {
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: nil, chapterHasRun: true) == .notAttempted)
        #expect(Audit.verdict(paperMean: 0.795, paperStd: 0.003, result: nil, chapterHasRun: false) == .notReproducedYet)
    }

    @Test func paperCSVWideAndLong() throws {
        let wide = try PaperTables.numbers(csv: "model,a_mean,a_std,b_mean,b_std\nVAE,,,0.232,0.000\nGP-VAE,0.341,0.007,0.117,0.002\n",
                                           table: "table1_x", file: "paper/table1_x.csv")
        #expect(wide.count == 3) // the blank cell is not a number
        #expect(wide[2].printed == "0.117 ± 0.002" && wide[2].metric == "b" && wide[2].keyText == "GP-VAE · b")
        let long = try PaperTables.numbers(csv: "model,dataset_code,dataset,metric,mean,std\nTabDDPM,AD,adult,f1,0.795,0.001\n",
                                           table: "table4_y", file: "paper/table4_y.csv")
        #expect(long.count == 1 && long[0].metric == "f1" && long[0].std == 0.001)
        #expect(long[0].matches(key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1"))
        #expect(!long[0].matches(key: ["model": "TVAE"], metric: "f1"))
        let noStd = try PaperTables.numbers(csv: "model,dataset_code,dataset,dcr_mean\nSMOTE,AB,abalone,0.018\n",
                                            table: "table5_dcr", file: "paper/table5_dcr.csv")
        #expect(noStd[0].printed == "0.018" && noStd[0].std == nil && noStd[0].metric == "dcr")
    }

    @Test func paperCSVIsReadStrictlyAndWithoutItsByteOrderMark() throws {
        let bom = try PaperTables.numbers(csv: "\u{FEFF}model,a_mean\nVAE,0.5\n", table: "table1_x", file: "paper/table1_x.csv")
        #expect(bom[0].key.map(\.0) == ["model"])
        #expect(throws: ReportError(file: "paper/table1_x.csv", line: 3,
                                    message: "column 2 (a_mean): ragged row: 1 cells, the header has 2")) {
            try PaperTables.numbers(csv: "model,a_mean\nVAE,0.5\nGP\n", table: "table1_x", file: "paper/table1_x.csv")
        }
    }

    @Test func claimsAndPaperTablesFindTheirChaptersFromFolderNumbers() throws {
        let markdown = """
            ## Chapter 1 — GP-VAE (Table 1, Table 2, Figure 2)
            - C1.1 GP-VAE imputes.
            ## Chapter 3 — TabDDPM (Tables 4–5, Figures 7–8)
            - C3.1 TabDDPM wins.
            ## The talk
            - T.1 D* formula.
            """
        let file = try ClaimsFile.parse(markdown, file: "paper/claims.md", chapters: kitChapters())
        #expect(file.claims.map(\.chapter) == ["1-gpvae", "3-tabddpm", "talk"])
        #expect(file.tableChapters == [1: "1-gpvae", 2: "1-gpvae", 4: "3-tabddpm", 5: "3-tabddpm"])
        #expect(throws: ReportError(file: "paper/claims.md", line: 2, message:
            "claim C7.1 belongs to no chapter folder (C<n>.x needs chapters/<n>-name/chapter.md; a letter prefix "
            + "needs exactly one deck chapters/<name>/slides.md whose name starts with it)")) {
            try ClaimsFile.parse("# Claims\n- C7.1 nothing.", file: "paper/claims.md", chapters: kitChapters())
        }
    }

    @Test func computeAudit() throws {
        let paper = try PaperTables.numbers(csv: """
            model,dataset_code,dataset,metric,mean,std
            TabDDPM,AD,adult,f1,0.795,0.001
            TabDDPM,KI,king,r2,0.833,0.003
            TVAE,AD,adult,f1,0.781,0.002
            TVAE,KI,king,r2,0.824,0.003
            """, table: "table4_ml_efficiency_catboost", file: "paper/table4_ml_efficiency_catboost.csv")
        let gp = try PaperTables.numbers(csv: "model,auroc_mean,auroc_std\nGP-VAE,0.730,0.006\n",
                                         table: "table2_physionet_auroc", file: "paper/table2_physionet_auroc.csv")
        let claims = try ClaimsFile.parse("""
            ## Chapter 1 (Table 2)
            - C3.1 TabDDPM wins.
            - C3.2 SMOTE competes.
            - C1.1 GP-VAE imputes.
            - T.1 D* formula.
            """, file: "paper/claims.md", chapters: kitChapters())
        let run = Results(
            chapter: "3-tabddpm",
            numbers: [
                ReproducedNumber(paperTable: "table4_ml_efficiency_catboost", key: ["model": "TabDDPM", "dataset_code": "AD"],
                                 metric: "f1", mean: 0.79, std: 0.003, n: 50, nCovers: "5 × 10", tolerance: .init(absolute: 0.02, rule: "r")),
                ReproducedNumber(paperTable: "table4_ml_efficiency_catboost", key: ["model": "TabDDPM", "dataset_code": "KI"],
                                 metric: "r2", mean: 0.80, std: 0.01, n: 5, nCovers: "5", tolerance: .absolute(0.02),
                                 dataNote: "stand-in data: Ames for king"),
                ReproducedNumber(paperTable: "table4_ml_efficiency_catboost", key: ["model": "Nope"], metric: "f1", mean: 0.5,
                                 std: 0, n: 1, nCovers: "1", tolerance: .absolute(0.02)),
            ],
            claims: [ClaimVerdict(id: "C3.1", verdict: "reproduced", evidence: "4 of 5")],
            notAttempted: [NotAttempted(paperTable: "table4_ml_efficiency_catboost", key: ["model": "TVAE", "dataset_code": "AD"],
                                        reason: "no TVAE port")])
        let audit = try Audit.compute(paper: paper + gp, claims: claims.claims, runs: ["3-tabddpm": run],
                                      ranChapters: ["3-tabddpm"], tableChapters: claims.tableChapters)
        #expect(audit.numbers.map(\.verdict) == [.reproduced, .differentData, .notAttempted, .notAttempted, .notReproducedYet])
        #expect(audit.numbers.map(\.chapter) == ["3-tabddpm", "3-tabddpm", "3-tabddpm", "3-tabddpm", "1-gpvae"])
        #expect(audit.numbers[0].ours == "0.790 ± 0.003")
        #expect(abs(audit.numbers[0].delta! - (-0.005)) < 1e-12)
        #expect(audit.numbers[2].reason == "no TVAE port")
        #expect(audit.numbers[3].reason == "no result and no reason given by the 3-tabddpm run")
        #expect(audit.numbers[4].reason == "chapter 1-gpvae has not been run: make chapter1")
        #expect(audit.unmatched.count == 1 && audit.unmatched[0].contains("model=Nope"))
        #expect(audit.claims.map(\.verdict) == [.reproduced, .notReproducedYet, .notReproducedYet, .notReproducedYet])
        #expect(audit.summary.numbers["not attempted"] == 2 && audit.summary.numbers["reproduced"] == 1)
        #expect(audit.summary.claims["not reproduced yet"] == 3)
        let json = String(data: try audit.json(), encoding: .utf8)!
        #expect(json.contains("\"verdict\" : \"different data/metric\""))
        let html = audit.html()
        #expect(html.contains("0.795 ± 0.001") && html.contains("n = 50: 5 × 10") && html.contains("−0.005"))
        #expect(html.contains("run <code>make talk</code>"))
    }

    @Test func typedClaimVerdictMustBeKnown() throws {
        let run = Results(chapter: "3-tabddpm", claims: [ClaimVerdict(id: "C3.1", verdict: "sort of", evidence: "")])
        #expect(throws: ReportError.self) {
            try Audit.compute(paper: [], claims: ClaimsFile.parse("- C3.1 x", file: "c.md", chapters: kitChapters()).claims,
                              runs: ["3-tabddpm": run], ranChapters: ["3-tabddpm"])
        }
    }
}

@Suite struct DiffTests {
    @Test func diffFlagsChangesBeyondTolerance() throws {
        let base = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("a"), b = base.appendingPathComponent("b")
        func results(_ f1: Double, _ r2: Double) -> Results {
            Results(chapter: "3-tabddpm", numbers: [
                ReproducedNumber(paperTable: "t4", key: ["model": "TabDDPM"], metric: "f1", mean: f1, std: 0, n: 1,
                                 nCovers: "1", tolerance: .absolute(0.02)),
                ReproducedNumber(paperTable: "t4", key: ["model": "TabDDPM"], metric: "r2", mean: r2, std: 0, n: 1,
                                 nCovers: "1", tolerance: .absolute(0.02)),
            ])
        }
        try results(0.79, 0.80).write(to: a.appendingPathComponent("results.json"))
        try results(0.78, 0.70).write(to: b.appendingPathComponent("results.json"))
        try sampleManifest(chapter: "3-tabddpm", configHash: "aaa").write(to: a.appendingPathComponent("manifest.json"))
        try sampleManifest(chapter: "3-tabddpm", configHash: "bbb").write(to: b.appendingPathComponent("manifest.json"))
        try write(["tables/ml.json": #"{"columns": ["model", "f1"], "rows": [["TabDDPM", 0.79], ["TVAE", 0.70]]}"#], under: a)
        try write(["tables/ml.json": #"{"columns": ["model", "f1"], "rows": [["TabDDPM", 0.79], ["TVAE", "0.75 ± 0.01"]]}"#],
                  under: b)
        let r = try RunDiff.compare(a, b, cellTolerance: 0.01)
        #expect(r.changes.count == 3)
        let f1 = r.changes.first { $0.item.hasSuffix("f1") && $0.item.hasPrefix("t4") }!
        #expect(!f1.flagged)            // |Δ| = 0.01 ≤ 0.02
        let r2 = r.changes.first { $0.item.hasSuffix("r2") }!
        #expect(r2.flagged)             // |Δ| = 0.10 > 0.02
        let cell = r.changes.first { $0.item == "ml.json: rows[TVAE].f1" }!
        #expect(cell.flagged && abs(cell.delta! - 0.05) < 1e-12)
        #expect(r.flagged == 2)
        #expect(r.markdown.contains("| config hash | aaa | bbb |"))
        #expect(r.markdown.contains("⚠ beyond tolerance"))
    }
}
