import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader (or a run killed midway) sees either the old file or the complete new one, never
/// a torn half: the bytes go to a hidden temporary file in the target's directory (same file system, so
/// `rename(2)` is atomic), are flushed to disk, and only then renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating missing parent directories.
    public static func write(_ data: Data, to url: URL) throws {
        try produce(url) { temporary in try writeNew(data, to: temporary) }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Lets `body` write a temporary file by path (for C libraries that open files themselves), then moves it to
    /// `url`; on any error the temporary file is removed and `url` is untouched.
    public static func produce(_ url: URL, _ body: (String) throws -> Void) throws {
        try produce([url]) { try body($0[0]) }
    }

    /// As `produce(_:_:)` for several files that are committed together: `body` writes one temporary per URL and
    /// nothing is renamed unless it returns and every temporary was flushed, so a failed render leaves all the old
    /// versions. (The renames themselves are separate system calls; a rename refused midway, e.g. because a
    /// target became a directory, leaves the files before it already replaced.) Errors from `body` pass through.
    public static func produce(_ urls: [URL], _ body: ([String]) throws -> Void) throws {
        var directories: [URL] = []
        for directory in urls.map({ $0.deletingLastPathComponent() }) where !directories.contains(directory) {
            directories.append(directory)
        }
        for directory in directories {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw ArtifactError.fileSystem(path: directory.path, operation: "create directory",
                                               reason: (error as NSError).localizedDescription)
            }
        }
        let temporaries = urls.map(temporaryPath)
        defer { temporaries.forEach { unlink($0) } }  // after a successful rename there is nothing left to remove
        try body(temporaries)
        for temporary in temporaries {
            try flush(temporary)
        }
        for (temporary, url) in zip(temporaries, urls) where rename(temporary, url.path) != 0 {
            throw posixError(path: url.path, operation: "rename into place")
        }
        // Flush the directory entries too, so the renames survive a crash; failure here loses nothing.
        for directory in directories {
            let fd = open(directory.path, O_RDONLY)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
    }

    /// A temporary path beside `url`, unique per call so concurrent writers never share one.
    static func temporaryPath(for url: URL) -> String {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
    }

    /// Creates `path` (which must not exist yet) holding exactly `data`.
    private static func writeNew(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw posixError(path: path, operation: "create temporary file") }
        defer { close(fd) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glue.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw posixError(path: path, operation: "write")
                }
                offset += written
            }
        }
    }

    /// Forces a temporary file's bytes to disk before it is renamed, whoever wrote it.
    private static func flush(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw posixError(path: path, operation: "open for flushing") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError(path: path, operation: "flush") }
    }

    private static func posixError(path: String, operation: String) -> ArtifactError {
        ArtifactError.fileSystem(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

/// The C library's `write`, reachable from inside a type that has its own `write` methods.
private enum Glue {
    static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, bytes, count)
        #elseif canImport(Musl)
        Musl.write(fd, bytes, count)
        #else
        Darwin.write(fd, bytes, count)
        #endif
    }
}
