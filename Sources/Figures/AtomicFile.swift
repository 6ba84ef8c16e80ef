import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes that appear all at once or not at all: the content goes to a hidden temporary file in the target's
/// directory (same file system, so `rename(2)` is atomic) and is renamed over the target only when complete.
enum AtomicFile {
    /// A temporary path beside `url`, unique per call so concurrent writers never share one.
    static func temporaryPath(for url: URL) -> String {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
    }

    /// Lets `body` write a temporary file, then moves it to `url`; on any error the temporary file is removed.
    static func produce(_ url: URL, _ body: (String) throws -> Void) throws {
        try produce([url]) { try body($0[0]) }
    }

    /// As `produce(_:_:)` for several files that are committed together once all were written.
    static func produce(_ urls: [URL], _ body: ([String]) throws -> Void) throws {
        guard let directory = urls.first?.deletingLastPathComponent() else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw FigureError.writeFailed(path: directory.path, reason: "cannot create directory: \(error)")
        }
        let temporaries = urls.map(temporaryPath)
        defer { temporaries.forEach { unlink($0) } }  // after a successful rename there is nothing left to remove
        try body(temporaries)
        for (temporary, url) in zip(temporaries, urls) where rename(temporary, url.path) != 0 {
            throw FigureError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
    }

    static func write(_ data: Data, to url: URL) throws {
        try produce(url) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw FigureError.writeFailed(path: url.path, reason: "cannot create \(temporary)")
            }
        }
    }
}
