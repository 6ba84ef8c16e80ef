import Foundation

/// A JSON document as a value. Configurations pass through it so they can be hashed canonically and embedded in
/// the manifest whatever Swift type the chapter used to hold them.
///
/// Integers keep their exact value up to `Int64`; any other number is a `Double`.
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
        let encoder = JSONEncoder()
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw KitError.encoding(what: String(describing: type(of: value)), reason: describe(error))
        }
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw KitError.encoding(what: String(describing: type(of: value)), reason: describe(error))
        }
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

// MARK: - Canonical text

extension JSONValue {
    /// The canonical text: object keys sorted by their UTF-8 bytes, no insignificant whitespace, numbers in one
    /// fixed spelling (integral values without a fraction, others in Swift's shortest round-trip form), strings
    /// escaped minimally. Equal values always give equal bytes, whatever order the keys were written in.
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
        case let .number(value): out += try canonicalNumber(value, path: path)
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

/// Integral doubles print like integers so `3` and `3.0` hash alike; the rest use Swift's shortest round-trip
/// spelling, which (unlike Foundation's number formatting) does not change between platforms or releases.
private func canonicalNumber(_ value: Double, path: String) throws -> String {
    guard value.isFinite else {
        throw KitError.encoding(what: "number at \(path)", reason: "\(value) has no JSON spelling")
    }
    if value == value.rounded(), abs(value) < 1e15 {
        return String(Int64(value))
    }
    return value.description
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

/// Error text for messages: decoding errors carry their coding path, which is what the reader needs.
func describe(_ error: any Error) -> String {
    switch error {
    case let error as KitError:
        return error.description
    case let DecodingError.dataCorrupted(context),
         let DecodingError.keyNotFound(_, context),
         let DecodingError.typeMismatch(_, context),
         let DecodingError.valueNotFound(_, context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    case let EncodingError.invalidValue(_, context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    default:
        return String(describing: error)
    }
}
