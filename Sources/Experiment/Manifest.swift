import Artifacts
import Foundation

/// The kit's version, recorded in every manifest so results can be traced to the library that produced them.
public let kitVersion = "0.1.0"

/// `manifest.json`: the provenance of one chapter run — code, toolchain, machine, configuration, seeds, input data
/// and time — with the fields of `docs/artifacts.md`.
public struct Manifest: Codable, Equatable, Sendable {
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
    /// `CodeVersion`'s digest of the sources the run executed (nil from runs that did not supply it).
    public var codeVersion: String?
    public var config: JSONValue
    public var configHash: String
    /// Seeds by purpose, e.g. `["train": [0], "sample": [0, 1, 2, 3, 4]]`.
    public var seeds: [String: [UInt64]]
    public var inputs: [InputFile]
    public var steps: [StepTiming]
    public var deviations: [String]

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

        public init(core: String, threads: Int) {
            self.core = core
            self.threads = threads
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

    /// The file's text: sorted keys, two-space indents.
    public func jsonText() throws -> String {
        try asKitError { try JSONValue(encoding: self).canonicalText(pretty: true) } + "\n"
    }

    /// Writes the file atomically (normally `reports/runs/<chapter>/manifest.json`).
    public func write(to url: URL) throws {
        let text = try jsonText()
        try asKitError { try AtomicFile.write(text, to: url) }
    }
}

/// Facts about the machine and the code that do not change during a run. Gathered once, at the start, so the git
/// state describes the code that ran rather than files the run wrote.
public struct RunEnvironment: Equatable, Sendable {
    public var git: Manifest.GitState
    public var swift: String
    public var os: String
    public var cpu: String

    public init(git: Manifest.GitState, swift: String, os: String, cpu: String) {
        self.git = git
        self.swift = swift
        self.os = os
        self.cpu = cpu
    }

    /// Probes the current machine; anything that cannot be found reads "unknown" rather than failing the run.
    /// - Parameter directory: where to ask git (the repository holding the chapter), default the current directory.
    public static func current(directory: URL? = nil) -> RunEnvironment {
        RunEnvironment(git: gitState(in: directory), swift: swiftCompilerVersion, os: operatingSystem(),
                       cpu: cpuModel())
    }

    /// The version of the compiler that built this binary, from compile-time checks (no `swift` process needed,
    /// and it is the toolchain that actually produced the code). Patch levels are resolved for the releases
    /// listed in the ladders below; a newer minor release reads as a lower bound such as ">=6.5".
    public static var swiftCompilerVersion: String {
        #if compiler(>=7.0)
        return ">=7.0"
        #elseif compiler(>=6.5)
        return ">=6.5"
        #elseif compiler(>=6.4)
        return "6.4" + patchSuffix64
        #elseif compiler(>=6.3)
        return "6.3" + patchSuffix63
        #elseif compiler(>=6.2)
        return "6.2" + patchSuffix62
        #elseif compiler(>=6.1)
        return "6.1" + patchSuffix61
        #else
        return "6.0" + patchSuffix60
        #endif
    }

    /// Commit and dirty flag from `git`; "unknown" outside a repository or without git.
    public static func gitState(in directory: URL? = nil) -> Manifest.GitState {
        guard let commit = runTool(["git", "rev-parse", "HEAD"], in: directory)?
            .trimmingCharacters(in: .whitespacesAndNewlines), !commit.isEmpty
        else { return Manifest.GitState(commit: "unknown", dirty: nil) }
        let status = runTool(["git", "status", "--porcelain", "--untracked-files=normal"], in: directory)
        return Manifest.GitState(commit: commit, dirty: status.map { !$0.isEmpty })
    }

    /// `PRETTY_NAME` from `/etc/os-release`, else Foundation's description of the OS.
    public static func operatingSystem(osRelease: URL = URL(fileURLWithPath: "/etc/os-release")) -> String {
        if let text = try? String(contentsOf: osRelease, encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                var value = line.dropFirst("PRETTY_NAME=".count)
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = value.dropFirst().dropLast()
                }
                return String(value)
            }
        }
        return ProcessInfo.processInfo.operatingSystemVersionString
    }

    /// The first `model name` in `/proc/cpuinfo`, with the core count; "unknown" where there is no such file.
    public static func cpuModel(cpuinfo: URL = URL(fileURLWithPath: "/proc/cpuinfo")) -> String {
        guard let text = try? String(contentsOf: cpuinfo, encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                let model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                return "\(model) (\(ProcessInfo.processInfo.activeProcessorCount) cores)"
            }
        }
        return "unknown"
    }

    /// Runs a tool found on PATH and returns its standard output, or nil if it could not run or failed.
    static func runTool(_ arguments: [String], in directory: URL?) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        // Read before waiting: a full pipe would otherwise block the child forever.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

// Patch levels cannot be read directly at compile time; these ladders find them.
private var patchSuffix60: String {
    #if compiler(>=6.0.3)
    ".3"
    #elseif compiler(>=6.0.2)
    ".2"
    #elseif compiler(>=6.0.1)
    ".1"
    #else
    ""
    #endif
}

private var patchSuffix61: String {
    #if compiler(>=6.1.3)
    ".3"
    #elseif compiler(>=6.1.2)
    ".2"
    #elseif compiler(>=6.1.1)
    ".1"
    #else
    ""
    #endif
}

private var patchSuffix62: String {
    #if compiler(>=6.2.4)
    ".4"
    #elseif compiler(>=6.2.3)
    ".3"
    #elseif compiler(>=6.2.2)
    ".2"
    #elseif compiler(>=6.2.1)
    ".1"
    #else
    ""
    #endif
}

private var patchSuffix63: String {
    #if compiler(>=6.3.5)
    ".5"
    #elseif compiler(>=6.3.4)
    ".4"
    #elseif compiler(>=6.3.3)
    ".3"
    #elseif compiler(>=6.3.2)
    ".2"
    #elseif compiler(>=6.3.1)
    ".1"
    #else
    ""
    #endif
}

private var patchSuffix64: String {
    #if compiler(>=6.4.3)
    ".3"
    #elseif compiler(>=6.4.2)
    ".2"
    #elseif compiler(>=6.4.1)
    ".1"
    #else
    ""
    #endif
}
