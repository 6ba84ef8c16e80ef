import ChapterProgramSupport
import Foundation
import XCTest

/// `chapter1` is one of the chapter programs built on the shared frame: its options are refused as every
/// chapter's are, and a missing data set names the command that prepares it, before anything is written.
final class OptionTests: ChapterProgramTestCase {
    override var program: String { "chapter1" }

    func testBadOptionsAreRefused() throws {
        try assertRefused(["--datasets", ""], mentioning: ["--datasets"])
        try assertRefused(["--datasets", "hmnist,hmnist"], mentioning: ["hmnist"])
        try assertRefused(["--datasets", "sprite"], mentioning: ["sprite"])
        try assertRefused(["--profile", "huge"], mentioning: ["--profile"])
        try assertRefused(["--threads", "0"], mentioning: ["--threads"])
        try assertRefused([], root: root.appendingPathComponent("absent").path, mentioning: ["--root"])
    }

    func testTheImputerCheckOptionsAreRefusedOutsideTheirUse() throws {
        try assertRefused(["--export-series", "out", "--datasets", "hmnist"], mentioning: ["clinical series only"])
        try assertRefused(["--export-series", "out", "--compare-pypots", "scores.json"], mentioning: ["one at a time"])
        try assertRefused(["--export-series", ""], mentioning: ["--export-series: give a directory"])
        try assertRefused(["--compare-pypots", ""], mentioning: ["--compare-pypots: give a file"])
        try assertRefused(["--compare-pypots", root.appendingPathComponent("absent.json").path], mentioning: ["absent.json"])
        let partial = root.appendingPathComponent("partial.json")
        try Data(#"{"brits": {"mse": [0.7], "auroc": [0.8], "pypots": "PyPOTS 1.5", "budget": "1 epoch"}}"#.utf8).write(to: partial)
        defer { try? FileManager.default.removeItem(at: partial) }
        let result = try run(["--compare-pypots", partial.path])
        XCTAssertNotEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("partial.json") && result.stderr.contains("gp-vae"), result.stderr)
    }

    func testMissingDataSaysHowToGetIt() throws {
        try assertRefused(["--profile", "smoke", "--datasets", "clinical"], mentioning: ["data"])
    }
}
