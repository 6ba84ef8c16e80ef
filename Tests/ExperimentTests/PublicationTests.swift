import Artifacts
import Foundation
import Testing
@testable import Experiment

private let environment = RunEnvironment(
    git: .init(commit: "abc123", dirty: false), swift: "6.3.1", os: "Test OS", cpu: "Test CPU")

private func startRun(_ root: URL, chapter: String = "talk") throws -> ExperimentRun {
    try ExperimentRun(chapter: chapter, profile: .smoke, config: ["steps": 3], root: root, environment: environment,
                      codeVersion: "code-v1", log: { _ in })
}

/// A finished run that wrote one table and one figure file, each holding `text`.
private func completeRun(_ root: URL, writing text: String) throws {
    let run = try startRun(root)
    try run.write(ResultTable(id: "scores", caption: "Scores", columns: [.init("x")], rows: [[.text(text)]]))
    try AtomicFile.write(text, to: run.figuresDirectory.appendingPathComponent("plot.svg"))
    try run.finish()
}

/// Every file under `root` with its contents, for before/after comparisons.
private func snapshot(_ root: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let url = root.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[path] = try Data(contentsOf: url)
        }
    }
    return files
}

private func published(_ root: URL) throws -> [String: Data] {
    try snapshot(root.appendingPathComponent("reports/runs/talk"))
        .merging(snapshot(root.appendingPathComponent("figures/talk")).mapKeys { "figures/" + $0 }) { a, _ in a }
}

extension Dictionary {
    fileprivate func mapKeys(_ transform: (Key) -> Key) -> Self {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}

@Test func aRunPublishesTablesFiguresAndManifestTogether() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try startRun(root)
    try run.write(ResultTable(id: "scores", caption: "Scores", columns: [.init("x")], rows: [["1"]]))
    try AtomicFile.write("<svg/>", to: run.figuresDirectory.appendingPathComponent("plot.svg"))
    // Nothing is visible until the run finishes.
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/runs/talk").path))
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("figures/talk").path))
    let manifest = try run.finish()
    #expect(manifest.codeVersion == "code-v1")
    #expect(try contents(of: root.appendingPathComponent("reports/runs/talk")) == ["manifest.json", "results.json", "tables"])
    #expect(try contents(of: root.appendingPathComponent("figures/talk")) == ["plot.svg"])
    #expect(try contents(of: root.appendingPathComponent("figures")) == ["talk"])
    #expect(try contents(of: root.appendingPathComponent("reports/runs")) == ["talk"])
    let json = try jsonObject(at: root.appendingPathComponent("reports/runs/talk/manifest.json"))
    #expect(json["codeVersion"] as? String == "code-v1")
}

@Test func aRunThatDoesNotFinishLeavesThePreviousRunIntact() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try completeRun(root, writing: "old")
    let before = try published(root)
    #expect(before["tables/scores.md"] != nil && before["figures/plot.svg"] == Data("old".utf8))
    do {
        let run = try startRun(root)
        try run.write(ResultTable(id: "scores", caption: "Scores", columns: [.init("x")], rows: [["new"]]))
        try AtomicFile.write("new", to: run.figuresDirectory.appendingPathComponent("other.svg"))
        // The run fails here (it is released without finishing).
    }
    #expect(try published(root) == before)
    #expect(try contents(of: root.appendingPathComponent("reports/runs")) == ["talk"])
    #expect(try contents(of: root.appendingPathComponent("figures")) == ["talk"])
}

@Test func aFailedFirstRunLeavesNoOutputFolders() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    do { _ = try startRun(root) }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("reports").path))
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("figures").path))
}

@Test func whatAKilledRunLeftIsRemovedByTheNextRun() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try completeRun(root, writing: "old")
    let before = try published(root)
    // A killed run: staged folders, and an interrupted atomic write in the published folder and in the cache.
    let leftovers = ["reports/runs/.talk.staging/tables/scores.md", "figures/.talk.staging/plot.svg",
                     "reports/runs/talk/tables/.scores.md.1234.tmp", ".cache/talk/.abc.json.5678.tmp"]
    for path in leftovers { try AtomicFile.write("partial", to: root.appendingPathComponent(path)) }
    let run = try startRun(root)
    for path in leftovers {
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path), "\(path)")
    }
    #expect(try published(root) == before)
    _ = run
}

@Test func aPublicationInterruptedByAKillIsCompletedByTheNextRun() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try completeRun(root, writing: "old")
    // Killed after the run folder was swapped in but before the figures were: the marker is still there.
    try completeRunStaged(root, writing: "new")
    let runs = root.appendingPathComponent("reports/runs")
    try FileManager.default.moveItem(at: runs.appendingPathComponent("talk"), to: runs.appendingPathComponent(".talk.retired"))
    try FileManager.default.moveItem(at: runs.appendingPathComponent(".talk.staging"), to: runs.appendingPathComponent("talk"))
    try AtomicFile.write("", to: runs.appendingPathComponent(".talk.publishing"))

    _ = try startRun(root)
    let after = try published(root)
    #expect(after["figures/plot.svg"] == Data("new".utf8))
    #expect(String(decoding: after["tables/scores.md"] ?? Data(), as: UTF8.self).contains("new"))
    #expect(try contents(of: runs) == ["talk"])
    #expect(try contents(of: root.appendingPathComponent("figures")) == ["talk"])
}

/// Stages a complete run (tables, figure, results, manifest) as `finish()` would, without publishing it.
private func completeRunStaged(_ root: URL, writing text: String) throws {
    let run = try startRun(root)
    try run.write(ResultTable(id: "scores", caption: "Scores", columns: [.init("x")], rows: [[.text(text)]]))
    try AtomicFile.write(text, to: run.figuresDirectory.appendingPathComponent("plot.svg"))
    try run.sortedResults().write(to: run.runDirectory.appendingPathComponent("results.json"))
    try run.manifest().write(to: run.runDirectory.appendingPathComponent("manifest.json"))
    // Keep the staged folders as a kill would: copy them aside before the run is released, and back after.
    let keep = root.appendingPathComponent("keep")
    try FileManager.default.createDirectory(at: keep, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: run.runDirectory, to: keep.appendingPathComponent("run"))
    try FileManager.default.copyItem(at: run.figuresDirectory, to: keep.appendingPathComponent("figures"))
    let (runStaging, figureStaging) = (run.runDirectory, run.figuresDirectory)
    _ = consume run
    try FileManager.default.moveItem(at: keep.appendingPathComponent("run"), to: runStaging)
    try FileManager.default.moveItem(at: keep.appendingPathComponent("figures"), to: figureStaging)
    try FileManager.default.removeItem(at: keep)
}

@Test func unwritableOutputsAreFoundBeforeTheRunStarts() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try AtomicFile.write("not a folder", to: root.appendingPathComponent("figures"))
    do {
        _ = try startRun(root)
        Issue.record("expected an error")
    } catch let error as KitError {
        #expect(error.description.contains("\(root.path)/figures"))
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("reports").path))
}

@Test func twoRunsOfOneChapterCannotOverlap() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let first = try startRun(root)
    #expect(throws: KitError.self) { _ = try startRun(root) }
    _ = try startRun(root, chapter: "other")  // another chapter may run beside it
    try first.finish()
    _ = try startRun(root)  // the lock is released when a run finishes
}
