import Foundation

/// A learning rate as a function of the 0-based step index. Set it before each step:
/// `optimizer.learningRate = schedule(step)`.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate at every step.
    case constant(Float)
    /// From `initial` at step 0 straight down to `final` at `steps`, then held at `final`.
    case linearDecay(initial: Float, final: Float, steps: Int)
    /// Linear warm-up to `peak` over `warmupSteps` (rate peak·(s+1)/warmupSteps at step s), then half a cosine
    /// from `peak` down to `minimum` at `totalSteps`, then held at `minimum`.
    case cosine(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float)
    /// `initial`·γ^⌊s / every⌋ (PyTorch's StepLR).
    case step(initial: Float, gamma: Float, every: Int)

    public func callAsFunction(_ step: Int) -> Float { rate(at: step) }

    public func rate(at step: Int) -> Float {
        let s = max(step, 0)
        switch self {
        case .constant(let r):
            return r
        case .linearDecay(let initial, let final, let steps):
            guard steps > 0 else { return final }
            let f = Float(min(s, steps)) / Float(steps)
            return initial + (final - initial) * f
        case .cosine(let peak, let warmup, let total, let minimum):
            if s < warmup { return peak * Float(s + 1) / Float(warmup) }
            let span = max(total - warmup, 1)
            let progress = Double(min(s - warmup, span)) / Double(span)
            return minimum + (peak - minimum) * Float(0.5 * (1 + Foundation.cos(Double.pi * progress)))
        case .step(let initial, let gamma, let every):
            return initial * Foundation.pow(gamma, Float(s / max(every, 1)))
        }
    }
}
