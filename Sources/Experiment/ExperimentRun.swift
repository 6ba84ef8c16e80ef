import Foundation

/// One run of a chapter program: it times named steps, collects seeds, input hashes, deviations, tables and
/// results, and on `finish()` writes `manifest.json` and `results.json` under `reports/runs/<chapter>/`.
///
/// A run is all or nothing: tables, figures, results and manifest are written into staging folders and published
/// together by `finish()` (see `RunOutputs`), so a run that fails or is killed leaves the previous one intact.
/// Output folders are checked for writability when the run starts, before any training.
///
/// ```swift
/// let run = try ExperimentRun(chapter: "3-tabddpm", profile: profile, config: config,
///                             blas: .init(core: blasCoreName, threads: blasThreadCount),
///                             codeVersion: try CodeVersion.digest(chapterFolder: "3-tabddpm"))
/// let adult = try run.catalogTable(named: "adult")
/// let model = try run.step("train-tabddpm-adult") { try train(config, seed: 0) }
/// try run.write(table)
/// try run.finish()
/// ```
///
/// Safe to use from several threads (state is behind a lock), so parallel evaluations can report into one run.
public final class ExperimentRun: @unchecked Sendable {
    public let chapter: String
    public let profile: Profile
    public let config: ResolvedConfig
    public let blas: Manifest.BLASInfo
    public let environment: RunEnvironment
    /// The repository root that `reports/` and `figures/` live under.
    public let root: URL
    /// A cache for this chapter's expensive cells, under `<root>/.cache/<chapter>`.
    public let cache: ContentCache
    /// The `CodeVersion` digest of the code this run executes (nil when the caller did not supply one); recorded in
    /// the manifest, and the code part of cache keys.
    public let codeVersion: String?

    private let lock = NSLock()
    private let startDate: Date
    private let clock = ContinuousClock()
    private let startInstant: ContinuousClock.Instant
    private var seeds: [String: [UInt64]]
    private var inputs: [Manifest.InputFile] = []
    private var steps: [Manifest.StepTiming] = []
    private var deviations: [String] = []
    private var notProduced: [String: String] = [:]
    private var results: Results
    private let log: (String) -> Void
    private let outputs: RunOutputs

    /// Starts a run and takes the environment's fingerprint (git state is read now, before the run writes files).
    /// - Parameters:
    ///   - chapter: the chapter folder name, e.g. `3-tabddpm`.
    ///   - config: the resolved configuration (after profile and overrides); recorded with its hash.
    ///   - seeds: seeds by purpose; more can be added with `recordSeeds(_:for:)`.
    ///   - blas: the BLAS core and thread count, as the tensor core reports them.
    ///   - root: repository root; default the current directory.
    ///   - environment: machine facts; default probes this machine (tests pass a fixed one).
    ///   - codeVersion: `CodeVersion.digest(chapterFolder:)` of the chapter.
    ///   - log: where step start/end lines go; default standard error.
    /// - Throws: when an output folder (`reports/runs`, `figures`, `.cache/<chapter>`) cannot be written, or another
    ///   run of this chapter is writing under the same root.
    public init(chapter: String, profile: Profile, config: some Encodable, seeds: [String: [UInt64]] = [:],
                blas: Manifest.BLASInfo = .unknown, root: URL? = nil, environment: RunEnvironment? = nil,
                codeVersion: String? = nil, log: @escaping @Sendable (String) -> Void = printToStandardError) throws {
        let root = root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.chapter = chapter
        self.profile = profile
        self.config = try ResolvedConfig(config)
        self.seeds = seeds
        self.blas = blas
        self.root = root
        self.environment = environment ?? RunEnvironment.current(directory: root)
        self.codeVersion = codeVersion
        let cacheDirectory = Self.cacheDirectory(root: root, chapter: chapter)
        self.cache = ContentCache(directory: cacheDirectory)
        self.log = log
        outputs = try RunOutputs(root: root, chapter: chapter, cache: cacheDirectory)
        results = Results(chapter: chapter)
        startDate = Date()
        startInstant = clock.now
    }

    /// `<root>/.cache/<chapter>`, the chapter's cache, which a process running one cell (no run, no outputs) shares.
    public static func cacheDirectory(root: URL, chapter: String) -> URL {
        root.appendingPathComponent(".cache").appendingPathComponent(chapter)
    }

    /// Where this run writes what `finish()` publishes as `reports/runs/<chapter>`: manifest, results and tables.
    public var runDirectory: URL {
        outputs.run.staged
    }

    /// `reports/runs/<chapter>/tables`.
    public var tablesDirectory: URL {
        runDirectory.appendingPathComponent("tables")
    }

    /// Where the Figures library should write this chapter's figures; `finish()` publishes them as `figures/<chapter>`.
    public var figuresDirectory: URL {
        outputs.figures.staged
    }

    // MARK: Steps

    /// Runs `body` as the named step and records its wall time in the manifest (also when it throws).
    @discardableResult
    public func step<Value>(_ name: String, _ body: () throws -> Value) rethrows -> Value {
        let started = beginStep(name)
        defer { endStep(name, started: started) }
        return try body()
    }

    /// The asynchronous form of `step(_:_:)`, running on the caller's executor.
    @discardableResult
    nonisolated(nonsending)
    public func step<Value>(_ name: String, _ body: () async throws -> Value) async rethrows -> Value {
        let started = beginStep(name)
        defer { endStep(name, started: started) }
        return try await body()
    }

    private func beginStep(_ name: String) -> ContinuousClock.Instant {
        log("▶ \(chapter) \(name)\n")
        return clock.now
    }

    private func endStep(_ name: String, started: ContinuousClock.Instant) {
        let elapsed = seconds(clock.now - started)
        lock.withLock { steps.append(Manifest.StepTiming(name: name, seconds: milliseconds(elapsed))) }
        log("✓ \(chapter) \(name) \(clockText(elapsed)) (\(String(format: "%.1f", elapsed)) s)\n")
    }

    // MARK: Provenance

    /// Hashes an input file (streamed) and records it; returns the hash for use in cache keys.
    /// - Parameter path: the name recorded in the manifest; default the path relative to `root` when the file is
    ///   inside it, else the full path.
    @discardableResult
    public func recordInput(_ url: URL, as path: String? = nil) throws -> String {
        let digest = try asKitError { try SHA256Hex.digest(ofFile: url) }
        recordInput(url, sha256: digest, as: path)
        return digest
    }

    /// Records an input file whose digest is already known (checked against a manifest just now), so it is not read
    /// a second time.
    public func recordInput(_ url: URL, sha256: String, as path: String? = nil) {
        let name = path ?? relativePath(of: url)
        lock.withLock {
            inputs.removeAll { $0.path == name }
            inputs.append(Manifest.InputFile(path: name, sha256: sha256))
        }
    }

    /// Records the seeds used for one purpose (`"train"`, `"sample"`, `"evaluator"`), replacing earlier ones.
    public func recordSeeds(_ seeds: [UInt64], for purpose: String) {
        lock.withLock { self.seeds[purpose] = seeds }
    }

    /// Records a departure from the paper's protocol, in words ("steps 3000 instead of 30000").
    public func recordDeviation(_ text: String) {
        lock.withLock {
            if !deviations.contains(text) { deviations.append(text) }
        }
    }

    /// Records that the figure or table `id`, which the narrative names, is not produced by this run, and why (the
    /// report then shows the reason in its place instead of failing).
    public func recordNotProduced(_ id: String, reason: String) {
        lock.withLock { notProduced[id] = reason }
    }

    // MARK: Results

    public func record(_ number: ReproducedNumber) {
        lock.withLock { results.numbers.append(number) }
    }

    public func record(_ claim: ClaimVerdict) {
        lock.withLock { results.claims.append(claim) }
    }

    public func record(_ notAttempted: NotAttempted) {
        lock.withLock { results.notAttempted.append(notAttempted) }
    }

    /// Writes a table's `.md` and `.json` into `tablesDirectory`.
    public func write(_ table: ResultTable) throws {
        try table.write(to: tablesDirectory)
    }

    // MARK: Finishing

    /// The manifest as it stands now (wall time so far). Inputs are sorted by path; steps keep the order they ran
    /// in and deviations the order the chapter states them (both fixed by the chapter's code).
    public func manifest() -> Manifest {
        lock.withLock {
            Manifest(
                chapter: chapter, profile: profile.rawValue, started: iso8601(startDate),
                wallSeconds: milliseconds(seconds(clock.now - startInstant)), git: environment.git, swift: environment.swift,
                os: environment.os, cpu: environment.cpu, blas: blas, kitVersion: kitVersion, codeVersion: codeVersion,
                config: config.value, configHash: config.configHash, seeds: seeds,
                inputs: inputs.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }, steps: steps,
                deviations: deviations, notProduced: notProduced.isEmpty ? nil : notProduced)
        }
    }

    /// The results as they stand now, sorted, so that the file's bytes do not depend on the order in which the
    /// chapter (or its threads, or a dictionary) recorded them.
    public func sortedResults() -> Results {
        var results = lock.withLock { self.results }
        results.numbers.sort { precedes(($0.paperTable, $0.key, $0.metric), ($1.paperTable, $1.key, $1.metric)) }
        results.claims.sort { precedes(($0.id, [:], $0.verdict), ($1.id, [:], $1.verdict)) }
        results.notAttempted.sort { precedes(($0.paperTable, $0.key, $0.reason), ($1.paperTable, $1.key, $1.reason)) }
        return results
    }

    /// Writes `results.json` and `manifest.json`, publishes the run's tables, figures and these two files together,
    /// and returns the manifest.
    @discardableResult
    public func finish() throws -> Manifest {
        try asKitError { try sortedResults().write(to: runDirectory.appendingPathComponent("results.json")) }
        let manifest = manifest()
        try asKitError { try manifest.write(to: runDirectory.appendingPathComponent("manifest.json")) }
        try outputs.publish()
        log("✓ \(chapter) done in \(clockText(manifest.wallSeconds)); wrote \(relativePath(of: outputs.run.published)) "
            + "and \(relativePath(of: outputs.figures.published))\n")
        return manifest
    }

    private func relativePath(of url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = root.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }
}

/// Orders result entries by their table (or id), then their key's pairs in key order, then a last distinguishing
/// field; strings compare by their UTF-8 bytes.
private func precedes(_ a: (String, [String: String], String), _ b: (String, [String: String], String)) -> Bool {
    func fields(_ entry: (String, [String: String], String)) -> [String] {
        [entry.0] + entry.1.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.flatMap { [$0.key, $0.value] }
            + ["\u{0}", entry.2]
    }
    return fields(a).lexicographicallyPrecedes(fields(b)) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}

/// Times are kept to the millisecond: finer digits are noise and make the manifest harder to read.
func milliseconds(_ seconds: Double) -> Double {
    (seconds * 1000).rounded() / 1000
}

/// `2026-11-21T23:40:00Z`.
func iso8601(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
                  parts.minute!, parts.second!)
}
