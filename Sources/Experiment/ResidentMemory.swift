import Foundation

/// The process's memory high-water mark, for runs that must show they fit (chapter 2's reference needs 88–210 GB
/// of RAM for its pixel features; the kit prints what it used).
public enum ResidentMemory {
    /// Peak resident set size in bytes (Linux `VmHWM`), or nil where `/proc` does not say.
    public static var peakBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
