import Foundation
import XCTest

/// A run split into cells (`--plan`, `--cell ID`, then `--cached-only`) must write what a plain run writes,
/// whatever order, concurrency and thread count the cells ran with; bad cell options stop with the option named.
final class CellTests: Chapter3TestCase {
    let models = ["--models", "tabddpm,smote,real"]

    /// The program's exit status, standard output and standard error.
    func runCapturingOutput(_ arguments: [String], root: URL, threads: Int = 1) throws -> (status: Int32, stdout: String, stderr: String) {
        let (process, errors) = process(arguments, root: root.path, threads: threads)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every table but the wall-clock timings, by file name.
    func tables(in root: URL) throws -> [String: Data] {
        let directory = root.appendingPathComponent("reports/runs/3-tabddpm-own/tables")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("timings.") }
        return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) })
    }

    func testCellsRunInAnotherOrderAndConcurrentlyAssembleThePlainRunsTables() throws {
        let arguments = ["--profile", "smoke", "--csv", try writeToyCSV().path] + models
        let plain = try folder("plain")
        let result = try run(arguments, root: plain.path)
        XCTAssertEqual(result.status, 0, result.stderr)

        let split = try folder("split")
        let plan = try runCapturingOutput(arguments + ["--plan", "--plan-format", "ids"], root: split)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let ids = plan.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(ids, ["toy.evaluator", "toy.tabddpm", "toy.smote", "toy.real"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: split.appendingPathComponent("reports").path),
                       "--plan wrote outputs")

        // Last cell first, at two threads; then two processes race for the same cell, which needs the evaluator
        // neither has; then the rest.
        var cell = try run(arguments + ["--cell", "toy.real"], root: split.path, threads: 2)
        XCTAssertEqual(cell.status, 0, cell.stderr)
        let racers = [process(arguments + ["--cell", "toy.smote"], root: split.path),
                      process(arguments + ["--cell", "toy.smote"], root: split.path, threads: 2)]
        for (racer, _) in racers { try racer.run() }
        for (racer, errors) in racers {
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            racer.waitUntilExit()
            XCTAssertEqual(racer.terminationStatus, 0, stderr)
        }
        for id in ["toy.tabddpm", "toy.evaluator"] {
            cell = try run(arguments + ["--cell", id], root: split.path)
            XCTAssertEqual(cell.status, 0, cell.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: split.appendingPathComponent("reports").path),
                       "--cell wrote outputs")

        let assembled = try run(arguments + ["--cached-only"], root: split.path, threads: 2)
        XCTAssertEqual(assembled.status, 0, assembled.stderr)
        let expected = try tables(in: plain)
        XCTAssertTrue(expected.keys.contains("ml-efficiency.md"), "\(expected.keys.sorted())")
        XCTAssertEqual(try tables(in: split), expected)
    }

    func testCachedOnlyNamesTheMissingCellsAndWritesNothing() throws {
        try assertRefused(["--profile", "smoke", "--csv", try writeToyCSV().path, "--cached-only"] + models, mentioning: [
            "--cached-only: 4 cells are not in the cache yet: toy.evaluator, toy.tabddpm, toy.smote, toy.real"])
    }

    func testBadCellOptionsStopNamingTheOption() throws {
        let csv = try writeToyCSV().path
        try assertRefused(["--profile", "smoke", "--csv", csv, "--cell", "toy.gan"] + models, mentioning: [
            "unknown value 'toy.gan' for --cell; allowed values: toy.evaluator, toy.tabddpm, toy.smote, toy.real"])
        for (arguments, message) in [
            (["--plan", "--cell", "toy.real"], "--plan and --cell cannot be combined"),
            (["--plan", "--export-splits", "out"], "--plan cannot be combined with --export-splits"),
            (["--cell", "toy.real", "--benchmark-steps", "3"], "--cell cannot be combined with --benchmark-steps"),
            (["--plan-format", "ids"], "--plan-format needs --plan"),
        ] {
            try assertRefused(["--profile", "smoke", "--csv", csv] + arguments, mentioning: [message])
        }
    }

    func testPlanEstimatesEveryCellsCost() throws {
        let result = try runCapturingOutput(["--profile", "smoke", "--csv", try writeToyCSV().path, "--plan",
                                             "--plan-format", "json"] + models, root: root)
        XCTAssertEqual(result.status, 0, result.stderr)
        let plan = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let cells = try XCTUnwrap(plan["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.compactMap { $0["id"] as? String }, ["toy.evaluator", "toy.tabddpm", "toy.smote", "toy.real"])
        let seconds = cells.compactMap { $0["estimatedSeconds"] as? Double }
        XCTAssertEqual(seconds.count, 4)
        XCTAssertTrue(seconds.allSatisfy { $0 > 0 }, "\(seconds)")
        // 300 TabDDPM steps cost more than scoring the real data once per evaluator seed.
        XCTAssertGreaterThan(seconds[1], seconds[3])
        XCTAssertTrue((plan["estimate"] as? String)?.contains("measured on this machine") == true)
    }
}
