import Foundation

/// data/sources.json as the Swift side needs it: for each data set, where its converted files live and their
/// hashes. (The fetch and conversion fields are scripts/data.py's business.)
public struct DataManifest: Decodable, Sendable {
    public struct Entry: Decodable, Sendable {
        public struct Output: Decodable, Sendable {
            public var csv: String
            public var sha256: String
            public var schemaSHA256: String
            public var rows: Int?
        }
        public var name: String
        public var description: String
        /// Set when the data set stands in for one the paper used; say so wherever it is shown.
        public var standIn: String?
        public var registry: String
        public var package: String
        public var version: String
        public var notes: [String]
        public var output: Output
    }
    public var datasets: [Entry]

    public static func load(_ url: URL) throws -> DataManifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.manifest(file: url.path, reason: "cannot read: \(FileProblem.unreadable(url, error: error))")
        }
        do { return try JSONDecoder().decode(DataManifest.self, from: data) } catch let error as DecodingError {
            throw DataError.manifest(file: url.path, reason: FileProblem.explain(error, in: data))
        }
    }

    public func entry(_ name: String, file: String) throws -> Entry {
        guard let entry = datasets.first(where: { $0.name == name }) else {
            throw DataError.manifest(file: file, reason: "no data set named \(name) (known: "
                + datasets.map(\.name).joined(separator: ", ") + ")")
        }
        return entry
    }
}
