import Foundation

/// `manifest.json` (`reports/runs/<chapter>/manifest.json`): the provenance of one chapter run — code, toolchain, machine, configuration, seeds, input data
/// and time — with the fields of `docs/artifacts.md`.
public struct Manifest: ArtifactFile, Equatable, Sendable {
    public var chapter: String
    public var profile: String
    /// ISO 8601 UTC start time, e.g. `2026-11-21T23:40:00Z`.
    public var started: String
    public var wallSeconds: Double
    public var git: GitState
    public var swift: String
    public var os: String
    public var cpu: String
    public var blas: BLASInfo
    public var kitVersion: String
    /// SHA-256 over the sources the run was built from (`CodeVersion` in Experiment); nil in runs before it existed.
    public var codeVersion: String?
    public var config: JSONValue
    public var configHash: String
    /// Seeds by purpose, e.g. `["train": [0], "sample": [0, 1, 2, 3, 4]]`.
    public var seeds: [String: [UInt64]]
    public var inputs: [InputFile]
    public var steps: [StepTiming]
    public var deviations: [String]
    /// Figures and tables the chapter's narrative names that this run did not produce because of how it was asked to
    /// run (e.g. a data set left out by an option), each with the reason; absent when there are none.
    public var notProduced: [String: String]?

    public init(chapter: String, profile: String, started: String, wallSeconds: Double, git: GitState, swift: String,
                os: String, cpu: String, blas: BLASInfo, kitVersion: String, codeVersion: String? = nil, config: JSONValue, configHash: String,
                seeds: [String: [UInt64]], inputs: [InputFile], steps: [StepTiming], deviations: [String],
                notProduced: [String: String]? = nil) {
        self.chapter = chapter
        self.profile = profile
        self.started = started
        self.wallSeconds = wallSeconds
        self.git = git
        self.swift = swift
        self.os = os
        self.cpu = cpu
        self.blas = blas
        self.kitVersion = kitVersion
        self.codeVersion = codeVersion
        self.config = config
        self.configHash = configHash
        self.seeds = seeds
        self.inputs = inputs
        self.steps = steps
        self.deviations = deviations
        self.notProduced = notProduced
    }

    /// Git state of the working tree. `dirty` is nil when it could not be determined (no git, not a repository).
    public struct GitState: Codable, Equatable, Sendable {
        public var commit: String
        public var dirty: Bool?

        public init(commit: String, dirty: Bool?) {
            self.commit = commit
            self.dirty = dirty
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(commit, forKey: .commit)
            try container.encode(dirty, forKey: .dirty)
        }
    }

    /// The BLAS the tensor core runs on; the caller supplies it because only the core knows.
    public struct BLASInfo: Codable, Equatable, Sendable {
        public var core: String
        public var threads: Int
        /// Which GEMM ran which products (the kit's AVX-512 kernel, OpenBLAS's, or both by shape): results differ
        /// in their last digits between them. Nil in runs before it was recorded.
        public var gemm: String?

        public init(core: String, threads: Int, gemm: String? = nil) {
            self.core = core
            self.threads = threads
            self.gemm = gemm
        }

        public static let unknown = BLASInfo(core: "unknown", threads: 0)
    }

    public struct InputFile: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public struct StepTiming: Codable, Equatable, Sendable {
        public var name: String
        public var seconds: Double

        public init(name: String, seconds: Double) {
            self.name = name
            self.seconds = seconds
        }
    }
}
