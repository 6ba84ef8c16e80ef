import Foundation

/// A JSON document as a value: configurations pass through it to be hashed canonically and embedded in
/// manifests whatever Swift type held them, and the report reads manifests and result files back through it.
///
/// Integers keep their exact value up to `Int64`; any other number is a `Double`. Readers that only want a
/// number use `number`, which accepts both.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Converts any `Encodable` value by encoding it and reading the result back.
    public init(encoding value: some Encodable) throws {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        } catch {
            throw ArtifactError.encoding(what: String(describing: type(of: value)), reason: describe(error))
        }
    }

    /// Parses a JSON document.
    public static func load(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

// MARK: - Accessors

extension JSONValue {
    /// The member named `key` of an object; nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case let .string(value) = self { return value }; return nil }
    /// Any number, integer or not: which case a JSON number decodes to is an encoding detail.
    public var number: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .number(value): value
        default: nil
        }
    }
    public var bool: Bool? { if case let .bool(value) = self { return value }; return nil }
    public var array: [JSONValue]? { if case let .array(value) = self { return value }; return nil }
    public var object: [String: JSONValue]? { if case let .object(value) = self { return value }; return nil }

    /// Compact, key-sorted rendering for people (configs and seeds in a report): strings unquoted.
    public var compact: String {
        switch self {
        case .null: "null"
        case let .bool(value): value ? "true" : "false"
        case let .integer(value): String(value)
        case let .number(value): formatNumber(value)
        case let .string(value): value
        case let .array(items): "[" + items.map(\.compact).joined(separator: ", ") + "]"
        case let .object(members):
            "{" + members.keys.sorted().map { "\($0): \(members[$0]!.compact)" }.joined(separator: ", ") + "}"
        }
    }
}

/// Shortest faithful decimal form of a number: integral values without a fraction (so `3` and `3.0` read and
/// hash alike), the rest in Swift's shortest round-trip spelling, which (unlike Foundation's number formatting)
/// does not change between platforms or releases.
public func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return value.description
}

// MARK: - Canonical text

extension JSONValue {
    /// The canonical text: object keys sorted by their UTF-8 bytes, no insignificant whitespace, numbers spelled
    /// by `formatNumber`, strings escaped minimally. Equal values always give equal bytes, whatever order the
    /// keys were written in. Throws `ArtifactError.encoding` for a NaN or infinity, naming where it is.
    ///
    /// With `pretty`, the same ordering and spelling is laid out with two-space indents for people to read;
    /// arrays of scalars stay on one line.
    public func canonicalText(pretty: Bool = false) throws -> String {
        var out = ""
        try write(into: &out, pretty: pretty, indent: 0, path: "$")
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private func write(into out: inout String, pretty: Bool, indent: Int, path: String) throws {
        switch self {
        case .null: out += "null"
        case let .bool(value): out += value ? "true" : "false"
        case let .integer(value): out += String(value)
        case let .number(value):
            guard value.isFinite else {
                throw ArtifactError.encoding(what: "number at \(path)", reason: "\(value) has no JSON spelling")
            }
            out += formatNumber(value)
        case let .string(value): appendQuoted(value, to: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            let inline = !pretty || items.allSatisfy(\.isScalar)
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += inline && pretty ? ", " : "," }
                if !inline { newline(&out, indent + 1) }
                try item.write(into: &out, pretty: pretty, indent: indent + 1, path: "\(path)[\(index)]")
            }
            if !inline { newline(&out, indent) }
            out += "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, key) in members.keys.sorted(by: utf8Precedes).enumerated() {
                if index > 0 { out += "," }
                if pretty { newline(&out, indent + 1) }
                appendQuoted(key, to: &out)
                out += pretty ? ": " : ":"
                try members[key]!.write(into: &out, pretty: pretty, indent: indent + 1, path: "\(path).\(key)")
            }
            if pretty { newline(&out, indent) }
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: Int) {
        out += "\n" + String(repeating: "  ", count: indent)
    }
}

extension JSONValue {
    /// `text` as a JSON string literal, quoted and minimally escaped: the one spelling of strings in every JSON
    /// this kit writes by hand (safetensors headers) or through `canonicalText`.
    public static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }
}

private func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

private func appendQuoted(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
