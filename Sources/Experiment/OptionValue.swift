import Foundation

/// Parsers for option values, for `@Option(transform:)`: a bad value stops the program before anything runs, and
/// the argument parser's message names the option ("The value '' is invalid for '--models <models>': …").
///
/// ```swift
/// @Option(help: "Models to run.", transform: OptionValue.list(of: ModelKind.self))
/// var models: [ModelKind]?
/// @Option(help: "Training steps.", transform: OptionValue.integer(atLeast: 1))
/// var steps: Int?
/// ```
public enum OptionValue {
    /// A comma-separated list of distinct names from `allowed`, in the order given. An empty list is refused (it
    /// would run nothing and still replace the previous run's results), and so is a name given twice.
    public static func list(allowed: [String]) -> @Sendable (String) throws -> [String] {
        { text in
            let names = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard names != [""] else {
                throw OptionValueError("the list is empty; give at least one of: \(allowed.joined(separator: ", "))")
            }
            var seen: Set<String> = []
            for name in names {
                guard !name.isEmpty else { throw OptionValueError("an empty name in the list (two commas in a row, or one at an end)") }
                guard allowed.contains(name) else {
                    throw OptionValueError("unknown value '\(name)'; allowed values: \(allowed.joined(separator: ", "))")
                }
                guard seen.insert(name).inserted else { throw OptionValueError("'\(name)' is listed twice") }
            }
            return names
        }
    }

    /// `list(allowed:)` for an enumeration whose raw values are the names.
    public static func list<Value: RawRepresentable & CaseIterable>(of type: Value.Type) -> @Sendable (String) throws -> [Value]
    where Value.RawValue == String {
        let parse = list(allowed: Value.allCases.map(\.rawValue))
        return { text in try parse(text).compactMap(Value.init(rawValue:)) }
    }

    /// A whole number of at least `minimum` (a count of steps or threads), so that no later range can be empty.
    public static func integer(atLeast minimum: Int) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw OptionValueError("not a whole number")
            }
            guard value >= minimum else { throw OptionValueError("must be at least \(minimum)") }
            return value
        }
    }
}

/// Why an option's value was refused; the argument parser prints it after the option's name.
public struct OptionValueError: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
