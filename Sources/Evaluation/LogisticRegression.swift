import Foundation
import Tensor

/// L2-regularised logistic regression as scikit-learn fits it in the GP-VAE protocol's downstream task:
/// `LogisticRegression(solver="lbfgs", multi_class="multinomial")` for HMNIST (softmax over all classes,
/// intercepts not penalised) and `solver="liblinear"` for Physionet (one weight vector, intercept penalised like a
/// weight). Both minimise C·Σᵢ lossᵢ + ½‖w‖²; the optimum is unique, so the solver only has to reach it.
///
/// Fitted by L-BFGS (memory 10) with scipy's stopping rules as scikit-learn sets them: max |gradient| ≤ `tolerance`,
/// or a relative decrease of the objective below 64·ε, or `maxIterations`. Products run in Float through BLAS,
/// sums in Double.
public struct LogisticRegression: Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Softmax over every class, intercepts free (scikit-learn's lbfgs, multinomial).
        case multinomial
        /// Two classes, one weight vector, intercept regularised (scikit-learn's liblinear with intercept_scaling 1).
        case binaryPenalizedIntercept
    }

    public struct Settings: Codable, Equatable, Sendable {
        public var kind: Kind
        /// C, the inverse regularisation strength.
        public var inverseRegularization: Double
        public var tolerance: Double
        public var maxIterations: Int

        public init(kind: Kind, inverseRegularization: Double = 1, tolerance: Double = 1e-10, maxIterations: Int = 10_000) {
            self.kind = kind
            self.inverseRegularization = inverseRegularization
            self.tolerance = tolerance
            self.maxIterations = maxIterations
        }
    }

    public let settings: Settings
    /// [features, outputs] row-major; outputs = classes (multinomial) or 1 (binary).
    public let weights: [Double]
    public let intercepts: [Double]
    public let classes: Int
    public let features: Int
    /// L-BFGS iterations used.
    public let iterations: Int

    /// Fits on `rows` rows of `features` values each (row-major) and labels in 0..<classes.
    public static func fit(features x: [Float], rows n: Int, labels: [Int], classes: Int,
                           settings: Settings) throws -> LogisticRegression {
        guard n >= 1, x.count % n == 0, labels.count == n else {
            throw ImputationMetricsError.invalidLabels("logistic regression: \(x.count) values, \(n) rows, \(labels.count) labels")
        }
        guard classes >= 2, labels.allSatisfy({ (0..<classes).contains($0) }) else {
            throw ImputationMetricsError.invalidLabels("logistic regression: labels must lie in 0..<\(classes) with at least two classes")
        }
        guard settings.kind == .multinomial || classes == 2 else {
            throw ImputationMetricsError.invalidLabels("logistic regression: the binary solver needs two classes, got \(classes)")
        }
        let p = x.count / n, k = settings.kind == .multinomial ? classes : 1
        let design = Tensor(x, shape: [n, p])
        let c = settings.inverseRegularization
        let penalizeIntercept = settings.kind == .binaryPenalizedIntercept

        // θ = [W (p·k) | b (k)].
        func objective(_ theta: [Double]) -> (Double, [Double]) {
            let w = Tensor(theta[0..<(p * k)].map(Float.init), shape: [p, k])
            let logits = withoutGrad { design.matmul(w) }.scalars
            var residual = [Float](repeating: 0, count: n * k)
            var loss = 0.0, interceptGradient = [Double](repeating: 0, count: k)
            for i in 0..<n {
                if k == 1 {
                    let z = Double(logits[i]) + theta[p], target = labels[i] == 1 ? 1.0 : 0.0
                    // log(1 + e^{−yz}) with y = ±1, stably.
                    let margin = target == 1 ? z : -z
                    loss += margin > 0 ? Foundation.log1p(Foundation.exp(-margin)) : -margin + Foundation.log1p(Foundation.exp(margin))
                    let r = 1 / (1 + Foundation.exp(-z)) - target
                    residual[i] = Float(r)
                    interceptGradient[0] += r
                } else {
                    let z = (0..<k).map { Double(logits[i * k + $0]) + theta[p * k + $0] }
                    let top = z.max()!
                    let sum = z.reduce(0) { $0 + Foundation.exp($1 - top) }
                    loss += top + Foundation.log(sum) - z[labels[i]]
                    for j in 0..<k {
                        let r = Foundation.exp(z[j] - top) / sum - (labels[i] == j ? 1 : 0)
                        residual[i * k + j] = Float(r)
                        interceptGradient[j] += r
                    }
                }
            }
            let gw = withoutGrad { design.matmul(Tensor(residual, shape: [n, k]), transposeA: true) }.scalars
            var gradient = [Double](repeating: 0, count: theta.count)
            var penalty = 0.0
            for i in 0..<(p * k) {
                gradient[i] = c * Double(gw[i]) + theta[i]
                penalty += theta[i] * theta[i]
            }
            for j in 0..<k {
                gradient[p * k + j] = c * interceptGradient[j] + (penalizeIntercept ? theta[p * k + j] : 0)
                if penalizeIntercept { penalty += theta[p * k + j] * theta[p * k + j] }
            }
            return (c * loss + 0.5 * penalty, gradient)
        }

        let (theta, iterations) = LBFGS.minimize(objective, start: [Double](repeating: 0, count: p * k + k),
                                                 tolerance: settings.tolerance, maxIterations: settings.maxIterations)
        return LogisticRegression(settings: settings, weights: Array(theta[0..<(p * k)]), intercepts: Array(theta[(p * k)...]),
                                  classes: classes, features: p, iterations: iterations)
    }

    /// Class probabilities per row, [rows][classes].
    public func probabilities(features x: [Float], rows n: Int) throws -> [[Double]] {
        guard n >= 1, x.count == n * features else {
            throw ImputationMetricsError.invalidLabels("logistic regression: \(x.count) values for \(n) rows of \(features) features")
        }
        let k = intercepts.count
        let logits = withoutGrad { Tensor(x, shape: [n, features]).matmul(Tensor(weights.map(Float.init), shape: [features, k])) }.scalars
        return (0..<n).map { i in
            if k == 1 {
                let q = 1 / (1 + Foundation.exp(-(Double(logits[i]) + intercepts[0])))
                return [1 - q, q]
            }
            let z = (0..<k).map { Double(logits[i * k + $0]) + intercepts[$0] }
            let top = z.max()!
            let e = z.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
    }
}

/// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search.
enum LBFGS {
    static func minimize(_ f: ([Double]) -> (Double, [Double]), start: [Double], tolerance: Double,
                         maxIterations: Int, memory: Int = 10) -> ([Double], Int) {
        var x = start
        var (value, gradient) = f(x)
        var steps: [[Double]] = [], changes: [[Double]] = [], rhos: [Double] = []
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        var iteration = 0
        while iteration < maxIterations {
            if gradient.reduce(0, { Swift.max($0, Swift.abs($1)) }) <= tolerance { break }
            // Two-loop recursion: direction = −H·g.
            var q = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for i in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[i] = rhos[i] * dot(steps[i], q)
                for j in q.indices { q[j] -= alphas[i] * changes[i][j] }
            }
            let scale = steps.isEmpty ? 1 / Swift.max(dot(gradient, gradient).squareRoot(), 1e-12)
                                      : dot(steps.last!, changes.last!) / dot(changes.last!, changes.last!)
            for j in q.indices { q[j] *= scale }
            for i in steps.indices {
                let beta = rhos[i] * dot(changes[i], q)
                for j in q.indices { q[j] += steps[i][j] * (alphas[i] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (rounding): restart from steepest descent.
                steps = []; changes = []; rhos = []
                direction = gradient.map { -$0 }
                slope = dot(gradient, direction)
            }
            var step = 1.0, accepted = false
            var candidate = x, candidateValue = value, candidateGradient = gradient
            for _ in 0..<50 {
                candidate = zip(x, direction).map { $0 + step * $1 }
                (candidateValue, candidateGradient) = f(candidate)
                if candidateValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            iteration += 1
            guard accepted else { break }
            let s = zip(candidate, x).map { $0 - $1 }, y = zip(candidateGradient, gradient).map { $0 - $1 }
            let decrease = (value - candidateValue) / Swift.max(Swift.abs(value), Swift.abs(candidateValue), 1)
            x = candidate; gradient = candidateGradient
            let previous = value
            value = candidateValue
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y).squareRoot() * dot(s, s).squareRoot() {
                steps.append(s); changes.append(y); rhos.append(1 / sy)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
            }
            if decrease <= 64 * Double.ulpOfOne && previous >= value { break }
        }
        return (x, iteration)
    }
}
