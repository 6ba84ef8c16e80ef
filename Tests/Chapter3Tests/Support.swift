import Foundation
import XCTest

/// What every end-to-end test of the chapter3 program needs: a fresh root per test (removed afterwards), the
/// executable SwiftPM built next to this test bundle, and a way to run it there.
class ChapterProgramTestCase: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("chapter3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    var executable: URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("chapter3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("chapter3")
    }

    /// The program with `arguments` (plus `--root` and one thread), standard error captured, not yet started.
    func process(_ arguments: [String], root: String? = nil) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--root", root ?? self.root.path, "--threads", "1"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        return (process, pipe)
    }

    /// Runs the program to the end: its exit status and standard error.
    func run(_ arguments: [String], root: String? = nil) throws -> (status: Int32, stderr: String) {
        let (process, pipe) = self.process(arguments, root: root)
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
}
