import Artifacts
import Foundation
import Testing
@testable import Experiment

private let environment = RunEnvironment(
    git: .init(commit: "abc123", dirty: false), swift: "6.3.1", os: "Test OS", cpu: "Test CPU")

/// The bytes of `results.json` and `manifest.json` (timings removed) of a run that records `entries` in `order`.
private func outputs(order: [Int], inputs: [String]) throws -> (results: Data, manifest: String) {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let input = root.appendingPathComponent("data")
    for name in ["b.csv", "a.csv"] { try AtomicFile.write(name, to: input.appendingPathComponent(name)) }
    let run = try ExperimentRun(chapter: "3-tabddpm", profile: .smoke, config: ["steps": 3], root: root,
                                environment: environment, codeVersion: "v", log: { _ in })
    let numbers = [
        ReproducedNumber(paperTable: "t4", key: ["model": "TVAE", "dataset_code": "AD"], metric: "f1", mean: 0.7,
                         std: 0, n: 1, nCovers: "1", tolerance: .absolute(0.02)),
        ReproducedNumber(paperTable: "t4", key: ["model": "TabDDPM", "dataset_code": "AD"], metric: "f1", mean: 0.8,
                         std: 0, n: 1, nCovers: "1", tolerance: .absolute(0.02)),
        ReproducedNumber(paperTable: "t5", key: ["model": "TVAE", "dataset_code": "AD"], metric: "dcr", mean: 0.1,
                         std: 0, n: 1, nCovers: "1", tolerance: .absolute(0.05)),
    ]
    let skipped = ["AB", "BU", "CA", "CH"].map { NotAttempted(paperTable: "t4", key: ["dataset_code": $0], reason: "no data") }
    let claims = [ClaimVerdict(id: "C3.2", verdict: "reproduced", evidence: "e"),
                  ClaimVerdict(id: "C3.1", verdict: "not reproduced", evidence: "e")]
    for index in order {
        run.record(numbers[index % numbers.count])
        run.record(skipped[index % skipped.count])
        run.record(claims[index % claims.count])
    }
    for name in inputs {
        try run.recordInput(input.appendingPathComponent(name))
    }
    try run.finish()
    let directory = root.appendingPathComponent("reports/runs/3-tabddpm")
    let manifest = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
        .split(separator: "\n").filter { !$0.contains("\"started\"") && !$0.contains("\"wallSeconds\"") }
        .joined(separator: "\n")
    return (try Data(contentsOf: directory.appendingPathComponent("results.json")), manifest)
}

@Test func writtenFilesDoNotDependOnTheOrderThingsWereRecorded() throws {
    let first = try outputs(order: [0, 1, 2, 3], inputs: ["a.csv", "b.csv"])
    let second = try outputs(order: [3, 1, 2, 0], inputs: ["b.csv", "a.csv"])
    #expect(first.results == second.results)
    #expect(first.manifest == second.manifest)
    let results = try JSONDecoder().decode(Results.self, from: first.results)
    #expect(results.notAttempted.map { $0.key["dataset_code"] } == ["AB", "BU", "CA", "CH"])
    #expect(results.claims.map(\.id) == ["C3.1", "C3.1", "C3.2", "C3.2"])
    #expect(results.numbers.map { "\($0.paperTable) \($0.key["model"]!)" } == ["t4 TVAE", "t4 TVAE", "t4 TabDDPM", "t5 TVAE"])
    #expect(first.manifest.range(of: "data/a.csv")!.lowerBound < first.manifest.range(of: "data/b.csv")!.lowerBound)
}
