import Artifacts
import Foundation
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file that cannot be read or written, with the file and the problem.
public struct SafeTensorsError: Error, CustomStringConvertible, LocalizedError {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "safetensors file \(file): \(problem)" }
    public var errorDescription: String? { description }
}

/// The safetensors format (Hugging Face), Float32 only:
///
///     8 bytes   N, the header length, unsigned little-endian
///     N bytes   JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
///                      "__metadata__": {"key": "value", …}} (optional metadata), padded with spaces
///     rest      the tensors' raw little-endian bytes; offsets are relative to the start of this buffer, which
///               they must cover exactly, without holes or overlaps
public enum SafeTensors {
    /// Headers above this size are rejected as corrupt (the reference implementation's limit).
    public static let maximumHeaderLength = 100_000_000

    // MARK: Writing

    /// The file's bytes for `tensors` in the given order (names must be distinct) and string `metadata`.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) -> Data {
        check(Set(tensors.map(\.0)).count == tensors.count, "SafeTensors: duplicate tensor names")
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(JSONValue.quoted($0.key)):\(JSONValue.quoted($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, t) in tensors {
            let end = offset + 4 * t.count
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\(JSONValue.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, t) in tensors {
            t.withBuffer { b in
                if 1.littleEndian == 1 {
                    data.append(UnsafeBufferPointer(start: b.baseAddress, count: b.count))
                } else {
                    for x in b { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                }
            }
        }
        return data
    }

    /// Writes `tensors` to `url` atomically: the bytes go to a temporary file in the same directory, which is then
    /// renamed over the destination, so readers see the old file or the new one, never a partial one.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        let data = encode(tensors, metadata: metadata)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
        } catch {
            throw SafeTensorsError(file: url.path, problem: "cannot write temporary file \(temporary.path): \(error)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SafeTensorsError(file: url.path, problem: "cannot rename the temporary file into place: \(reason)")
        }
    }

    // MARK: Reading

    /// Every tensor in `url` (in file order) and the metadata. Throws `SafeTensorsError` for any malformed file.
    public static func read(from url: URL) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SafeTensorsError(file: url.path, problem: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, file: url.path)
    }

    /// Parses a file's bytes; `file` names it in errors.
    public static func decode(_ data: Data, file: String = "<memory>") throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        func fail(_ problem: String) -> SafeTensorsError { SafeTensorsError(file: file, problem: problem) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw fail("truncated: \(bytes.count) bytes, too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength >= 2, headerLength <= UInt64(maximumHeaderLength) else {
            throw fail("implausible header length \(headerLength) (the file is corrupt or not safetensors)")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("truncated: the header claims \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart
        let headerBytes = Data(bytes[8..<dataStart])
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = json as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let m = meta as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (k, v) in m {
                guard let s = v as? String else { throw fail("__metadata__ value for \(k) is not a string") }
                metadata[k] = s
            }
        }

        struct Entry { let name: String; let shape: [Int]; let begin: Int; let end: Int }
        var entries: [Entry] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any] else { throw fail("entry \(name) is not an object") }
            guard let dtype = info["dtype"] as? String else { throw fail("entry \(name) has no dtype") }
            guard dtype == "F32" else { throw fail("entry \(name) has dtype \(dtype); only F32 is supported") }
            guard let shapeValues = info["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("entry \(name) has no valid shape (a list of non-negative integers)")
            }
            guard let offsetValues = info["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
                throw fail("entry \(name) has no valid data_offsets (two integers)")
            }
            var count = 1
            for d in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, p <= dataSize else { throw fail("entry \(name) has shape \(shape), larger than the data (\(dataSize) bytes)") }
                count = p
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw fail("entry \(name) has data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data buffer (truncated?)")
            }
            guard end - begin == 4 * count else {
                throw fail("entry \(name) has \(end - begin) bytes for shape \(shape) (\(4 * count) expected)")
            }
            entries.append(Entry(name: name, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for e in entries {
            guard e.begin == covered else {
                throw fail(e.begin < covered ? "entry \(e.name) overlaps the previous tensor's data"
                                             : "hole in the data buffer before entry \(e.name) (bytes \(covered)..<\(e.begin))")
            }
            covered = e.end
        }
        guard covered == dataSize else {
            throw fail("the data buffer has \(dataSize) bytes but the tensors cover \(covered)")
        }

        let tensors = entries.map { e -> (String, Tensor) in
            let t = Tensor(zeros: e.shape)
            t.withMutableBuffer { out in
                bytes.withUnsafeBytes { raw in
                    for i in 0..<out.count {
                        let bits = raw.loadUnaligned(fromByteOffset: dataStart + e.begin + 4 * i, as: UInt32.self)
                        out[i] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                }
            }
            return (e.name, t)
        }
        return (tensors, metadata)
    }

    /// Whole numbers from a JSON array, or nil if any element is not one.
    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            if let i = v as? Int { out.append(i); continue }
            guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded(), Swift.abs(n.doubleValue) < 1e15 else { return nil }
            out.append(n.intValue)
        }
        return out
    }
}

extension Module {
    /// Saves every parameter and buffer (`namedState()`) to a safetensors file, atomically.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(namedState(), metadata: metadata, to: url)
    }

    /// Loads parameters and buffers saved by `save(to:)`. The file must hold exactly this module's names with
    /// matching shapes; nothing is changed unless every check passes. Returns the file's metadata.
    @discardableResult
    public func load(from url: URL) throws -> [String: String] {
        let (tensors, metadata) = try SafeTensors.read(from: url)
        let stored = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        let own = namedState()
        let ownNames = Set(own.map(\.0))
        let missing = own.map(\.0).filter { stored[$0] == nil }
        let unexpected = tensors.map(\.0).filter { !ownNames.contains($0) }.sorted()
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.joined(separator: ", "))") }
            throw SafeTensorsError(file: url.path, problem: "names do not match the model: \(parts.joined(separator: "; "))")
        }
        for (name, t) in own where stored[name]!.shape != t.shape {
            throw SafeTensorsError(file: url.path,
                                   problem: "shape mismatch for \(name): file has \(stored[name]!.shape), model has \(t.shape)")
        }
        for (name, t) in own { t.assign(stored[name]!) }
        return metadata
    }
}
