import Artifacts
import Experiment
import Foundation
import Testing
@testable import Report

/// The two sides of docs/artifacts.md: a run written through Experiment, exactly as a chapter program writes it,
/// is read back by the report with the same types and nothing lost.
@Suite struct ContractTests {
    struct Config: Encodable {
        var steps = 20
        var models = ["TabDDPM", "TVAE"]
    }

    @Test func aRunWrittenByExperimentIsReadByTheReport() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("data/abc.csv")
        try AtomicFile.write("abc", to: input)

        let run = try ExperimentRun(
            chapter: "3-tabddpm", profile: .smoke, config: Config(), seeds: ["train": [0], "sample": [0, 1, 2]],
            blas: .init(core: "Haswell", threads: 2), root: root,
            environment: RunEnvironment(git: .init(commit: "abc123", dirty: nil), swift: "6.3.1", os: "Debian",
                                        cpu: "Test CPU"),
            log: { _ in })
        try run.recordInput(input)
        run.step("train") {}
        run.recordDeviation("20 steps instead of 30,000")
        let number = ReproducedNumber(paperTable: "table4_ml_efficiency_catboost",
                                      key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1",
                                      values: [0.70, 0.72, 0.74], nCovers: "3 evaluator seeds",
                                      tolerance: .absolute(0.02), deviation: "smoke budget")
        run.record(number)
        run.record(ClaimVerdict(id: "C3.1", verdict: "not reproduced", evidence: "smoke run"))
        run.record(NotAttempted(paperTable: "table5_dcr", key: ["model": "TVAE"], reason: "no time"))
        let table = ResultTable(id: "ml-efficiency", caption: "ML efficiency <F1>",
                                columns: [.init("model"), .init("adult", ranking: .higherIsBetter)],
                                rows: [["TabDDPM", .value(Summary(of: [0.70, 0.72, 0.74]))],
                                       ["TVAE", .compared(ours: Summary(mean: 0.6, std: 0.01, n: 3),
                                                          paper: Summary(mean: 0.781, std: 0.002))]])
        try run.write(table)
        let manifest = try run.finish()

        let assets = FileAssets(root: root)
        #expect(try assets.manifest("3-tabddpm") == manifest)
        #expect(assets.profile(chapter: "3-tabddpm") == "smoke")
        let results = try #require(try assets.results("3-tabddpm"))
        #expect(results == Results(chapter: "3-tabddpm", numbers: [number],
                                   claims: [ClaimVerdict(id: "C3.1", verdict: "not reproduced", evidence: "smoke run")],
                                   notAttempted: [NotAttempted(paperTable: "table5_dcr", key: ["model": "TVAE"],
                                                               reason: "no time")]))
        #expect(results.numbers[0].std > 0.0199 && results.numbers[0].std < 0.0201)
        let asset = try #require(assets.table(chapter: "3-tabddpm", id: "ml-efficiency"))
        #expect(asset.caption == "ML efficiency <F1>")
        #expect(try ResultTable.read(from: assets.runDirectory("3-tabddpm")
            .appendingPathComponent("tables/ml-efficiency.json")) == table)
    }

    @Test func aResultsFileThatBreaksTheContractNamesFileAndField() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // The report's old private copy of the schema accepted a string std and a missing tolerance.
        try write(["reports/runs/3-tabddpm/results.json": """
            {"chapter": "3-tabddpm", "numbers": [{"paperTable": "t", "key": {"model": "x"}, "metric": "f1",
             "mean": 0.5, "std": "0.1", "n": 1, "nCovers": "1", "tolerance": {"absolute": 0.02, "rule": "r"}}]}
            """], under: root)
        #expect {
            try FileAssets(root: root).results("3-tabddpm")
        } throws: { error in
            guard let error = error as? ReportError else { return false }
            return error.file == "reports/runs/3-tabddpm/results.json"
                && error.message.hasPrefix("does not follow docs/artifacts.md: numbers.Index 0.std")
        }
    }
}
