import Artifacts
import Datasets
import Foundation
import Testing
@testable import Experiment

@Test func aCatalogTableIsRecordedWhereItIsWithTheCheckedDigests() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let csv = "x,y\n1,2\n3,4\n"
    let schema = #"{"columns": [{"name": "x", "kind": "numeric"}, {"name": "y", "kind": "numeric"}], "target": null, "task": null}"#
    try AtomicFile.write(csv, to: root.appendingPathComponent(".cache/data/toy/toy.csv"))
    try AtomicFile.write(schema, to: root.appendingPathComponent(".cache/data/toy/schema.json"))
    let (csvHash, schemaHash) = (SHA256Hex.digest(of: csv), SHA256Hex.digest(of: schema))
    try AtomicFile.write("""
        {"datasets": [{"name": "toy", "description": "d", "standIn": null, "registry": "pypi", "package": "p",
          "version": "1", "notes": [], "output": {"csv": "toy.csv", "sha256": "\(csvHash)",
          "schemaSHA256": "\(schemaHash)", "rows": 2}}]}
        """, to: root.appendingPathComponent("data/sources.json"))

    let run = try ExperimentRun(chapter: "talk", profile: .smoke, config: ["a": 1], root: root,
                                environment: .init(git: .init(commit: "c", dirty: nil), swift: "s", os: "o", cpu: "c"),
                                log: { _ in })
    let loaded = try run.catalogTable(named: "toy")
    #expect(loaded.table.rowCount == 2)
    #expect(loaded.inputHash == SHA256Hex.digest(of: csvHash + "\n" + schemaHash))
    #expect(run.manifest().inputs == [
        Manifest.InputFile(path: ".cache/data/toy/schema.json", sha256: schemaHash),
        Manifest.InputFile(path: ".cache/data/toy/toy.csv", sha256: csvHash),
    ])
}
