import Foundation

/// The data sets of data/sources.json, as prepared by `make data` in .cache/data/<name>/. Every file is checked
/// against the manifest's SHA-256 before it is read; a missing or stale file is an error that names the command
/// that fixes it.
///
/// ```swift
/// let catalog = try DataCatalog(root: repositoryRoot)
/// let goog = try catalog.numericTable(named: "goog-stocks")   // Open, High, Low, Close, Adj Close, Volume
/// let adult = try catalog.table(named: "adult")               // schema + typed columns
/// ```
public struct DataCatalog: Sendable {
    public let manifest: DataManifest
    public let manifestFile: URL
    public let cache: URL

    /// `root` is the repository: the manifest is `root/data/sources.json`, the cache `root/.cache/data`.
    public init(root: URL) throws {
        try self.init(manifest: root.appendingPathComponent("data/sources.json"),
                      cache: root.appendingPathComponent(".cache/data"))
    }

    public init(manifest: URL, cache: URL) throws {
        self.manifestFile = manifest
        self.manifest = try DataManifest.load(manifest)
        self.cache = cache
    }

    public func entry(named name: String) throws -> DataManifest.Entry {
        try manifest.entry(name, file: manifestFile.path)
    }

    /// The checked CSV file of a data set (for manifests' `inputs`: its path and hash).
    public func csvFile(named name: String) throws -> (url: URL, sha256: String) {
        let entry = try entry(named: name)
        let url = cache.appendingPathComponent(name).appendingPathComponent(entry.output.csv)
        try verify(url, expected: entry.output.sha256, dataset: name)
        return (url, entry.output.sha256)
    }

    /// Where a data set's CSV and schema are and the SHA-256 the manifest records for each: what a run records as
    /// its inputs after `table(named:)` has checked the files against these hashes (so each is hashed once).
    public func files(named name: String) throws -> [(url: URL, sha256: String)] {
        let entry = try entry(named: name)
        let folder = cache.appendingPathComponent(name)
        return [(folder.appendingPathComponent(entry.output.csv), entry.output.sha256),
                (folder.appendingPathComponent("schema.json"), entry.output.schemaSHA256)]
    }

    /// A data set's schema, checked against the manifest.
    public func schema(named name: String) throws -> Schema {
        let entry = try entry(named: name)
        let url = cache.appendingPathComponent(name).appendingPathComponent("schema.json")
        try verify(url, expected: entry.output.schemaSHA256, dataset: name)
        return try Schema.load(url)
    }

    /// A tabular data set: its schema and typed columns.
    public func table(named name: String) throws -> Table {
        let schema = try schema(named: name)
        let schemaFile = cache.appendingPathComponent(name).appendingPathComponent("schema.json").path
        let table = try Table(csv: csvFile(named: name).url, schema: schema, schemaFile: schemaFile)
        let expected = try entry(named: name).output.rows
        if let expected, expected != table.rowCount {
            throw DataError.manifest(file: manifestFile.path, reason: "\(name) has \(table.rowCount) rows, the manifest says \(expected)")
        }
        return table
    }

    /// A series' numeric columns in file order (chronological): goog-stocks gives Open, High, Low, Close,
    /// Adj Close, Volume; nyc-weather the hourly temp, dewp, humid, wind_dir, wind_speed, precip, pressure, visib.
    public func numericTable(named name: String) throws -> NumericTable {
        try table(named: name).numericTable()
    }

    /// The command that prepares one data set.
    public static func command(for name: String) -> String { "make data NAME=\(name)" }

    private func verify(_ url: URL, expected: String, dataset: String) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError.missing(dataset: dataset, file: url.path, command: Self.command(for: dataset))
        }
        guard !expected.isEmpty else {
            throw DataError.manifest(file: manifestFile.path, reason: "\(dataset) has no recorded SHA-256 for "
                + "\(url.lastPathComponent): run `scripts/data.sh --record \(dataset)` and commit data/sources.json")
        }
        let actual = try sha256Hex(ofFile: url)
        guard actual == expected else {
            throw DataError.hashMismatch(dataset: dataset, file: url.path, expected: expected, actual: actual,
                                         command: Self.command(for: dataset))
        }
    }
}
