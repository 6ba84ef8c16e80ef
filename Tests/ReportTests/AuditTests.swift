import Foundation
import Testing
@testable import Report

@Suite struct AuditTests {
    typealias N = RunResults.Number
    let tol = RunResults.Tolerance(absolute: 0.02, rule: "declared before the run")

    func n(_ mean: Double, std: Double? = nil, dataNote: String? = nil) -> N {
        N(paperTable: "table4_ml_efficiency_catboost", key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1",
          mean: mean, std: std, n: 50, nCovers: "5 samples × 10 evaluator seeds", tolerance: tol, dataNote: dataNote)
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
        // no std and no tolerance: any difference fails
        var x = n(0.794)
        x.tolerance = nil
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

    @Test func paperCSVWideAndLong() {
        let wide = PaperTables.numbers(csv: "model,a_mean,a_std,b_mean,b_std\nVAE,,,0.232,0.000\nGP-VAE,0.341,0.007,0.117,0.002\n",
                                       table: "table1_x")
        #expect(wide.count == 3) // the blank cell is not a number
        #expect(wide[2].printed == "0.117 ± 0.002" && wide[2].metric == "b" && wide[2].keyText == "GP-VAE · b")
        let long = PaperTables.numbers(csv: "model,dataset_code,dataset,metric,mean,std\nTabDDPM,AD,adult,f1,0.795,0.001\n",
                                       table: "table4_y")
        #expect(long.count == 1 && long[0].metric == "f1" && long[0].std == 0.001)
        #expect(long[0].matches(key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1"))
        #expect(!long[0].matches(key: ["model": "TVAE"], metric: "f1"))
        let noStd = PaperTables.numbers(csv: "model,dataset_code,dataset,dcr_mean\nSMOTE,AB,abalone,0.018\n", table: "table5_dcr")
        #expect(noStd[0].printed == "0.018" && noStd[0].std == nil && noStd[0].metric == "dcr")
    }

    @Test func computeAudit() throws {
        let paper = PaperTables.numbers(csv: """
            model,dataset_code,dataset,metric,mean,std
            TabDDPM,AD,adult,f1,0.795,0.001
            TabDDPM,KI,king,r2,0.833,0.003
            TVAE,AD,adult,f1,0.781,0.002
            TVAE,KI,king,r2,0.824,0.003
            """, table: "table4_ml_efficiency_catboost")
        let gp = PaperTables.numbers(csv: "model,auroc_mean,auroc_std\nGP-VAE,0.730,0.006\n", table: "table2_physionet_auroc")
        let claims = Claim.parse("- C3.1 TabDDPM wins.\n- C3.2 SMOTE competes.\n- C1.1 GP-VAE imputes.\n- T.1 D* formula.")
        #expect(claims.map(\.chapter) == ["3-tabddpm", "3-tabddpm", "1-gpvae", "talk"])
        let runJSON = """
        {"chapter": "3-tabddpm",
         "numbers": [
          {"paperTable": "table4_ml_efficiency_catboost", "key": {"model": "TabDDPM", "dataset_code": "AD"}, "metric": "f1",
           "mean": 0.79, "std": 0.003, "n": 50, "nCovers": "5 × 10", "tolerance": {"absolute": 0.02, "rule": "r"}},
          {"paperTable": "table4_ml_efficiency_catboost", "key": {"model": "TabDDPM", "dataset_code": "KI"}, "metric": "r2",
           "mean": 0.80, "std": 0.01, "dataNote": "stand-in data: Ames for king"},
          {"paperTable": "table4_ml_efficiency_catboost", "key": {"model": "Nope"}, "metric": "f1", "mean": 0.5}
         ],
         "notAttempted": [{"paperTable": "table4_ml_efficiency_catboost", "key": {"model": "TVAE", "dataset_code": "AD"}, "reason": "no TVAE port"}],
         "claims": [{"id": "C3.1", "verdict": "reproduced", "evidence": "4 of 5"}]}
        """
        let run = try JSONDecoder().decode(RunResults.self, from: Data(runJSON.utf8))
        let audit = try Audit.compute(paper: paper + gp, claims: claims, runs: ["3-tabddpm": run], ranChapters: ["3-tabddpm"])
        #expect(audit.numbers.map(\.verdict) == [.reproduced, .differentData, .notAttempted, .notAttempted, .notReproducedYet])
        #expect(audit.numbers[0].ours == "0.790 ± 0.003")
        #expect(abs(audit.numbers[0].delta! - (-0.005)) < 1e-12)
        #expect(audit.numbers[2].reason == "no TVAE port")
        #expect(audit.numbers[3].reason == "no result and no reason given by the 3-tabddpm run")
        #expect(audit.numbers[4].reason?.contains("make chapter1") == true)
        #expect(audit.unmatched.count == 1 && audit.unmatched[0].contains("model=Nope"))
        #expect(audit.claims.map(\.verdict) == [.reproduced, .notReproducedYet, .notReproducedYet, .notReproducedYet])
        #expect(audit.summary.numbers["not attempted"] == 2 && audit.summary.numbers["reproduced"] == 1)
        #expect(audit.summary.claims["not reproduced yet"] == 3)
        let json = String(data: try audit.json(), encoding: .utf8)!
        #expect(json.contains("\"verdict\" : \"different data/metric\""))
        let html = audit.html()
        #expect(html.contains("0.795 ± 0.001") && html.contains("n = 50: 5 × 10") && html.contains("−0.005"))
    }

    @Test func typedClaimVerdictMustBeKnown() throws {
        let run = try JSONDecoder().decode(RunResults.self, from: Data(#"{"claims": [{"id": "C3.1", "verdict": "sort of"}]}"#.utf8))
        #expect(throws: ReportError.self) {
            try Audit.compute(paper: [], claims: Claim.parse("- C3.1 x"), runs: ["3-tabddpm": run], ranChapters: ["3-tabddpm"])
        }
    }
}

@Suite struct DiffTests {
    func write(_ dir: URL, _ files: [String: String]) throws {
        for (name, text) in files {
            let u = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: u, atomically: true, encoding: .utf8)
        }
    }

    @Test func diffFlagsChangesBeyondTolerance() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("report-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("a"), b = base.appendingPathComponent("b")
        func results(_ f1: Double, _ r2: Double) -> String {
            """
            {"numbers": [
              {"paperTable": "t4", "key": {"model": "TabDDPM"}, "metric": "f1", "mean": \(f1), "tolerance": {"absolute": 0.02}},
              {"paperTable": "t4", "key": {"model": "TabDDPM"}, "metric": "r2", "mean": \(r2), "tolerance": {"absolute": 0.02}}]}
            """
        }
        try write(a, ["results.json": results(0.79, 0.80), "manifest.json": #"{"configHash": "aaa"}"#,
                      "tables/ml.json": #"{"columns": ["model", "f1"], "rows": [["TabDDPM", 0.79], ["TVAE", 0.70]]}"#])
        try write(b, ["results.json": results(0.78, 0.70), "manifest.json": #"{"configHash": "bbb"}"#,
                      "tables/ml.json": #"{"columns": ["model", "f1"], "rows": [["TabDDPM", 0.79], ["TVAE", "0.75 ± 0.01"]]}"#])
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
