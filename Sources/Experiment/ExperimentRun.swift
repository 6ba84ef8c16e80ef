import Foundation

/// One run of a chapter program: it times named steps, collects seeds, input hashes, deviations, tables and
/// results, and on `finish()` writes `manifest.json` and `results.json` under `reports/runs/<chapter>/`.
///
/// ```swift
/// let run = try ExperimentRun(chapter: "3-tabddpm", profile: profile, config: config,
///                             blas: .init(core: blasCoreName, threads: blasThreadCount))
/// let adult = try run.recordInput(dataURL)
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

    private let lock = NSLock()
    private let startDate: Date
    private let clock = ContinuousClock()
    private let startInstant: ContinuousClock.Instant
    private var seeds: [String: [UInt64]]
    private var inputs: [Manifest.InputFile] = []
    private var steps: [Manifest.StepTiming] = []
    private var deviations: [String] = []
    private var results: Results
    private let log: (String) -> Void

    /// Starts a run and takes the environment's fingerprint (git state is read now, before the run writes files).
    /// - Parameters:
    ///   - chapter: the chapter folder name, e.g. `3-tabddpm`.
    ///   - config: the resolved configuration (after profile and overrides); recorded with its hash.
    ///   - seeds: seeds by purpose; more can be added with `recordSeeds(_:for:)`.
    ///   - blas: the BLAS core and thread count, as the tensor core reports them.
    ///   - root: repository root; default the current directory.
    ///   - environment: machine facts; default probes this machine (tests pass a fixed one).
    ///   - log: where step start/end lines go; default standard error.
    public init(chapter: String, profile: Profile, config: some Encodable, seeds: [String: [UInt64]] = [:],
                blas: Manifest.BLASInfo = .unknown, root: URL? = nil, environment: RunEnvironment? = nil,
                log: @escaping @Sendable (String) -> Void = printToStandardError) throws {
        let root = root ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.chapter = chapter
        self.profile = profile
        self.config = try ResolvedConfig(config)
        self.seeds = seeds
        self.blas = blas
        self.root = root
        self.environment = environment ?? RunEnvironment.current(directory: root)
        self.cache = ContentCache(directory: root.appendingPathComponent(".cache").appendingPathComponent(chapter))
        self.log = log
        results = Results(chapter: chapter)
        startDate = Date()
        startInstant = clock.now
    }

    /// `reports/runs/<chapter>`: manifest, results and tables.
    public var runDirectory: URL {
        root.appendingPathComponent("reports/runs").appendingPathComponent(chapter)
    }

    /// `reports/runs/<chapter>/tables`.
    public var tablesDirectory: URL {
        runDirectory.appendingPathComponent("tables")
    }

    /// `figures/<chapter>`, where the Figures library should write this chapter's figures.
    public var figuresDirectory: URL {
        root.appendingPathComponent("figures").appendingPathComponent(chapter)
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
        let name = path ?? relativePath(of: url)
        lock.withLock {
            inputs.removeAll { $0.path == name }
            inputs.append(Manifest.InputFile(path: name, sha256: digest))
        }
        return digest
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

    /// The manifest as it stands now (wall time so far).
    public func manifest() -> Manifest {
        lock.withLock {
            Manifest(
                chapter: chapter, profile: profile.rawValue, started: iso8601(startDate),
                wallSeconds: milliseconds(seconds(clock.now - startInstant)), git: environment.git, swift: environment.swift,
                os: environment.os, cpu: environment.cpu, blas: blas, kitVersion: kitVersion, config: config.value,
                configHash: config.configHash, seeds: seeds, inputs: inputs, steps: steps, deviations: deviations)
        }
    }

    /// Writes `results.json` and then `manifest.json` (atomically each) and returns the manifest.
    @discardableResult
    public func finish() throws -> Manifest {
        let results = lock.withLock { self.results }
        try asKitError { try results.write(to: runDirectory.appendingPathComponent("results.json")) }
        let manifest = manifest()
        try asKitError { try manifest.write(to: runDirectory.appendingPathComponent("manifest.json")) }
        log("✓ \(chapter) done in \(clockText(manifest.wallSeconds)); wrote \(relativePath(of: runDirectory))\n")
        return manifest
    }

    private func relativePath(of url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = root.standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }
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
