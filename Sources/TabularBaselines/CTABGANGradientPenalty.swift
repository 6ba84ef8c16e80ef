import Foundation
import Tensor

/// CTAB-GAN+'s `slerp`: per row, the spherical interpolation sin((1 − α)ω)/sin ω · low + sin(αω)/sin ω · high,
/// ω the angle between the rows (row-major [rows, width]). Where sin ω vanishes (parallel rows), where the
/// reference divides by zero, the kit interpolates linearly.
func slerp(_ low: [Float], _ high: [Float], width: Int, alpha: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: low.count)
    for r in alpha.indices {
        let range = (r * width)..<((r + 1) * width)
        var dot = 0.0, lowNorm = 0.0, highNorm = 0.0
        for j in range {
            dot += Double(low[j]) * Double(high[j])
            lowNorm += Double(low[j]) * Double(low[j])
            highNorm += Double(high[j]) * Double(high[j])
        }
        let cosine = min(max(dot / (lowNorm.squareRoot() * highNorm.squareRoot()), -1), 1)
        let omega = Foundation.acos(cosine), s = Foundation.sin(omega), a = Double(alpha[r])
        let (wLow, wHigh) = s > 1e-6 && cosine.isFinite
            ? (Foundation.sin((1 - a) * omega) / s, Foundation.sin(a * omega) / s) : (1 - a, a)
        for j in range { out[j] = Float(wLow * Double(low[j]) + wHigh * Double(high[j])) }
    }
    return out
}

/// CTAB-GAN+'s gradient penalty, λ · mean over rows and image cells of (|∂D/∂x_cell| − 1)²: the reference takes
/// the gradient's 2-norm over the singleton channel axis of the [B, 1, side, side] input, i.e. each cell's |g|.
///
/// The kit's tape cannot differentiate a gradient, so the penalty's parameter gradient comes from a surrogate.
/// With g = ∇ₓD(x̂) taken by the tape and v = 2λ/M · (|g| − 1) · sign(g) held fixed (M cells), ∂P/∂θ = ∂(vᵀg)/∂θ,
/// and vᵀg, a directional derivative, is a central difference of D: per row, ‖vᵢ‖ (D(x̂ᵢ + huᵢ) − D(x̂ᵢ − huᵢ))/2h
/// with uᵢ = vᵢ/‖vᵢ‖ and h = 10⁻² (rows are independent: the critic's LayerNorm normalises each row alone).
/// The returned tensor has the exact penalty as its value and that surrogate's gradient, correct to O(h²).
func ctabganGradientPenalty(at images: Tensor, weight lambda: Float, critic: (Tensor) -> Tensor,
                            parameters: [Tensor]) -> Tensor {
    let rows = images.shape[0], cells = images.count / rows
    let point = images.copy()
    point.requiresGrad = true
    let frozen = parameters.map(\.requiresGrad)
    for p in parameters { p.requiresGrad = false }
    critic(point).sum().backward()
    for (p, f) in zip(parameters, frozen) { p.requiresGrad = f }
    let g = point.grad!.scalars
    let m = Double(images.count), l = Double(lambda)
    var value = 0.0
    var direction = [Float](repeating: 0, count: g.count), norms = [Float](repeating: 0, count: rows)
    for r in 0..<rows {
        var norm = 0.0
        for k in (r * cells)..<((r + 1) * cells) {
            let magnitude = Double(Swift.abs(g[k]))
            value += (magnitude - 1) * (magnitude - 1)
            let v = 2 * l / m * (magnitude - 1) * (g[k] > 0 ? 1 : g[k] < 0 ? -1 : 0)
            direction[k] = Float(v)
            norm += v * v
        }
        norms[r] = Float(norm.squareRoot())
        for k in (r * cells)..<((r + 1) * cells) where norm > 0 { direction[k] /= norms[r] }
    }
    let h: Float = 1e-2
    let step = Tensor(direction.map { $0 * h }, shape: images.shape)
    let surrogate = ((critic(images + step) - critic(images - step)) * Tensor(norms.map { $0 / (2 * h) }, shape: [rows])).sum()
    let penalty = Float(l * value / m)
    return surrogate - Tensor(repeating: surrogate.item - penalty, shape: surrogate.shape)
}
