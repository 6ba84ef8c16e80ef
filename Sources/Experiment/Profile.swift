/// How much compute a chapter run spends: `smoke` checks the plumbing in seconds, `default` gives meaningful numbers
/// on a laptop, `paper` follows the dissertation's budgets.
public enum Profile: String, CaseIterable, Codable, Sendable {
    case smoke
    case `default`
    case paper

    /// Parses a profile name, failing with a message that names the option and the allowed values.
    /// - Parameter option: the option the value came from, quoted in the error (e.g. `--profile`).
    public init(parsing text: String, option: String = "--profile") throws {
        guard let profile = Profile(rawValue: text) else {
            throw KitError.unknownValue(option: option, value: text, allowed: Profile.allCases.map(\.rawValue))
        }
        self = profile
    }

    /// Picks the setting for this profile, so a chapter states all three budgets in one place:
    /// `let steps = profile.choose(smoke: 20, default: 3_000, paper: 30_000)`.
    public func choose<Value>(smoke: Value, default defaultValue: Value, paper: Value) -> Value {
        switch self {
        case .smoke: smoke
        case .default: defaultValue
        case .paper: paper
        }
    }
}
