import ArgumentParser

/// How much compute a chapter run spends: `smoke` checks the plumbing in seconds, `default` gives meaningful numbers
/// on a laptop, `paper` follows the dissertation's budgets.
///
/// As an option value an unknown name is refused by the argument parser, which lists the allowed ones.
public enum Profile: String, CaseIterable, Codable, Sendable, ExpressibleByArgument {
    case smoke
    case `default`
    case paper

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
