/// The worst disagreement between backward() and central finite differences, for tests.
public struct GradientCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| / max(1, |analytic|, |numeric|) over all checked elements.
    public var maxRelativeError: Float
    public var worstInput: Int
    public var worstIndex: Int
    public var analytic: Float
    public var numeric: Float

    public var description: String {
        "input \(worstInput)[\(worstIndex)]: analytic \(analytic), numeric \(numeric), relative error \(maxRelativeError)"
    }
}

/// Compares the gradient of `f` with respect to each input against central differences of a random projection
/// ⟨f(inputs), r⟩, so every output element contributes with its own weight (a sum would hide sign errors that
/// cancel). Inputs are perturbed in place and restored.
public func checkGradients(of inputs: [Tensor], epsilon: Float = 3e-3, seed: UInt64 = 7,
                           _ f: ([Tensor]) -> Tensor) -> GradientCheckResult {
    for x in inputs { x.requiresGrad = true; x.zeroGrad() }
    let probe = f(inputs)
    let weights = RandomGenerator(seed: seed).uniform(probe.shape, low: -1, high: 1)
    (probe * weights).sum().backward()
    let analytic = inputs.map { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }

    func objective() -> Double {
        let y = withoutGrad { f(inputs) }
        var acc = 0.0
        y.withBuffer { yb in weights.withBuffer { wb in for i in 0..<yb.count { acc += Double(yb[i]) * Double(wb[i]) } } }
        return acc
    }

    var worst = GradientCheckResult(maxRelativeError: 0, worstInput: -1, worstIndex: -1, analytic: 0, numeric: 0)
    for (k, x) in inputs.enumerated() {
        for i in 0..<x.count {
            let original = x.withBuffer { $0[i] }
            x.withMutableBuffer { $0[i] = original + epsilon }
            let plus = objective()
            x.withMutableBuffer { $0[i] = original - epsilon }
            let minus = objective()
            x.withMutableBuffer { $0[i] = original }
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let a = analytic[k][i]
            let err = Swift.abs(a - numeric) / Swift.max(1, Swift.abs(a), Swift.abs(numeric))
            if err > worst.maxRelativeError || worst.worstInput < 0 {
                worst = GradientCheckResult(maxRelativeError: err, worstInput: k, worstIndex: i, analytic: a, numeric: numeric)
            }
        }
    }
    for x in inputs { x.zeroGrad() }
    return worst
}
