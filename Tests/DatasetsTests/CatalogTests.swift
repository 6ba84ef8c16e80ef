import Foundation
import Testing
@testable import Datasets

@Suite final class CatalogTests {
    /// The fixtures made by this test, removed when it ends.
    private var roots: [URL] = []

    deinit {
        for root in roots { try? FileManager.default.removeItem(at: root) }
    }

    let csv = "Date,Open,Volume\n2004-08-19,100.01,44659000\n2004-08-20,101.01,22834300\n"
    let schema = #"{"columns": [{"name": "Date", "kind": "time"}, {"name": "Open", "kind": "numeric"}, {"name": "Volume", "kind": "numeric"}], "target": null, "task": null}"# + "\n"

    /// A manifest and cache in a temporary directory; `prepare` false leaves the cache empty.
    func fixture(prepare: Bool, csvHash: String? = nil) throws -> URL {
        let root = try temporaryDirectory()
        roots.append(root)
        let folder = root.appendingPathComponent(".cache/data/toy")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        if prepare {
            try csv.write(to: folder.appendingPathComponent("toy.csv"), atomically: true, encoding: .utf8)
            try schema.write(to: folder.appendingPathComponent("schema.json"), atomically: true, encoding: .utf8)
        }
        let manifest = """
        {"datasets": [{"name": "toy", "description": "d", "standIn": null, "registry": "pypi", "package": "p",
          "version": "1", "notes": [], "output": {"csv": "toy.csv", "sha256": "\(csvHash ?? sha256Hex(of: Data(csv.utf8)))",
          "schemaSHA256": "\(sha256Hex(of: Data(schema.utf8)))", "rows": 2}}]}
        """
        try manifest.write(to: root.appendingPathComponent("data/sources.json"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func loadsAVerifiedSeries() throws {
        let catalog = try DataCatalog(root: fixture(prepare: true))
        let table = try catalog.numericTable(named: "toy")
        #expect(table.columns == ["Open", "Volume"])
        #expect(table.rows == [[100.01, 44_659_000], [101.01, 22_834_300]])
        #expect(try catalog.table(named: "toy").column("Date") == .time(["2004-08-19", "2004-08-20"]))
    }

    @Test func missingDataSaysWhichCommandToRun() throws {
        let root = try fixture(prepare: false)
        let catalog = try DataCatalog(root: root)
        let m = message { _ = try catalog.numericTable(named: "toy") }
        #expect(m == "data set toy is not prepared: \(root.path)/.cache/data/toy/schema.json does not exist; run `make data NAME=toy`")
    }

    @Test func hashMismatchIsDetected() throws {
        let wrong = String(repeating: "0", count: 64)
        let root = try fixture(prepare: true, csvHash: wrong)
        let catalog = try DataCatalog(root: root)
        let m = message { _ = try catalog.numericTable(named: "toy") }
        #expect(m == "data set toy: \(root.path)/.cache/data/toy/toy.csv has SHA-256 \(sha256Hex(of: Data(csv.utf8))), "
                + "data/sources.json expects \(wrong); the file was changed or is stale: run `make data NAME=toy` to rebuild it")
    }

    @Test func editedCacheFileIsDetected() throws {
        let root = try fixture(prepare: true)
        try (csv + "2004-08-23,104.76,18256100\n").write(to: root.appendingPathComponent(".cache/data/toy/toy.csv"),
                                                          atomically: true, encoding: .utf8)
        let m = message { _ = try DataCatalog(root: root).numericTable(named: "toy") }
        #expect(m?.contains("toy.csv has SHA-256") == true)
    }

    @Test func unknownDataSetListsTheKnownOnes() throws {
        let root = try fixture(prepare: true)
        #expect(message { _ = try DataCatalog(root: root).numericTable(named: "energy") }
                == "\(root.path)/data/sources.json: no data set named energy (known: toy)")
    }

    @Test func theRepositoryManifestIsWellFormed() throws {
        // The real manifest (not the cache): every data set has its hashes recorded and a row count.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let manifest = try DataManifest.load(root.appendingPathComponent("data/sources.json"))
        #expect(manifest.datasets.map(\.name) == ["goog-stocks", "nyc-weather", "adult", "diabetes", "telco-churn", "ames-housing", "shuttle",
                                                 "mnist-5k", "pbcseq", "tbc", "flare-avatar", "flare-layers", "colin27-slices", "mni152-slices"])
        for entry in manifest.datasets {
            #expect(entry.output.sha256.count == 64 && entry.output.schemaSHA256.count == 64, "\(entry.name)")
            #expect(entry.output.rows != nil, "\(entry.name)")
        }
        #expect(manifest.datasets.filter { $0.standIn != nil }.map(\.name)
                == ["nyc-weather", "telco-churn", "ames-housing", "shuttle", "mnist-5k", "pbcseq", "tbc", "flare-avatar", "flare-layers",
                    "colin27-slices", "mni152-slices"])
    }
}
