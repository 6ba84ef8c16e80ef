import NN
import Tensor

/// TimeGAN's losses, written as the reference computes them (every mean over all elements of its tensor).
public enum TimeGANLoss {
    /// The one-step-ahead supervised loss MSE(H[:, 1:], S(H)[:, :−1]): the supervisor's output at step t should
    /// be the latent state at step t + 1.
    public static func supervised(latent h: Tensor, supervised s: Tensor) -> Tensor {
        let t = h.shape[1]
        return meanSquaredError(predicted: s.sliced(axis: 1, 0..<(t - 1)), expected: h.sliced(axis: 1, 1..<t))
    }

    /// The embedding-phase loss 10·√MSE(X, X̃); also returns MSE(X, X̃) itself.
    public static func reconstruction(data x: Tensor, recovered: Tensor) -> (loss: Tensor, mse: Tensor) {
        let mse = meanSquaredError(predicted: recovered, expected: x)
        return (10 * mse.sqrt(), mse)
    }

    /// BCE of per-step logits against an all-`target` label.
    public static func adversarial(logits: Tensor, target: Float) -> Tensor {
        binaryCrossEntropy(logits: logits, targets: Tensor(repeating: target, shape: logits.shape))
    }

    /// The moment loss V1 + V2: mean |std(X̂) − std(X)| + mean |mean(X̂) − mean(X)|, moments over the batch axis,
    /// std = √(var + 1e-6).
    public static func moments(generated: Tensor, data: Tensor) -> Tensor {
        func stats(_ x: Tensor) -> (mean: Tensor, std: Tensor) {
            let mean = x.mean(axes: [0], keepingDims: true)
            let variance = (x - mean).squared().mean(axes: [0])
            return (mean.squeezingDims(at: 0), (variance + 1e-6).sqrt())
        }
        let g = stats(generated), r = stats(data)
        return (g.std - r.std).abs().mean() + (g.mean - r.mean).abs().mean()
    }
}
