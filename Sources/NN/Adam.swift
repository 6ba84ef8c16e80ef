import CKernels
import Foundation
import Tensor

/// Adam's per-parameter state: first and second moment estimates and the number of updates so far.
public struct AdamState {
    public var firstMoment: [Float]
    public var secondMoment: [Float]
    public var stepCount: Int
}

/// Adam (Kingma & Ba 2015), as in PyTorch. `weightDecay` is classic L2 regularisation folded into the gradient
/// (g ← ∇ + λp), which Adam's scaling then weakens; use `AdamW` for decoupled decay.
///
///     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
///     p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
public class Adam: PerParameterOptimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public let source: ParameterSource
    public var states: [ObjectIdentifier: ParameterState<AdamState>] = [:]

    /// Whether `weightDecay` is decoupled (AdamW) rather than L2.
    var decoupled: Bool { false }

    public init(for model: Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.source = .module(model)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.source = .tensors(parameters)
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public func makeState(for parameter: Tensor) -> AdamState {
        AdamState(firstMoment: [Float](repeating: 0, count: parameter.count),
                  secondMoment: [Float](repeating: 0, count: parameter.count), stepCount: 0)
    }

    public func update(_ parameter: Tensor, gradient: Tensor, state: inout AdamState) {
        state.stepCount += 1
        guard parameter.count > 0 else { return }
        let t = Double(state.stepCount)
        let bc1 = Float(1 - Foundation.pow(Double(beta1), t)), bc2 = Float(1 - Foundation.pow(Double(beta2), t))
        let decay = decoupled ? learningRate * weightDecay : 0
        let l2 = decoupled ? 0 : weightDecay
        let (lr, b1, b2, eps) = (learningRate, beta1, beta2, epsilon)
        parameter.withMutableBuffer { p in
            gradient.withBuffer { g in
                state.firstMoment.withUnsafeMutableBufferPointer { m in
                    state.secondMoment.withUnsafeMutableBufferPointer { v in
                        kit_adam(p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, p.count,
                                 lr, b1, b2, eps, bc1, bc2, decay, l2)
                    }
                }
            }
        }
    }
}

/// AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, p ← p − lr·λ·p before the Adam step
/// (PyTorch's default λ = 0.01).
public final class AdamW: Adam {
    override var decoupled: Bool { true }

    public override init(for model: Module, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                         epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(for: model, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay)
    }

    public override init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9,
                         beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
                   epsilon: epsilon, weightDecay: weightDecay)
    }
}
