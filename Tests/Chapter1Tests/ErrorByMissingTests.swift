import ChapterProgramSupport
import Foundation
import XCTest

/// `chapter1 --datasets hmnist` at the smoke profile scores every method again on randomly re-masked evaluation
/// digits: one row per method, one column per fraction, and a figure.
final class ErrorByMissingTests: ChapterProgramTestCase {
    override var program: String { "chapter1" }

    func testSmokeRunWritesTheErrorByMissingTable() throws {
        guard FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(".cache/data/mnist-5k/mnist-5k.csv").path) else {
            throw XCTSkip("run `make data NAME=mnist-5k` first")
        }
        let files = FileManager.default
        try files.createDirectory(at: root.appendingPathComponent(".cache/data"), withIntermediateDirectories: true)
        for path in ["data", "paper", ".cache/data/mnist-5k"] {
            try files.createSymbolicLink(at: root.appendingPathComponent(path), withDestinationURL: repositoryRoot.appendingPathComponent(path))
        }
        let result = try run(["--profile", "smoke", "--datasets", "hmnist"])
        XCTAssertEqual(result.status, 0, result.stderr)

        let runs = root.appendingPathComponent("reports/runs/1-gpvae")
        let table = try String(contentsOf: runs.appendingPathComponent("tables/error-by-missing.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("| Model | 30 % missing | 70 % missing |"), table)
        func row(_ model: String) throws -> [Double] {
            let line = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix("| \(model) |") }, table)
            return try line.split(separator: "|").dropFirst().map { cell in
                let text = cell.replacingOccurrences(of: "*", with: "").trimmingCharacters(in: .whitespaces)
                return try XCTUnwrap(Double(text.split(separator: " ")[0]), String(cell))
            }
        }
        for model in ["Mean imputation", "Forward imputation", "VAE", "HI-VAE", "GP-VAE"] {
            let values = try row(model)
            XCTAssertEqual(values.count, 2, model)
            XCTAssertTrue(values.allSatisfy { (0...1).contains($0) }, "\(model): \(values)")
        }
        // Rounded per-pixel means are almost all 0 (digits are mostly black), so under masks at random the mean
        // imputer's error is the share of white pixels, whatever the fraction hidden.
        let mean = try row("Mean imputation")
        XCTAssertEqual(mean[0], mean[1], accuracy: 0.01, "\(mean)")
        XCTAssertTrue((0.05...0.3).contains(mean[0]), "\(mean)")

        let figures = try files.contentsOfDirectory(atPath: root.appendingPathComponent("figures/1-gpvae").path)
        XCTAssertTrue(figures.contains { $0.hasPrefix("error-by-missing.") }, "\(figures)")
    }
}
