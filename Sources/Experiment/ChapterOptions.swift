import ArgumentParser
import Foundation

/// The options every chapter program has, declared once: `@OptionGroup var options: ChapterOptions`.
///
/// Parsing checks them before anything runs: the thread count is at least 1 and `--root` is an existing directory
/// (a mistyped root would otherwise grow a whole new tree of outputs, or fail late with a raw system error).
public struct ChapterOptions: ParsableArguments {
    @Option(help: "Compute budget: smoke (checks the plumbing in minutes), default (meaningful numbers on a laptop), paper (the reference's settings).")
    public var profile: Profile = .default

    @Option(help: "Seed for every random draw of the run.")
    public var seed: UInt64 = 0

    @Option(help: "Threads sharing the core's matrix products and kernels (results do not depend on it).",
            transform: OptionValue.integer(atLeast: 1))
    public var threads: Int = 1

    @Option(help: "Repository root, an existing directory: figures/, reports/, .cache/ and data/ live under it.")
    public var root = "."

    public init() {}

    public func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw ValidationError("--root: no such directory: \(root)")
        }
        guard isDirectory.boolValue else {
            throw ValidationError("--root: not a directory: \(root)")
        }
    }

    /// `--root` as a URL.
    public var rootURL: URL {
        URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
    }
}
