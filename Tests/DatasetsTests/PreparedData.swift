import Foundation
@testable import Datasets

/// The repository these tests belong to, for its data/sources.json and the .cache/data that `make data` fills.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether `make data` has converted these catalog data sets here; tests that need them are skipped otherwise
/// (a file that is there but stale still fails them, through the catalog's hash check).
func prepared(_ names: String...) -> Bool {
    names.allSatisfy { name in
        FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(".cache/data/\(name)/\(name).csv").path)
    }
}
