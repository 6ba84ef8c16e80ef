import Foundation
import Tensor

/// The global L2 norm of the gradients of `parameters` (those without a gradient count as zero).
public func gradientNorm(_ parameters: [Tensor]) -> Float {
    var total = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        g.withBuffer { b in for x in b { total += Double(x) * Double(x) } }
    }
    return Float(total.squareRoot())
}

/// Scales all gradients by one factor so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`: factor maxNorm / (norm + 1e-6), applied only when it is below 1). Returns the norm before
/// clipping. Each gradient is replaced by a scaled copy through `setGrad`; gradient buffers are never written,
/// since two tensors' gradients may share one.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    check(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    let norm = gradientNorm(parameters)
    let factor = maxNorm / (norm + 1e-6)
    guard factor < 1 else { return norm }
    withoutGrad {
        for p in parameters {
            guard let g = p.grad else { continue }
            p.setGrad(g * factor)
        }
    }
    return norm
}

/// Clips the gradients of every parameter of `model`; see `clipGradientNorm(_:maxNorm:)`.
@discardableResult
public func clipGradientNorm(of model: Module, maxNorm: Float) -> Float {
    clipGradientNorm(model.parameters, maxNorm: maxNorm)
}
