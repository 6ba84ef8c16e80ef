import Foundation

/// A fresh temporary directory per test; tests never touch the real cache.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("DataTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The error's message, or nil when `body` did not throw.
func message(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return String(describing: error) }
}
