import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The chapter frame as a user meets it: bad options are refused before anything is written, a run publishes all
/// of its outputs or none, a cache entry edited by hand is recomputed, and two runs write the same bytes.
final class RunSafetyTests: Chapter3TestCase {
    /// A catalog in the temporary root whose `diabetes` entry is the toy table (the catalog checks only the hashes
    /// its manifest records), for a catalog run without the real data.
    func catalogRunArguments() throws -> [String] {
        let csv = try Data(contentsOf: writeToyCSV())
        let rows = csv.filter { $0 == UInt8(ascii: "\n") }.count - 1
        let schema = Data(#"{"columns": [{"name": "x1", "kind": "numeric"}, {"name": "x2", "kind": "numeric"}, {"name": "c", "kind": "categorical"}, {"name": "y", "kind": "categorical"}], "target": "y", "task": "binclass"}"#.utf8)
        let folder = root.appendingPathComponent(".cache/data/diabetes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try csv.write(to: folder.appendingPathComponent("diabetes.csv"))
        try schema.write(to: folder.appendingPathComponent("schema.json"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try """
        {"datasets": [{"name": "diabetes", "description": "toy", "standIn": null, "registry": "pypi", "package": "p",
          "version": "1", "notes": [], "output": {"csv": "diabetes.csv", "sha256": "\(sha256(csv))",
          "schemaSHA256": "\(sha256(schema))", "rows": \(rows)}}]}
        """.write(to: root.appendingPathComponent("data/sources.json"), atomically: true, encoding: .utf8)
        // The paper's numbers, which the tables and figures are set beside.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try FileManager.default.copyItem(at: package.appendingPathComponent("paper"), to: root.appendingPathComponent("paper"))
        return ["--profile", "smoke", "--datasets", "diabetes", "--models", "smote,real"]
    }

    func sha256(_ data: Data) throws -> String {
        let file = root.appendingPathComponent("hash-input")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }

    /// A quick own-table run: no training, just SMOTE and the real data.
    func ownRunArguments() throws -> [String] {
        ["--profile", "smoke", "--csv", try writeToyCSV().path, "--models", "smote,real"]
    }

    /// A previous run's published outputs (stand-ins: only their bytes matter here).
    func writePreviousRun(chapter: String) throws -> [String: Data] {
        let files = ["reports/runs/\(chapter)/manifest.json": "{\"previous\": true}\n",
                     "reports/runs/\(chapter)/results.json": "{\"chapter\": \"\(chapter)\"}\n",
                     "reports/runs/\(chapter)/tables/ml-efficiency.md": "| previous |\n",
                     "figures/\(chapter)/feature-distributions.svg": "<svg>previous</svg>\n"]
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return try snapshot(root)
    }

    func testBadOptionsAreRefusedBeforeAnythingIsWritten() throws {
        _ = try writePreviousRun(chapter: "3-tabddpm")
        try assertRefused(["--models", ""], mentioning: ["--models", "empty"])
        try assertRefused(["--datasets", ""], mentioning: ["--datasets", "empty"])
        try assertRefused(["--datasets", "diabetes,diabetes"], mentioning: ["--datasets", "'diabetes' is listed twice"])
        try assertRefused(["--datasets", "diabetes,,adult"], mentioning: ["--datasets", "empty name"])
        try assertRefused(["--benchmark-steps=-5", "--datasets", "diabetes"], mentioning: ["--benchmark-steps", "at least 1"])
        try assertRefused(["--threads", "0"], mentioning: ["--threads", "at least 1"])
        try assertRefused(["--profile", "fast"], mentioning: ["--profile", "'smoke', 'default' or 'paper'"])
    }

    func testARootThatIsNotADirectoryIsRefused() throws {
        let missing = root.appendingPathComponent("nonexistent/x")
        try assertRefused([], root: missing.path, mentioning: ["--root", "no such directory", missing.path])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("nonexistent").path))
        try assertRefused([], root: "/dev/null", mentioning: ["--root", "not a directory", "/dev/null"])
        let file = root.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        try assertRefused([], root: file.path, mentioning: ["--root", "not a directory"])
    }

    func testUnwritableOutputsAreFoundBeforeAnyWork() throws {
        let arguments = try ownRunArguments()
        try "not a folder".write(to: root.appendingPathComponent("figures"), atomically: true, encoding: .utf8)
        let result = try run(arguments)
        XCTAssertNotEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains(root.appendingPathComponent("figures").path), result.stderr)
        XCTAssertFalse(result.stderr.contains("▶ 3-tabddpm-own cells"), "started work: \(result.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("reports").path))
    }

    /// Killed between the tables and figures steps, a run leaves the previous run's outputs exactly as they were;
    /// the next run cleans up after it and publishes a complete run.
    func testAKilledRunLeavesThePreviousRunIntact() throws {
        let arguments = try ownRunArguments()
        let previous = try writePreviousRun(chapter: "3-tabddpm-own")
        let (process, pipe) = process(arguments)
        try process.run()
        var log = ""
        while !log.contains("▶ 3-tabddpm-own figures") {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            log += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal else {
            throw XCTSkip("the run finished before it could be killed: \(log)")
        }
        XCTAssertTrue(log.contains("✓ 3-tabddpm-own tables"), log)
        let published = try snapshot(root).filter { $0.key.hasPrefix("reports/runs/3-tabddpm-own/") || $0.key.hasPrefix("figures/3-tabddpm-own/") }
        XCTAssertEqual(published, previous.filter { $0.key.hasPrefix("reports/") || $0.key.hasPrefix("figures/") })

        let result = try run(arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let after = try snapshot(root)
        XCTAssertNotEqual(after["reports/runs/3-tabddpm-own/manifest.json"], previous["reports/runs/3-tabddpm-own/manifest.json"])
        XCTAssertNil(after["figures/3-tabddpm-own/feature-distributions.svg"].flatMap {
            String(decoding: $0, as: UTF8.self).contains("previous") ? $0 : nil
        }, "the previous run's figure survived beside the new manifest")
        XCTAssertTrue(after.keys.contains("reports/runs/3-tabddpm-own/tables/ml-efficiency.md"))
        let leftovers = after.keys.filter { $0.contains(".staging") || $0.contains(".retired") || $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    /// A cached cell whose scores were edited (still valid JSON) is recomputed, not published; and a second run
    /// writes the same bytes as the first (timings aside).
    func testAnEditedCacheEntryIsRecomputedAndRunsWriteTheSameBytes() throws {
        let arguments = try catalogRunArguments()
        let first = try run(arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        let outputs = root.appendingPathComponent("reports/runs/3-tabddpm")
        let firstRun = try snapshot(outputs)
        XCTAssertTrue(String(decoding: firstRun["results.json"] ?? Data(), as: UTF8.self).contains("\"notAttempted\": [\n    {"))
        let firstFigures = try snapshot(root.appendingPathComponent("figures/3-tabddpm"))

        let cache = root.appendingPathComponent(".cache/3-tabddpm")
        var edited = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: cache.path) where name.hasSuffix(".json") {
            let url = cache.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let range = text.range(of: #""scores":\[\[[-0-9.eE+]+"#, options: .regularExpression) else { continue }
            try text.replacingCharacters(in: range, with: #""scores":[[0.123456"#).write(to: url, atomically: true, encoding: .utf8)
            edited += 1
        }
        XCTAssertEqual(edited, 2, "expected the SMOTE and real cells in the cache")

        let second = try run(arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("does not match its checksum"), second.stderr)
        let secondRun = try snapshot(outputs)
        XCTAssertFalse(String(decoding: secondRun["tables/ml-efficiency.md"] ?? Data(), as: UTF8.self).contains("0.123"))
        XCTAssertEqual(Set(secondRun.keys), Set(firstRun.keys))
        for (path, bytes) in firstRun where path != "manifest.json" && !path.hasPrefix("tables/timings.") {
            XCTAssertEqual(secondRun[path], bytes, "\(path) differs between two runs")
        }
        func withoutTimes(_ data: Data?) -> [String] {
            String(decoding: data ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
                .filter { !$0.contains("\"started\"") && !$0.contains("econds\"") }
        }
        XCTAssertEqual(withoutTimes(secondRun["manifest.json"]), withoutTimes(firstRun["manifest.json"]))
        XCTAssertEqual(try snapshot(root.appendingPathComponent("figures/3-tabddpm")).keys.sorted(), firstFigures.keys.sorted())
    }
}
