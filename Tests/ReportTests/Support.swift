import Artifacts
import Foundation

/// A fresh, empty directory under the system temporary directory for one test; remove it with `defer`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes text files below `directory`, creating folders.
func write(_ files: [String: String], under directory: URL) throws {
    for (name, text) in files {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}

/// A complete manifest with fixed facts.
func sampleManifest(chapter: String, profile: String = "smoke", configHash: String = "abcdef0123456789",
                    seeds: [String: [UInt64]] = ["train": [0]]) -> Manifest {
    Manifest(chapter: chapter, profile: profile, started: "2026-01-02T03:04:05Z", wallSeconds: 12.5,
             git: .init(commit: "0123456789abcdef", dirty: false), swift: "6.3.1", os: "Debian GNU/Linux 13",
             cpu: "test cpu (2 cores)", blas: .init(core: "Haswell", threads: 2), kitVersion: "0.1.0",
             config: .object(["steps": .integer(20)]), configHash: configHash, seeds: seeds,
             inputs: [.init(path: "data/x.csv", sha256: String(repeating: "a", count: 64))],
             steps: [.init(name: "train", seconds: 1.25)], deviations: ["smoke budget"])
}
