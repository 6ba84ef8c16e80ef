import Foundation

/// The cells of one chapter run, in the order a single process would run them. A scheduler maps a job-array index
/// to the id on that line of `--plan --plan-format ids`; the order is fixed by the chapter's code and options.
public struct CellPlan: Codable, Equatable, Sendable {
    /// One independent unit of work whose result lands in the content-hash cache.
    public struct Cell: Codable, Equatable, Sendable {
        /// Dots between parts (`diabetes.tabddpm`): safe in file names, make targets and job names.
        public var id: String
        /// Estimated wall time in seconds at the plan's thread count; nil when it was not estimated.
        public var estimatedSeconds: Double?

        public init(id: String, estimatedSeconds: Double? = nil) {
            self.id = id
            self.estimatedSeconds = estimatedSeconds
        }
    }

    public var chapter: String
    public var profile: Profile
    public var seed: UInt64
    public var threads: Int
    /// How the costs were estimated, in words (empty when they were not).
    public var estimate: String
    public var cells: [Cell]

    public init(chapter: String, profile: Profile, seed: UInt64, threads: Int, estimate: String, cells: [Cell]) {
        self.chapter = chapter
        self.profile = profile
        self.seed = seed
        self.threads = threads
        self.estimate = estimate
        self.cells = cells
    }

    /// The plan as `--plan` prints it.
    public func text(_ format: PlanFormat) throws -> String {
        switch format {
        case .ids:
            return cells.map { $0.id + "\n" }.joined()
        case .json:
            return try asKitError { try JSONValue(encoding: self).canonicalText(pretty: true) } + "\n"
        case .text:
            let width = max(4, cells.map(\.id.count).max() ?? 0)
            func padded(_ text: String) -> String { text + String(repeating: " ", count: width - text.count) }
            var lines = ["\(chapter), profile \(profile.rawValue), seed \(seed): \(cells.count) cells, "
                + "costs at \(threads) thread\(threads == 1 ? "" : "s") on this machine"]
            if !estimate.isEmpty { lines.append("estimate: \(estimate)") }
            lines.append("\(padded("cell"))  estimated")
            for cell in cells {
                lines.append("\(padded(cell.id))  \(cell.estimatedSeconds.map(clockText) ?? "—")")
            }
            let total = cells.compactMap(\.estimatedSeconds).reduce(0, +)
            lines.append("\(padded("total"))  \(clockText(total))")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

/// `--cached-only` found cells that no job has stored yet.
public struct MissingCells: Error, CustomStringConvertible {
    public var ids: [String]

    public init(ids: [String]) {
        self.ids = ids
    }

    public var description: String {
        "--cached-only: \(ids.count) cell\(ids.count == 1 ? " is" : "s are") not in the cache yet: "
            + ids.joined(separator: ", ") + " (run each with --cell ID, or drop --cached-only to run them here)"
    }
}
