import Foundation

/// The generator's loss as a function of d = D(G(z)), and its derivative with respect to d.
public enum GeneratorLoss: String, Codable, Sendable, CaseIterable {
    /// The minimax loss log(1 − d), minimised by G. Flat at d ≈ 0, where training starts: the gradient
    /// −1/(1 − d) is about −1 there, while a confident D makes the logit gradient vanish (see `logitGradient`).
    case saturating
    /// −log d: same fixed point, steep at d ≈ 0.
    case nonSaturating

    public func value(_ d: Double) -> Double {
        switch self {
        case .saturating: Foundation.log(1 - d)
        case .nonSaturating: -Foundation.log(d)
        }
    }

    /// ∂loss/∂d.
    public func derivative(_ d: Double) -> Double {
        switch self {
        case .saturating: -1 / (1 - d)
        case .nonSaturating: -1 / d
        }
    }

    /// ∂loss/∂ℓ where d = σ(ℓ) is the discriminator's logit: what actually flows back into G.
    /// Saturating: −d (vanishes as d → 0). Non-saturating: −(1 − d) (about −1 as d → 0).
    public func logitGradient(_ d: Double) -> Double {
        derivative(d) * d * (1 - d)
    }
}
