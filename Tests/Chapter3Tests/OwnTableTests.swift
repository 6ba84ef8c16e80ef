import Foundation
import XCTest

/// `chapter3 --csv`: a practitioner's table runs end to end at the smoke profile, and bad input stops with a
/// message naming file, line and column (or option), a non-zero exit and nothing written.
final class OwnTableTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("chapter3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// The chapter3 executable SwiftPM built next to this test bundle.
    var executable: URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("chapter3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("chapter3")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--root", root.path, "--threads", "1"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// 300 rows: y = "yes" when x1 + noise > 0; x2 whole numbers 0–4; c a category that leans with y.
    func writeToyCSV(_ name: String = "toy.csv", edit: (inout [String]) -> Void = { _ in }) throws -> URL {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["x1,x2,c,y"]
        for _ in 0..<300 {
            let x1 = next() * 4 - 2, noise = next() - 0.5
            let label = x1 + noise > 0 ? "yes" : "no"
            let c = label == "yes" ? (next() < 0.7 ? "red" : "blue") : (next() < 0.7 ? "blue" : "green")
            lines.append(String(format: "%.4f,%d,%@,%@", x1, Int(next() * 5), c, label))
        }
        edit(&lines)
        let url = root.appendingPathComponent(name)
        try lines.joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    var outputs: URL { root.appendingPathComponent("reports") }

    func testOwnCSVRunsEndToEnd() throws {
        let csv = try writeToyCSV()
        let result = try run(["--profile", "smoke", "--csv", csv.path, "--models", "tabddpm,smote,real"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("inferred schema"), result.stderr)
        let table = try String(contentsOf: outputs.appendingPathComponent("runs/3-tabddpm-own/tables/ml-efficiency.md"), encoding: .utf8)
        func score(_ model: String) -> Double? {
            guard let line = table.split(separator: "\n").first(where: { $0.hasPrefix("| \(model) |") }) else { return nil }
            let cell = line.split(separator: "|")[1].replacingOccurrences(of: "*", with: "")
            return Double(cell.split(separator: " ").first ?? "")
        }
        // A constant predictor's macro-F1 on a binary task is at most 0.5. (TabDDPM's 300 smoke steps are too few
        // to learn y; its row must exist, its value is the profile's business.)
        let real = try XCTUnwrap(score("Real")), smote = try XCTUnwrap(score("SMOTE"))
        XCTAssertGreaterThan(real, 0.8, table)
        XCTAssertGreaterThan(smote, 0.7, table)
        XCTAssertNotNil(score("TabDDPM"), table)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outputs.appendingPathComponent("runs/3-tabddpm-own/manifest.json").path))
    }

    func assertFails(_ arguments: [String], mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments)
        XCTAssertNotEqual(result.status, 0, result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "expected \"\(fragment)\" in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: outputs.path), "wrote output despite the error", file: file, line: line)
    }

    func testBadInputStopsWithAClearMessageAndNoOutput() throws {
        try assertFails(["--csv", root.appendingPathComponent("absent.csv").path], mentions: ["absent.csv"])
        try assertFails(["--bogus"], mentions: ["--bogus"])
        try assertFails(["--profile", "smoke", "--models", "gan"], mentions: ["gan"])
        let ragged = try writeToyCSV("ragged.csv") { $0[4] += ",extra" }
        try assertFails(["--csv", ragged.path], mentions: ["ragged.csv:5", "column 5"])
        let empty = try writeToyCSV("empty.csv") { $0[7] = "0.5,,red,yes" }
        try assertFails(["--csv", empty.path], mentions: ["empty.csv:8", "column 2 (x2)", "empty cell"])
        let schema = root.appendingPathComponent("schema.json")
        try #"{"columns": [{"name": "x1", "kind": "numeric"}, {"name": "x2", "kind": "numeric"}, {"name": "c", "kind": "categorical"}, {"name": "y", "kind": "categorical"}], "target": "y", "task": "binclass"}"#
            .write(to: schema, atomically: true, encoding: .utf8)
        let text = try writeToyCSV("text.csv") { $0[10] = "abc,1,red,yes" }
        try assertFails(["--csv", text.path, "--schema", schema.path], mentions: ["text.csv:11", "column 1 (x1)"])
        let constant = try writeToyCSV("constant.csv") { lines in
            lines = lines.enumerated().map { $0.offset == 0 ? $0.element : $0.element.replacingOccurrences(of: ",no", with: ",yes") }
        }
        try assertFails(["--csv", constant.path, "--schema", schema.path], mentions: ["constant.csv", "constant"])
        let single = try writeToyCSV("single.csv") { $0[3] = "0.1,1,red,maybe" }
        try assertFails(["--csv", single.path, "--schema", schema.path], mentions: ["single.csv:4", "column 4 (y)", "maybe"])
    }
}
