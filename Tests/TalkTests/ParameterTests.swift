import ChapterProgramSupport
import Foundation
import XCTest

/// `talk --set`: a changed parameter redraws only the figures it feeds, prints itself under them, and leaves the
/// rest of the published run (other figures, verdicts) as it was; bad names and values stop before anything runs.
final class ParameterTests: ChapterProgramTestCase {
    override var program: String { "talk" }

    func file(_ path: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(path)) }

    func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: try file(path)) as? [String: Any])
    }

    func testSetRedrawsOnlyTheFiguresItFeeds() throws {
        let first = try run(["--profile", "smoke", "--only", "gan-math"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let xyBefore = try file("figures/talk/xy-game.json"), disjoint = try file("figures/talk/jsd-disjoint.svg")
        let claimsBefore = try json("reports/runs/talk/results.json")["claims"] as? [[String: Any]]
        XCTAssertTrue(String(decoding: xyBefore, as: UTF8.self).contains("xy.learning-rate = 0.1, xy.steps = 150"))

        let second = try run(["--profile", "smoke", "--set", "xy.steps=60", "--set", "xy.learning-rate=0.3"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(first.stderr.contains("optimal D"), first.stderr)
        XCTAssertFalse(second.stderr.contains("optimal D"), "the 1-D discriminators are not trained again: \(second.stderr)")
        let xyAfter = try file("figures/talk/xy-game.json")
        XCTAssertNotEqual(xyAfter, xyBefore, "the figure was drawn again")
        XCTAssertTrue(String(decoding: xyAfter, as: UTF8.self).contains("xy.learning-rate = 0.3, xy.steps = 60"))
        XCTAssertEqual(try file("figures/talk/jsd-disjoint.svg"), disjoint, "other figures are carried over as they were")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("figures/talk/slides/jsd-disjoint.png").path))
        let claimsAfter = try json("reports/runs/talk/results.json")["claims"] as? [[String: Any]]
        XCTAssertEqual(claimsAfter?.map { $0["id"] as? String }, claimsBefore?.map { $0["id"] as? String })
        XCTAssertEqual(claimsAfter?.map { $0["evidence"] as? String }, claimsBefore?.map { $0["evidence"] as? String })
        let config = try XCTUnwrap(try json("reports/runs/talk/manifest.json")["config"] as? [String: Any])
        let ganMath = try XCTUnwrap(config["ganMath"] as? [String: Any])
        XCTAssertEqual(ganMath["xySteps"] as? Int, 60)
        XCTAssertEqual(ganMath["xyLearningRate"] as? Double, 0.3)
    }

    func testListParametersAndBadAssignments() throws {
        let (process, _) = self.process(["--list-parameters", "--profile", "smoke"])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let listing = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(listing.contains("ring.modes = 8  (step ring-gan)"), listing)
        XCTAssertTrue(listing.contains("ring.steps = 600  (step ring-gan)"), listing)

        for (arguments, message) in [(["--set", "ring.modes=5"], "--set builds on a finished talk run"),
                                     (["--set", "ring.mode=3"], "unknown parameter 'ring.mode'"),
                                     (["--set", "ring.modes=1"], "not a whole number of at least 2"),
                                     (["--set", "wgan.clip=x"], "not a number from"),
                                     (["--set", "ring.modes"], "expected NAME=VALUE")] {
            let result = try run(["--profile", "smoke"] + arguments)
            XCTAssertNotEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "expected \"\(message)\" in: \(result.stderr)")
            for folder in ["reports", "figures"] {
                XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path))
            }
        }
    }
}
