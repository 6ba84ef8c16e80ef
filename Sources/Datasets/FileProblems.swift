import Foundation

/// Plain words for why a file could not be read or parsed, in place of Foundation's raw errors
/// (`NSCocoaErrorDomain error 256`, "The given data was not valid JSON.").
public enum FileProblem {
    /// Why `url` cannot be read as a file — no such file, a directory, no permission — or nil when it can.
    static func problem(with url: URL) -> String? {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "\(url.path) is a directory, not a file" }
        if !FileManager.default.isReadableFile(atPath: url.path) { return "permission denied" }
        return nil
    }

    /// Why reading `url` failed with `error`, in those words where they apply, else Foundation's.
    public static func unreadable(_ url: URL, error: Error) -> String {
        problem(with: url) ?? (error as NSError).localizedDescription
    }

    /// Checks that `url` is a readable file before anything expensive starts.
    public static func checkReadable(_ url: URL) throws {
        if let reason = problem(with: url) { throw DataError.unreadable(file: url.path, reason: reason) }
    }

    /// Where `data` stops being JSON, as "line L, column C" (1-based, columns in characters), or nil when it
    /// is valid JSON. The decoder says only that the data is invalid; `JSONSerialization` gives the offset.
    public static func jsonSyntaxPosition(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            guard let range = message.range(of: #"character \d+"#, options: .regularExpression),
                  let offset = Int(message[range].dropFirst("character ".count)) else { return nil }
            let prefix = data.prefix(min(offset, data.count))
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? prefix.startIndex
            let column = String(decoding: prefix[lineStart...], as: UTF8.self).count + 1
            return "line \(line), column \(column)"
        }
    }

    /// What a decoder's error means in a file: for a syntax error, where it is; else the coding path and why.
    public static func explain(_ error: DecodingError, in data: Data) -> String {
        if case let .dataCorrupted(context) = error, context.codingPath.isEmpty, let position = jsonSyntaxPosition(data) {
            return "not valid JSON: syntax error at \(position)"
        }
        return Schema.explain(error)
    }
}
