import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader (or a run killed midway) sees either the old file or the complete new one, never
/// a torn half: the bytes go to a temporary file in the same directory, are flushed to disk, then renamed over
/// the target, which POSIX makes atomic.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating missing parent directories.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KitError.fileSystem(path: directory.path, operation: "create directory", reason: reason(error))
        }
        let target = url.path
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))").path

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw posixError(path: temporary, operation: "create temporary file") }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = Glue.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw posixError(path: temporary, operation: "write")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw posixError(path: temporary, operation: "flush") }
        }
        guard rename(temporary, target) == 0 else { throw posixError(path: target, operation: "rename into place") }
        succeeded = true
        // Flush the directory entry too, so the rename itself survives a crash; failure here loses nothing.
        let directoryFD = open(directory.path, O_RDONLY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    private static func posixError(path: String, operation: String) -> KitError {
        KitError.fileSystem(path: path, operation: operation, reason: String(cString: strerror(errno)))
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
