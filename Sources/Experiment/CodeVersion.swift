import Artifacts
import Foundation

/// The version of the code a chapter run executes: the SHA-256 of every source file the program is built from —
/// `Sources/**`, the chapter's folder, `Package.swift` and `Package.resolved` — each with its path, in path order.
/// Cache keys include it, so any code change (a renamed file too) misses the cache instead of returning a value the
/// current code would not compute. Narrative and data files are left out: only `.swift`, `.c` and `.h` count.
///
/// The sources are those the program was compiled from (found through this file's compile-time path), not the
/// `--root` of the run, which may be any output folder. A missing `Sources/` or chapter folder is an error rather
/// than a smaller hash.
public enum CodeVersion {
    /// The package this program was built from.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The digest for the chapter in `chapters/<chapterFolder>` (e.g. `3-tabddpm`).
    public static func digest(chapterFolder: String, packageRoot: URL = packageRoot) throws -> String {
        var text = Data()
        for path in try files(chapterFolder: chapterFolder, packageRoot: packageRoot) {
            let url = packageRoot.appendingPathComponent(path)
            let contents: Data
            do {
                contents = try Data(contentsOf: url)
            } catch {
                throw KitError.fileSystem(path: url.path, operation: "read for the code version", reason: describe(error))
            }
            // Path and length first, so no two file sets can give the same byte stream.
            text.append(Data("\(path)\n\(contents.count)\n".utf8))
            text.append(contents)
        }
        return SHA256Hex.digest(of: text)
    }

    /// The hashed files, relative to `packageRoot`, sorted.
    public static func files(chapterFolder: String, packageRoot: URL = packageRoot) throws -> [String] {
        var paths = ["Package.swift", "Package.resolved"]
        for path in paths where !FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(path).path) {
            throw KitError.fileSystem(path: packageRoot.appendingPathComponent(path).path,
                                      operation: "find the code version's file", reason: "no such file")
        }
        for folder in ["Sources", "chapters/\(chapterFolder)"] {
            paths += try sourceFiles(in: folder, packageRoot: packageRoot)
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func sourceFiles(in folder: String, packageRoot: URL) throws -> [String] {
        let url = packageRoot.appendingPathComponent(folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw KitError.fileSystem(path: url.path, operation: "hash the sources in",
                                      reason: "no such directory (the code version covers every source file)")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: url.path) else {
            throw KitError.fileSystem(path: url.path, operation: "list", reason: "cannot enumerate")
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard [".swift", ".c", ".h"].contains(where: relative.hasSuffix) else { continue }
            paths.append("\(folder)/\(relative)")
        }
        return paths
    }
}
