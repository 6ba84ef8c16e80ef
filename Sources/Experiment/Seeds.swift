/// Every seed a run derives from its base seed, written once so that the manifest's seeds and the ones the code
/// draws with cannot drift apart.
public enum Seeds {
    /// What a derived seed is for.
    public enum Purpose: String, Sendable {
        /// The `index`-th training run of a model (repeated runs with different seeds).
        case train
        /// The `index`-th draw of posterior samples from a trained model (an NLL estimate, uncertainty bands).
        case posterior
        /// The `index`-th synthetic data set drawn from a trained model.
        case sample
        /// The `index`-th seed of an evaluator scoring one data set.
        case evaluator
    }

    public static func derive(base: UInt64, purpose: Purpose, index: Int) -> UInt64 {
        switch purpose {
        case .train: base &+ UInt64(index)
        case .posterior: base &+ 2_000 &+ UInt64(index)
        // Offset past the small seeds that training and splits use, so no sample repeats a training draw.
        case .sample: base &+ 1_000 &+ UInt64(index)
        // The same in every run: runs with different base seeds then differ in their generators only.
        case .evaluator: UInt64(index)
        }
    }

    /// The first `count` seeds for `purpose`, as the manifest records them.
    public static func derive(base: UInt64, purpose: Purpose, count: Int) -> [UInt64] {
        (0..<max(count, 0)).map { derive(base: base, purpose: purpose, index: $0) }
    }
}
