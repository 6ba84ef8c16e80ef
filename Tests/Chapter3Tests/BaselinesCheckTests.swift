import Datasets
import Foundation
import XCTest
@testable import Chapter3

/// The authors' synthetic CSVs are read with the training split's schema and coded by its levels.
final class BaselinesCheckTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("baselines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    let train = TabularFrame(task: .binclass, numericNames: ["x"], categoricalNames: ["c"], targetName: "y",
                             levels: [["blue", "green", "red"]], classNames: ["no", "yes"], numeric: [[1, 2, 3]],
                             categorical: [[0, 1, 2]], y: [0, 1, 0])

    func write(_ text: String) throws -> URL {
        let url = folder.appendingPathComponent("tvae-0.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testCategoriesAndClassesAreCodedByTheTrainingLevels() throws {
        // Only "red" and "green" occur, so the file's own sorted levels would code them 1 and 0.
        let frame = try BaselinesCheck.frame(csv: write("x,c,y\n0.5,red,yes\n1.5,green,no\n2.5,red,yes\n"), like: train)
        XCTAssertEqual(frame.levels, train.levels)
        XCTAssertEqual(frame.categorical, [[2, 1, 2]])
        XCTAssertEqual(frame.y, [1, 0, 1])
        XCTAssertEqual(frame.numeric, [[0.5, 1.5, 2.5]])
    }

    func testAValueTheTrainingSplitNeverHadIsNamedWithItsFile() throws {
        let url = try write("x,c,y\n0.5,purple,yes\n")
        XCTAssertThrowsError(try BaselinesCheck.frame(csv: url, like: train)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("tvae-0.csv") && text.contains("purple") && text.contains("column c"), text)
        }
    }

    func testANonNumberInANumericColumnNamesLineAndColumn() throws {
        let url = try write("x,c,y\n0.5,red,yes\nabc,red,no\n")
        XCTAssertThrowsError(try BaselinesCheck.frame(csv: url, like: train)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("tvae-0.csv") && text.contains("3"), text)
        }
    }
}
