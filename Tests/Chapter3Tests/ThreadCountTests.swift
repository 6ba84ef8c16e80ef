import Foundation
import XCTest

/// `--threads` says results do not depend on it: the same smoke run at 1 and at 2 threads writes the same tables,
/// byte for byte. CTAB-GAN(+) are left out here (their smoke cells take minutes in a debug build); the library's
/// ThreadCountTests check them bit for bit.
final class ThreadCountTests: Chapter3TestCase {
    func testEveryModelWritesTheSameTablesAtOneAndTwoThreads() throws {
        let csv = try writeToyCSV()
        let tables = ["ml-efficiency.md", "dcr.md", "fidelity.md"]
        let outputs = try [1, 2].map { threads -> [String] in
            let folder = root.appendingPathComponent("threads-\(threads)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let result = try run(["--profile", "smoke", "--csv", csv.path, "--models", "tabddpm,tvae,ctgan,smote,real"],
                                 root: folder.path, threads: threads)
            XCTAssertEqual(result.status, 0, result.stderr)
            let directory = folder.appendingPathComponent("reports/runs/3-tabddpm-own/tables")
            return try tables.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        }
        for (name, (one, two)) in zip(tables, zip(outputs[0], outputs[1])) { XCTAssertEqual(one, two, name) }
        for model in ["TabDDPM", "TVAE", "CTGAN", "SMOTE"] {
            XCTAssertTrue(outputs[0][0].contains("| \(model) | "), "no \(model) row in\n\(outputs[0][0])")
        }
    }
}
