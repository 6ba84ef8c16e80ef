import Foundation
import XCTest

/// What every end-to-end test of a chapter program needs: a fresh root per test (removed afterwards), the
/// executable SwiftPM built next to the test bundle, and a way to run it there. Subclasses name the program.
open class ChapterProgramTestCase: XCTestCase {
    public var root: URL!

    /// The executable's name, e.g. `chapter3`.
    open var program: String { fatalError("a ChapterProgramTestCase names its program") }

    override open func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(program)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override open func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    public var executable: URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent(program)
    }

    /// The program with `arguments` (plus `--root` and `--threads`), standard error captured, not yet started.
    public func process(_ arguments: [String], root: String? = nil, threads: Int = 1) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--root", root ?? self.root.path, "--threads", String(threads)]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        return (process, pipe)
    }

    /// Runs the program to the end: its exit status and standard error.
    public func run(_ arguments: [String], root: String? = nil, threads: Int = 1) throws -> (status: Int32, stderr: String) {
        let (process, pipe) = self.process(arguments, root: root, threads: threads)
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every file under `directory` (the data cache `.cache/` aside) with its bytes.
    public func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            if path == ".cache" || path.hasPrefix(".cache/") { continue }
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// Runs the program expecting a refusal: a non-zero exit, every fragment in standard error, no crash trace,
    /// and the test's root exactly as before (nothing written, nothing earlier overwritten; the data cache aside).
    public func assertRefused(_ arguments: [String], root: String? = nil, mentioning fragments: [String],
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try snapshot(self.root)
        let result = try run(arguments, root: root)
        XCTAssertNotEqual(result.status, 0, result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "expected \"\(fragment)\" in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr, file: file, line: line)
        let after = try snapshot(self.root)
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), "files written or removed despite the refusal", file: file, line: line)
        XCTAssertEqual(after, before, "files changed despite the refusal", file: file, line: line)
    }
}
