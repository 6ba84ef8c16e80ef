import Artifacts
import Datasets
import Foundation

extension ExperimentRun {
    /// A data set from the kit's catalog (`data/sources.json`, prepared under `.cache/data/` by `make data`),
    /// loaded and recorded as inputs of this run: its CSV and schema, at the paths where they are relative to the
    /// root, with the digests the catalog checked them against (each file is hashed once).
    ///
    /// - Returns: the table, and one digest of both files for cache keys (a schema change must miss the cache too).
    public func catalogTable(named name: String) throws -> (table: Table, inputHash: String) {
        let catalog = try DataCatalog(root: root)
        let table = try catalog.table(named: name)
        return (table, try recordCatalogInputs(named: name, in: catalog))
    }

    /// Records the checked files of catalog data set `name` as inputs of this run (each hashed once, by the
    /// catalog's check) and returns one digest of them for cache keys; the caller reads the data through `catalog`.
    @discardableResult
    public func recordCatalogInputs(named name: String, in catalog: DataCatalog) throws -> String {
        let files = try catalog.files(named: name)
        for file in files {
            recordInput(file.url, sha256: file.sha256)
        }
        return DataCatalog.digest(of: files)
    }
}

extension DataCatalog {
    /// The digest `ExperimentRun.recordCatalogInputs` returns, for a process that runs one cell and records no run.
    public func inputDigest(named name: String) throws -> String {
        Self.digest(of: try files(named: name))
    }

    static func digest(of files: [(url: URL, sha256: String)]) -> String {
        SHA256Hex.digest(of: files.map(\.sha256).joined(separator: "\n"))
    }
}
