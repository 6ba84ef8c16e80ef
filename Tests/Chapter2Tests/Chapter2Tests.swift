import ChapterProgramSupport
import Foundation
import XCTest

/// `chapter2` refuses bad options before anything is written, and names the command that prepares missing data.
final class Chapter2OptionTests: ChapterProgramTestCase {
    override var program: String { "chapter2" }

    func assertRefused(_ arguments: [String], mentioning text: String, root: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments, root: root)
        XCTAssertNotEqual(result.status, 0, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(text), result.stderr, file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr, file: file, line: line)
        let written = try FileManager.default.contentsOfDirectory(atPath: self.root.path)
        XCTAssertEqual(written.filter { $0 != ".cache" }, [], "nothing may be written", file: file, line: line)
    }

    func testBadOptionsAreRefused() throws {
        try assertRefused(["--domains", ""], mentioning: "--domains")
        try assertRefused(["--domains", "faces"], mentioning: "faces")
        try assertRefused(["--representations", "swav"], mentioning: "swav")
        try assertRefused(["--profile", "huge"], mentioning: "--profile")
        try assertRefused(["--threads", "0"], mentioning: "--threads")
    }

    func testMissingDataSaysHowToGetIt() throws {
        try assertRefused(["--profile", "smoke", "--domains", "brain"], mentioning: "data")
    }
}
