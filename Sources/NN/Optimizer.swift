import Foundation
import Tensor

/// Where an optimizer finds its parameters: a module (walked again at every step, so parameters added or
/// replaced later are picked up) or a fixed list.
public enum ParameterSource {
    case module(Module)
    case tensors([Tensor])

    public var current: [Tensor] {
        switch self {
        case .module(let m): m.parameters
        case .tensors(let ts): ts
        }
    }
}

/// A parameter's optimizer state, holding the parameter itself so its identity cannot be reused by another
/// tensor while the state exists.
public struct ParameterState<State> {
    public let parameter: Tensor
    public var state: State
}

/// Something that updates parameters from their gradients. A training loop:
///
///     let rng = RandomGenerator(seed: 0)
///     let model = Sequential(Linear(inputSize: 2, outputSize: 64, rng: rng), SiLU(),
///                            Linear(inputSize: 64, outputSize: 1, rng: rng))
///     let optimizer = AdamW(for: model, learningRate: 1e-3)
///     let schedule = LearningRateSchedule.cosine(peak: 1e-3, warmupSteps: 100, totalSteps: 10_000, minimum: 0)
///     let ema = ExponentialMovingAverage(of: model, decay: 0.999)
///     for step in 0..<10_000 {
///         let (x, y) = batch(step)
///         model.zeroGrad()
///         let loss = meanSquaredError(predicted: model(x), expected: y)
///         loss.backward()
///         clipGradientNorm(of: model, maxNorm: 1)
///         optimizer.learningRate = schedule(step)
///         optimizer.step()
///         ema.update()
///     }
///     try model.save(to: URL(fileURLWithPath: "model.safetensors"))
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Updates every parameter that has a gradient (parameters without one are left alone, their state too).
    func step()
}

/// An optimizer written as one rule applied to each parameter separately (MLX's `applySingle`), with state
/// kept per parameter and keyed by the parameter's identity.
public protocol PerParameterOptimizer: Optimizer {
    associatedtype State
    var source: ParameterSource { get }
    var states: [ObjectIdentifier: ParameterState<State>] { get set }
    /// Fresh state for a parameter seen for the first time.
    func makeState(for parameter: Tensor) -> State
    /// Updates `parameter` in place from `gradient` (same shape).
    func update(_ parameter: Tensor, gradient: Tensor, state: inout State)
}

extension PerParameterOptimizer {
    public func step() {
        for p in source.current {
            guard let g = p.grad else { continue }
            let key = ObjectIdentifier(p)
            var entry = states[key] ?? ParameterState(parameter: p, state: makeState(for: p))
            states[key] = nil  // keep the state uniquely referenced while it is mutated
            update(p, gradient: g, state: &entry.state)
            states[key] = entry
        }
    }

    /// The state of one parameter, if it has been updated before.
    public func state(of parameter: Tensor) -> State? { states[ObjectIdentifier(parameter)]?.state }

    /// Forgets all state (momentum buffers, moment estimates, step counts).
    public func resetState() { states = [:] }

    /// Clears the gradients of every parameter the optimizer updates.
    public func zeroGrad() { for p in source.current { p.zeroGrad() } }
}

/// Stochastic gradient descent with optional momentum (and Nesterov momentum) and L2 weight decay, following
/// PyTorch: g ← ∇ + λp; b ← μb + (1 − dampening)g (b = g at the first step); d = g + μb (Nesterov) or b;
/// p ← p − lr·d.
public final class SGD: PerParameterOptimizer {
    public var learningRate: Float
    public var momentum: Float
    public var dampening: Float
    public var nesterov: Bool
    public var weightDecay: Float
    public let source: ParameterSource
    public var states: [ObjectIdentifier: ParameterState<[Float]?>] = [:]

    public convenience init(for model: Module, learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                            nesterov: Bool = false, weightDecay: Float = 0) {
        self.init(source: .module(model), learningRate: learningRate, momentum: momentum,
                  dampening: dampening, nesterov: nesterov, weightDecay: weightDecay)
    }

    public convenience init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                            nesterov: Bool = false, weightDecay: Float = 0) {
        self.init(source: .tensors(parameters), learningRate: learningRate, momentum: momentum,
                  dampening: dampening, nesterov: nesterov, weightDecay: weightDecay)
    }

    init(source: ParameterSource, learningRate: Float, momentum: Float, dampening: Float, nesterov: Bool,
         weightDecay: Float) {
        self.source = source
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        check(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
    }

    public func makeState(for parameter: Tensor) -> [Float]? { nil }

    public func update(_ parameter: Tensor, gradient: Tensor, state buffer: inout [Float]?) {
        let lr = learningRate, mu = momentum, damp = dampening, wd = weightDecay, nesterov = nesterov
        parameter.withMutableBuffer { p in
            gradient.withBuffer { g in
                if mu == 0 {
                    for i in 0..<p.count { p[i] -= lr * (g[i] + wd * p[i]) }
                    return
                }
                let first = buffer == nil
                var b = buffer ?? [Float](repeating: 0, count: p.count)
                for i in 0..<p.count {
                    let gi = g[i] + wd * p[i]
                    b[i] = first ? gi : mu * b[i] + (1 - damp) * gi
                    p[i] -= lr * (nesterov ? gi + mu * b[i] : b[i])
                }
                buffer = b
            }
        }
    }
}
