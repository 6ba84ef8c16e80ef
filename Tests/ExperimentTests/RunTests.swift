import Artifacts
import Foundation
import Testing
@testable import Experiment

private struct Config: Encodable {
    var name = "tabddpm"
    var steps = 3000
    var lr = 0.001
    var batch = [256]
    var flag = true
}

private let fixedEnvironment = RunEnvironment(
    git: .init(commit: "abc123", dirty: false), swift: "6.3.1", os: "Debian GNU/Linux 12", cpu: "Test CPU")

@Test func finishWritesManifestWithEveryContractField() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let data = root.appendingPathComponent("data/abc.csv")
    try AtomicFile.write("abc", to: data)

    let run = try ExperimentRun(chapter: "3-tabddpm", profile: .smoke, config: Config(), seeds: ["train": [0]],
                                blas: .init(core: "Haswell", threads: 2), root: root,
                                environment: fixedEnvironment, log: { _ in })
    let digest = try run.recordInput(data)
    #expect(digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let value = run.step("train-tabddpm-adult") { () -> Int in
        Thread.sleep(forTimeInterval: 0.05)
        return 7
    }
    #expect(value == 7)
    run.step("evaluate") {}
    run.recordSeeds([0, 1, 2], for: "sample")
    run.recordDeviation("steps 20 instead of 30000")
    run.recordDeviation("steps 20 instead of 30000")
    let manifest = try run.finish()

    let url = root.appendingPathComponent("reports/runs/3-tabddpm/manifest.json")
    let json = try jsonObject(at: url)
    #expect(Set(json.keys) == [
        "chapter", "profile", "started", "wallSeconds", "git", "swift", "os", "cpu", "blas", "kitVersion", "config",
        "configHash", "seeds", "inputs", "steps", "deviations",
    ])
    #expect(json["chapter"] as? String == "3-tabddpm")
    #expect(json["profile"] as? String == "smoke")
    #expect((json["started"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#,
                                                  options: .regularExpression) != nil)
    let git = json["git"] as? [String: Any] ?? [:]
    #expect(git["commit"] as? String == "abc123")
    #expect(git["dirty"] as? Bool == false)
    let blas = json["blas"] as? [String: Any] ?? [:]
    #expect(blas["core"] as? String == "Haswell")
    #expect(blas["threads"] as? Int == 2)
    #expect(json["kitVersion"] as? String == kitVersion)
    #expect(json["configHash"] as? String == "bbcf5c512e929bc4bacf577992d0b57492ee8965a9d30e9e067869e54f070fd7")
    #expect((json["config"] as? [String: Any])?["steps"] as? Int == 3000)
    #expect(json["seeds"] as? [String: [Int]] == ["train": [0], "sample": [0, 1, 2]])
    #expect(json["inputs"] as? [[String: String]] == [["path": "data/abc.csv", "sha256": digest]])
    #expect(json["deviations"] as? [String] == ["steps 20 instead of 30000"])

    let steps = json["steps"] as? [[String: Any]] ?? []
    #expect(steps.map { $0["name"] as? String } == ["train-tabddpm-adult", "evaluate"])
    let trainSeconds = steps.first?["seconds"] as? Double ?? 0
    #expect(trainSeconds >= 0.05 && trainSeconds < 5)
    #expect((json["wallSeconds"] as? Double ?? 0) >= trainSeconds)

    let decoded = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
    #expect(decoded.steps.map(\.name) == manifest.steps.map(\.name))
    #expect(decoded.config == manifest.config)
}

@Test func stepTimeIsRecordedWhenTheStepThrows() throws {
    struct Failure: Error {}
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try ExperimentRun(chapter: "talk", profile: .default, config: [String: Int](),
                                root: root, environment: fixedEnvironment, log: { _ in })
    #expect(throws: Failure.self) { try run.step("explode") { throw Failure() } }
    #expect(run.manifest().steps.map(\.name) == ["explode"])
}

@Test func asyncStepsAreTimed() async throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try ExperimentRun(chapter: "talk", profile: .default, config: [String: Int](),
                                root: root, environment: fixedEnvironment, log: { _ in })
    let value = try await run.step("sleep") { () async throws -> Int in
        try await Task.sleep(for: .milliseconds(20))
        return 3
    }
    #expect(value == 3)
    #expect((run.manifest().steps.first?.seconds ?? 0) >= 0.02)
}

@Test func resultsJSONMatchesTheContract() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try ExperimentRun(chapter: "3-tabddpm", profile: .paper, config: Config(), root: root,
                                environment: fixedEnvironment, log: { _ in })
    run.record(ReproducedNumber(
        paperTable: "table4_ml_efficiency_catboost", key: ["model": "TabDDPM", "dataset_code": "AD"],
        metric: "f1", values: [0.79, 0.80, 0.81], nCovers: "3 evaluator seeds, one trained model",
        tolerance: .absolute(0.02), deviation: "3,000 steps instead of 30,000"))
    run.record(ClaimVerdict(id: "C3.1", verdict: "reproduced", evidence: "TabDDPM beats TVAE on 4 of 5"))
    run.record(NotAttempted(paperTable: "table5_dcr", key: ["model": "TVAE"], reason: "no TVAE baseline"))
    try run.write(ResultTable(id: "dcr", caption: "DCR", columns: [.init("x")], rows: [["1"]]))
    try run.finish()

    let directory = root.appendingPathComponent("reports/runs/3-tabddpm")
    #expect(try contents(of: directory) == ["manifest.json", "results.json", "tables"])
    #expect(try contents(of: directory.appendingPathComponent("tables")) == ["dcr.json", "dcr.md"])
    let json = try jsonObject(at: directory.appendingPathComponent("results.json"))
    #expect(Set(json.keys) == ["chapter", "numbers", "claims", "notAttempted"])
    let number = (json["numbers"] as? [[String: Any]])?.first ?? [:]
    #expect(Set(number.keys) == ["paperTable", "key", "metric", "mean", "std", "n", "nCovers", "tolerance",
                                 "dataNote", "deviation"])
    #expect(number["dataNote"] is NSNull)
    #expect(number["n"] as? Int == 3)
    let tolerance = number["tolerance"] as? [String: Any] ?? [:]
    #expect(tolerance["rule"] as? String == "|Δ| ≤ 0.02, declared before the run")
    // Full precision in the text (JSONSerialization on Linux parses the last digit inexactly, so read the text).
    let text = try String(contentsOf: directory.appendingPathComponent("results.json"), encoding: .utf8)
    #expect(text.contains(#""mean": 0.8000000000000002,"#))
    #expect(text.contains(#""std": 0.010000000000000009"#))
    #expect(text.contains(#""absolute": 0.02,"#))
    #expect(json["claims"] as? [[String: String]]
        == [["id": "C3.1", "verdict": "reproduced", "evidence": "TabDDPM beats TVAE on 4 of 5"]])
    #expect((json["notAttempted"] as? [[String: Any]])?.first?["reason"] as? String == "no TVAE baseline")

    let decoded = try JSONDecoder().decode(Results.self, from: Data(contentsOf: directory.appendingPathComponent("results.json")))
    #expect(decoded.numbers.first?.deviation == "3,000 steps instead of 30,000")
    #expect(decoded.numbers.first?.dataNote == nil)
    #expect(decoded.numbers.first?.mean == 0.8000000000000002)
    #expect(decoded.numbers.first?.std == 0.010000000000000009)
    #expect(decoded.numbers.first?.tolerance == .absolute(0.02))
}

@Test func environmentProbesThisMachine() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let environment = RunEnvironment.current(directory: repository)
    #expect(environment.swift.hasPrefix("6.") || environment.swift.hasPrefix(">="))
    #expect(!environment.os.isEmpty)
    #expect(!environment.cpu.isEmpty)
    if FileManager.default.fileExists(atPath: repository.appendingPathComponent(".git").path) {
        #expect(environment.git.commit.count == 40)
        #expect(environment.git.dirty != nil)
    }
    let empty = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: empty) }
    let outside = RunEnvironment.gitState(in: empty)
    #expect(outside == Manifest.GitState(commit: "unknown", dirty: nil))
}

@Test func osReleaseAndCPUInfoAreParsed() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let osRelease = directory.appendingPathComponent("os-release")
    try AtomicFile.write("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n", to: osRelease)
    #expect(RunEnvironment.operatingSystem(osRelease: osRelease) == "Debian GNU/Linux 12 (bookworm)")
    let cpuinfo = directory.appendingPathComponent("cpuinfo")
    try AtomicFile.write("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: avx2\n", to: cpuinfo)
    #expect(RunEnvironment.cpuModel(cpuinfo: cpuinfo).hasPrefix("AMD EPYC 7B13 ("))
    #expect(RunEnvironment.cpuModel(cpuinfo: directory.appendingPathComponent("missing")) == "unknown")
}

@Test func gitStateReadsCommitAndDirtyFlag() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    guard RunEnvironment.runTool(["git", "init", "-q"], in: directory) != nil else { return }  // no git here
    try AtomicFile.write("x", to: directory.appendingPathComponent("a.txt"))
    _ = RunEnvironment.runTool(git + ["add", "a.txt"], in: directory)
    _ = RunEnvironment.runTool(git + ["commit", "-q", "-m", "first"], in: directory)
    let clean = RunEnvironment.gitState(in: directory)
    #expect(clean.commit.count == 40)
    #expect(clean.commit.allSatisfy { $0.isHexDigit })
    #expect(clean.dirty == false)
    try AtomicFile.write("y", to: directory.appendingPathComponent("a.txt"))
    #expect(RunEnvironment.gitState(in: directory) == Manifest.GitState(commit: clean.commit, dirty: true))
}
