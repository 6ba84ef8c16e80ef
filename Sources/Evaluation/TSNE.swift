import Foundation
import Tensor

/// Exact t-SNE (van der Maaten & Hinton 2008) for small point sets (n up to about a thousand): Gaussian
/// affinities calibrated to a perplexity by bisection, symmetrised, a Student-t kernel in 2-D, gradient descent
/// with momentum and per-coordinate gains, and early exaggeration.
public struct TSNE: Sendable {
    public var perplexity = 30.0
    public var iterations = 300
    /// Steps at the start during which P is multiplied by `exaggeration` (momentum 0.5 then, 0.8 after).
    public var exaggerationIterations = 100
    public var exaggeration = 12.0
    public var learningRate = 200.0

    public init(perplexity: Double = 30, iterations: Int = 300) {
        self.perplexity = perplexity
        self.iterations = iterations
    }

    /// The 2-D embedding of `points` (each an array of one dimension), from a N(0, 10⁻⁴) start drawn from `rng`.
    public func embed(_ points: [[Double]], rng: RandomGenerator) -> [[Double]] {
        let n = points.count
        guard n > 1 else { return points.map { _ in [0, 0] } }
        let p = affinities(points)
        let start = rng.normal([n, 2], std: 1e-2).scalars.map(Double.init)
        var y = start, velocity = [Double](repeating: 0, count: 2 * n), gains = [Double](repeating: 1, count: 2 * n)
        var q = [Double](repeating: 0, count: n * n), gradient = [Double](repeating: 0, count: 2 * n)
        for iteration in 0..<iterations {
            let scale = iteration < exaggerationIterations ? exaggeration : 1
            let momentum = iteration < exaggerationIterations ? 0.5 : 0.8
            // Student-t kernel 1/(1 + |y_i − y_j|²) and its total.
            var total = 0.0
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                    let w = 1 / (1 + dx * dx + dy * dy)
                    q[i * n + j] = w; q[j * n + i] = w
                    total += 2 * w
                }
            }
            // ∂C/∂y_i = 4 Σ_j (s·p_ij − q_ij) w_ij (y_i − y_j), with q_ij = w_ij / total.
            for i in 0..<n {
                var gx = 0.0, gy = 0.0
                for j in 0..<n where j != i {
                    let w = q[i * n + j]
                    let f = (scale * p[i * n + j] - w / total) * w
                    gx += f * (y[2 * i] - y[2 * j]); gy += f * (y[2 * i + 1] - y[2 * j + 1])
                }
                gradient[2 * i] = 4 * gx; gradient[2 * i + 1] = 4 * gy
            }
            for k in 0..<(2 * n) {
                let sameSign = (gradient[k] > 0) == (velocity[k] > 0)
                gains[k] = Swift.max(sameSign ? gains[k] * 0.8 : gains[k] + 0.2, 0.01)
                velocity[k] = momentum * velocity[k] - learningRate * gains[k] * gradient[k]
                y[k] += velocity[k]
            }
            // Keep the embedding centred.
            var mx = 0.0, my = 0.0
            for i in 0..<n { mx += y[2 * i]; my += y[2 * i + 1] }
            mx /= Double(n); my /= Double(n)
            for i in 0..<n { y[2 * i] -= mx; y[2 * i + 1] -= my }
        }
        return (0..<n).map { [y[2 * $0], y[2 * $0 + 1]] }
    }

    /// Symmetric joint probabilities p_ij = (p_j|i + p_i|j)/(2n), each conditional calibrated so that its
    /// perplexity 2^H matches `perplexity` (bisection on the Gaussian precision).
    func affinities(_ points: [[Double]]) -> [Double] {
        let n = points.count
        var distances = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                var s = 0.0
                for k in points[i].indices { let d = points[i][k] - points[j][k]; s += d * d }
                distances[i * n + j] = s; distances[j * n + i] = s
            }
        }
        let target = Foundation.log(Swift.min(perplexity, Double(n - 1)))
        var conditional = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var beta = 1.0, lower = 0.0, upper = Double.infinity
            var minimum = Double.infinity
            for j in 0..<n where j != i { minimum = Swift.min(minimum, distances[i * n + j]) }
            for _ in 0..<100 {
                var sum = 0.0, weighted = 0.0
                for j in 0..<n {
                    if j == i { row[j] = 0; continue }
                    let d = distances[i * n + j] - minimum
                    row[j] = Foundation.exp(-beta * d)
                    sum += row[j]; weighted += row[j] * d
                }
                // Entropy of the normalised row (shifting by the minimum distance leaves it unchanged).
                let entropy = Foundation.log(sum) + beta * weighted / sum
                for j in 0..<n { row[j] /= sum }
                if Swift.abs(entropy - target) < 1e-5 { break }
                if entropy > target {
                    lower = beta; beta = upper.isFinite ? (beta + upper) / 2 : beta * 2
                } else {
                    upper = beta; beta = (beta + lower) / 2
                }
            }
            for j in 0..<n { conditional[i * n + j] = row[j] }
        }
        var p = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { p[i * n + j] = Swift.max((conditional[i * n + j] + conditional[j * n + i]) / (2 * Double(n)), 1e-12) }
        }
        return p
    }
}
