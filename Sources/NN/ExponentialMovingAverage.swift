import Tensor

/// An exponential moving average of a model's parameters (shadow ← decay·shadow + (1 − decay)·parameter), as
/// used to evaluate diffusion models. Buffers (BatchNorm statistics) are copied, not averaged.
///
///     let ema = ExponentialMovingAverage(of: model, decay: 0.999)
///     … optimizer.step(); ema.update()
///     ema.swap()      // model now holds the averages: evaluate…
///     ema.swap()      // …and back to the live weights
public final class ExponentialMovingAverage {
    public let decay: Float
    public let model: Module
    /// Shadow values by parameter/buffer name, starting as copies of the model's values.
    public private(set) var shadow: [(String, Tensor)]
    /// Number of `update()` calls so far.
    public private(set) var updateCount = 0

    public init(of model: Module, decay: Float) {
        check(decay >= 0 && decay <= 1, "ExponentialMovingAverage: decay must be in [0, 1], got \(decay)")
        self.model = model
        self.decay = decay
        shadow = model.namedState().map { ($0.0, $0.1.copy()) }
    }

    private func live() -> [(String, Tensor, isBuffer: Bool)] {
        let buffers = Set(model.namedBuffers().map { ObjectIdentifier($0.1) })
        let state = model.namedState()
        check(state.map(\.0) == shadow.map(\.0),
                     "ExponentialMovingAverage: the model's parameters changed since the average was created")
        return state.map { ($0.0, $0.1, buffers.contains(ObjectIdentifier($0.1))) }
    }

    /// Moves every shadow value towards the model's current value.
    public func update() {
        let d = decay
        for ((_, s), (_, p, isBuffer)) in zip(shadow, live()) {
            if isBuffer { s.assign(p); continue }
            s.withMutableBuffer { sb in
                p.withBuffer { pb in for i in 0..<sb.count { sb[i] = d * sb[i] + (1 - d) * pb[i] } }
            }
        }
        updateCount += 1
    }

    /// Writes the averaged values into `target`, a module with the same parameter names and shapes (often a copy
    /// of the model kept for sampling).
    public func copy(into target: Module) {
        let values = Dictionary(uniqueKeysWithValues: shadow)
        for (name, t) in target.namedState() {
            guard let s = values[name] else { fatalError("ExponentialMovingAverage: no average for \(name)") }
            check(s.shape == t.shape, "ExponentialMovingAverage: \(name) has shape \(t.shape), average \(s.shape)")
            t.assign(s)
        }
    }

    /// Exchanges the model's values and the averages; calling it twice restores the model.
    public func swap() {
        for ((_, s), (_, p, _)) in zip(shadow, live()) {
            let saved = p.copy()
            p.assign(s)
            s.assign(saved)
        }
    }
}
