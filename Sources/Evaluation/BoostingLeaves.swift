import Foundation

/// Leaf values as CatBoost estimates them (`leaf_estimation_method=Newton`).
///
/// Each iteration takes one Newton step per leaf from the rows' current scores: −Σg / (Σh + λ) for Logloss and RMSE,
/// and for MultiClass the full softmax Hessian, (Σ_rows diag(p) − ppᵀ + λI) δ = −Σ(p − y), since the per-class
/// diagonal overshoots: the K scores of a row move together. λ is `l2_leaf_reg` times the mean row weight
/// (CatBoost's `ScaleL2Reg`). With more than one iteration a step is kept only if it lowers the weighted training
/// loss, else it is halved, which uses up an iteration (CatBoost's `AnyImprovement` backtracking). The sum of the
/// kept steps, times the learning rate, is the leaf value.
extension Trainer {
    /// `lambda`: the tree's scaled l2_leaf_reg, the one its splits were scored with.
    func leafValues(leaves: Int, leaf: [UInt16], scores: [Double], weights: [Double], lambda: Double) -> [Double] {
        let walk = dimension == 1 ? singleScoreWalk : multiclassWalk
        return walk(leaves, leaf, scores, weights, lambda).map { learningRate * $0 }
    }

    /// The steps of Logloss and RMSE leaves, each pass over the rows giving both the loss of the current leaf
    /// offsets and the derivative sums of the next Newton step.
    func singleScoreWalk(leaves: Int, leaf: [UInt16], scores: [Double], weights: [Double], lambda: Double) -> [Double] {
        let logistic: Bool = if case .logloss = loss { true } else { false }
        let iterations = leafEstimationIterations
        var g = [Double](repeating: 0, count: leaves), h = g
        /// Fills g and h at `offset` and returns the weighted training loss there (0 when `withLoss` is false).
        func pass(_ offset: [Double], withLoss: Bool) -> Double {
            for l in 0..<leaves { g[l] = 0; h[l] = 0 }
            var total = 0.0
            for i in 0..<rows {
                let l = Int(leaf[i]), w = weights[i], s = scores[i] + offset[l], target = y[i]
                if logistic {
                    let e = exp(-abs(s))
                    let p = s >= 0 ? 1 / (1 + e) : e / (1 + e)
                    g[l] += w * (p - target)
                    h[l] += w * p * (1 - p)
                    if withLoss { total += w * (max(s, 0) + log1p(e) - target * s) }
                } else {
                    g[l] += w * (s - target)
                    h[l] += w
                    if withLoss { total += w * (s - target) * (s - target) }
                }
            }
            return total
        }
        var offset = [Double](repeating: 0, count: leaves)
        var loss = pass(offset, withLoss: iterations > 1)
        var iteration = 0
        while iteration < iterations {
            let step = (0..<leaves).map { h[$0] > 0 ? -g[$0] / (h[$0] + lambda) : 0 }
            var scale = 1.0
            while iteration < iterations {
                iteration += 1
                let trial = (0..<leaves).map { offset[$0] + scale * step[$0] }
                if iterations == 1 { return trial }
                let trialLoss = pass(trial, withLoss: true)
                if trialLoss < loss {
                    loss = trialLoss
                    offset = trial
                    break
                }
                scale /= 2
            }
        }
        return offset
    }

    /// The steps of MultiClass leaves: full-Hessian Newton steps, backtracking on the training loss.
    func multiclassWalk(leaves: Int, leaf: [UInt16], scores: [Double], weights: [Double], lambda: Double) -> [Double] {
        let d = dimension, n = rows
        var total = [Double](repeating: 0, count: leaves * d)
        var current = scores
        var loss = leafEstimationIterations > 1 ? trainingLoss(current, weights: weights) : 0
        var iteration = 0
        while iteration < leafEstimationIterations {
            let step = newtonStep(leaves: leaves, leaf: leaf, scores: current, weights: weights, lambda: lambda)
            var scale = 1.0
            while iteration < leafEstimationIterations {
                iteration += 1
                if leafEstimationIterations == 1 { return step }
                var trial = current
                for i in 0..<n {
                    let base = Int(leaf[i]) * d
                    for k in 0..<d { trial[i * d + k] += scale * step[base + k] }
                }
                let trialLoss = trainingLoss(trial, weights: weights)
                if trialLoss < loss {
                    loss = trialLoss
                    current = trial
                    for j in total.indices { total[j] += scale * step[j] }
                    break
                }
                scale /= 2
            }
        }
        return total
    }

    /// One full-Hessian Newton step per MultiClass leaf from `scores`.
    func newtonStep(leaves: Int, leaf: [UInt16], scores: [Double], weights: [Double], lambda: Double) -> [Double] {
        let d = dimension
        var g = [Double](repeating: 0, count: leaves * d), m = [Double](repeating: 0, count: leaves * d * d)
        var counts = [Double](repeating: 0, count: leaves)
        var p = [Double](repeating: 0, count: d)
        for i in 0..<rows {
            let l = Int(leaf[i]), w = weights[i], label = Int(y[i])
            softmax(scores, row: i, into: &p)
            counts[l] += w
            for k in 0..<d {
                g[l * d + k] += w * (p[k] - (k == label ? 1 : 0))
                let row = (l * d + k) * d
                m[row + k] += w * p[k]
                for j in 0..<d { m[row + j] -= w * p[k] * p[j] }
            }
        }
        var step = [Double](repeating: 0, count: leaves * d)
        for l in 0..<leaves where counts[l] > 0 {
            let square = d * d
            var a = Array(m[(l * square)..<(l * square + square)])
            for k in 0..<d { a[k * d + k] += lambda }
            let negative: [Double] = (0..<d).map { -g[l * d + $0] }
            let solved = Self.solveSymmetric(a, negative, size: d)
            for k in 0..<d { step[l * d + k] = solved[k] }
        }
        return step
    }

    /// Softmax of row `i`'s scores.
    func softmax(_ scores: [Double], row i: Int, into p: inout [Double]) {
        let d = dimension
        var top = -Double.infinity
        for k in 0..<d { top = max(top, scores[i * d + k]) }
        var sum = 0.0
        for k in 0..<d { p[k] = exp(scores[i * d + k] - top); sum += p[k] }
        for k in 0..<d { p[k] /= sum }
    }

    /// The weighted mean loss on the training rows: what backtracking must lower.
    func trainingLoss(_ scores: [Double], weights: [Double]) -> Double {
        Self.meanLoss(loss, scores: scores, y: y, weights: weights, dimension: dimension)
    }

    /// x with A x = b, A symmetric positive definite (`size` × `size`, row-major), by Cholesky. A pivot that is not
    /// positive (λ = 0 leaves the softmax Hessian singular along the all-ones direction) leaves that coordinate 0,
    /// which is the minimum-change solution there.
    static func solveSymmetric(_ a: [Double], _ b: [Double], size n: Int) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 1e-12 * max(1, abs(a[j * n + j])) else { continue }
            l[j * n + j] = diagonal.squareRoot()
            for i in (j + 1)..<n {
                var value = a[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = value / l[j * n + j]
            }
        }
        var z = [Double](repeating: 0, count: n)
        for i in 0..<n where l[i * n + i] > 0 {
            var value = b[i]
            for k in 0..<i { value -= l[i * n + k] * z[k] }
            z[i] = value / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) where l[i * n + i] > 0 {
            var value = z[i]
            for k in (i + 1)..<n { value -= l[k * n + i] * x[k] }
            x[i] = value / l[i * n + i]
        }
        return x
    }
}
