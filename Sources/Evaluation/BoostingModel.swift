import Datasets
import Dispatch
import Foundation
import Tensor

/// A symmetric tree: the same (feature, threshold) test at every node of a level, so a row's leaf is the binary
/// number of its test outcomes, first level most significant.
struct ObliviousTree: Sendable {
    /// Per level, the quantised feature and the bin threshold: a row goes right when its bin > threshold.
    var features: [Int]
    var thresholds: [UInt8]
    /// `leafValues[leaf * dimension + k]`.
    var leafValues: [Double]
}

/// Gradient-boosted oblivious trees in CatBoost's manner, the downstream model of TabDDPM's evaluation.
///
/// As CatBoost 1.2 at its CPU defaults: quantised features and ordered target statistics (`BoostingQuantizer`),
/// symmetric trees grown level by level, each split scored from first derivatives and row weights
/// (`BoostingScoreFunction`, cosine by default) plus `random_strength` noise, Newton leaf values
/// (`BoostingLeaves.swift`: 10 backtracking steps for Logloss, one full-Hessian step for MultiClass), l2_leaf_reg
/// scaled by the mean row weight, the automatic learning rate (`automaticLearningRate`), losses Logloss (two
/// classes), MultiClass (softmax, one score per class) and RMSE, the starting score 0 for classification and the
/// training mean for regression (`boost_from_average`), and early stopping that keeps the best prefix of trees
/// (`use_best_model`).
///
/// Differences: Bayesian-bootstrap row weights for every loss (CatBoost's CPU default for Logloss and RMSE is MVS
/// sampling of 80% of the rows); the noise is one normal draw per candidate threshold (CatBoost draws again when
/// it compares features); early stopping watches the validation loss (CatBoost in the paper watches TotalF1 for
/// classifiers); no feature combinations, one permutation for the target statistics, and plain boosting
/// (CatBoost's default on CPU too). Results depend only on the seed, not on `threadCount`: threads split the features
/// of a level, each feature's histogram is summed in row order, and each feature's noise has its own seeded stream.
public struct GradientBoostingModel: Sendable {
    let quantizer: BoostingQuantizer
    let task: PredictionTask
    /// Scores per row: the class count for MultiClass, else 1.
    let dimension: Int
    let bias: [Double]
    let trees: [ObliviousTree]
    /// The 0-based index of the tree after which the validation loss was lowest; the model keeps trees 0...it.
    public let bestIteration: Int
    /// The validation loss after each grown tree (including those past the best one).
    public let validationLosses: [Double]
    /// The shrinkage the trees were grown with (the configured or the automatic rate).
    public let learningRate: Double

    public var treeCount: Int { trees.count }

    enum Loss { case logloss, multiclass(Int), rmse }

    /// Fits on `train`, early-stopping on `validation` (same columns and levels). Throws on invalid settings or
    /// mismatched frames.
    public static func train(train: TabularFrame, validation: TabularFrame, config: BoostingConfig, seed: UInt64,
                             threadCount: Int = 2) throws -> GradientBoostingModel {
        try Self.train(train: train, validation: validation, config: config, seed: seed, threadCount: threadCount,
                       parentMemoryLimit: Trainer.parentMemoryLimit)
    }

    /// `parentMemoryLimit` 0 turns the sibling subtraction off (tests compare both ways).
    static func train(train: TabularFrame, validation: TabularFrame, config: BoostingConfig, seed: UInt64,
                      threadCount: Int, parentMemoryLimit: Int) throws -> GradientBoostingModel {
        try config.validate()
        try TabularEvaluation.checkCompatible([("training", train), ("validation", validation)])
        guard threadCount >= 1 else { throw TabularEvaluationError.invalidConfig("threadCount must be ≥ 1, got \(threadCount)") }
        let loss: Loss = train.task == .regression ? .rmse : (train.classCount <= 2 ? .logloss : .multiclass(train.classCount))
        let rng = RandomGenerator(seed: seed)
        let (quantizer, bins) = BoostingQuantizer.fit(train, config: config, rng: rng.derived(1))
        let validationBins = quantizer.bins(validation)
        var trainer = Trainer(loss: loss, config: config, quantizer: quantizer, bins: bins, y: train.y,
                              validationBins: validationBins, validationY: validation.y, threadCount: threadCount,
                              parentMemoryLimit: parentMemoryLimit)
        trainer.run(rng: rng.derived(2))
        let best = trainer.bestIteration
        return GradientBoostingModel(quantizer: quantizer, task: train.task, dimension: trainer.dimension,
                                     bias: trainer.bias, trees: Array(trainer.trees.prefix(best + 1)),
                                     bestIteration: best, validationLosses: trainer.validationLosses,
                                     learningRate: trainer.learningRate)
    }

    /// Raw scores, `[row * dimension + k]`.
    func rawScores(_ frame: TabularFrame) -> [Double] {
        let n = frame.rowCount
        let bins = quantizer.bins(frame)
        var scores = [Double](repeating: 0, count: n * dimension)
        for i in 0..<n { for k in 0..<dimension { scores[i * dimension + k] = bias[k] } }
        var leaf = [Int](repeating: 0, count: n)
        for tree in trees { Self.apply(tree, bins: bins, rows: n, dimension: dimension, leaf: &leaf, scores: &scores) }
        return scores
    }

    /// Adds a tree's leaf values to `scores`, using `leaf` as scratch.
    static func apply(_ tree: ObliviousTree, bins: [UInt8], rows n: Int, dimension: Int, leaf: inout [Int], scores: inout [Double]) {
        for i in 0..<n { leaf[i] = 0 }
        for (f, t) in zip(tree.features, tree.thresholds) {
            bins.withUnsafeBufferPointer { b in
                for i in 0..<n { leaf[i] = leaf[i] << 1 | (b[f * n + i] > t ? 1 : 0) }
            }
        }
        for i in 0..<n { for k in 0..<dimension { scores[i * dimension + k] += tree.leafValues[leaf[i] * dimension + k] } }
    }

    /// Class probabilities per row (classification).
    public func predictProbabilities(_ frame: TabularFrame) -> [[Double]] {
        precondition(task != .regression, "predictProbabilities needs a classification model")
        let raw = rawScores(frame)
        if dimension == 1 { return raw.map { let p = 1 / (1 + exp(-$0)); return [1 - p, p] } }
        return (0..<frame.rowCount).map { i in
            let row = raw[(i * dimension)..<((i + 1) * dimension)]
            let top = row.max()!
            let e = row.map { exp($0 - top) }, total = e.reduce(0, +)
            return e.map { $0 / total }
        }
    }

    /// The most probable class per row (classification).
    public func predictClasses(_ frame: TabularFrame) -> [Int] {
        precondition(task != .regression, "predictClasses needs a classification model")
        let raw = rawScores(frame)
        if dimension == 1 { return raw.map { $0 > 0 ? 1 : 0 } }
        return (0..<frame.rowCount).map { i in
            var best = 0
            for k in 1..<dimension where raw[i * dimension + k] > raw[i * dimension + best] { best = k }
            return best
        }
    }

    /// Predictions in the encoding of `TabularFrame.y`: the value for regression, the class index otherwise.
    public func predictValues(_ frame: TabularFrame) -> [Double] {
        task == .regression ? rawScores(frame) : predictClasses(frame).map(Double.init)
    }
}

/// The boosting loop over preallocated buffers.
struct Trainer {
    let loss: GradientBoostingModel.Loss
    let config: BoostingConfig
    let bins: [UInt8]
    let binCounts: [Int]
    let y: [Double]
    let validationBins: [UInt8]
    let validationY: [Double]
    let threadCount: Int
    let dimension: Int
    let rows: Int
    let validationRows: Int
    let bias: [Double]
    /// The configured rate, or CatBoost's automatic one for this loss and training set.
    let learningRate: Double
    /// Newton steps per leaf: the configured count, or CatBoost's default for the loss (10 for Logloss, else 1).
    let leafEstimationIterations: Int

    /// Most memory for the parent histograms of the sibling subtraction (see `run`), by default.
    static let parentMemoryLimit = 256 << 20
    let parentMemoryLimit: Int

    var trees: [ObliviousTree] = []
    var validationLosses: [Double] = []
    var bestIteration = 0

    init(loss: GradientBoostingModel.Loss, config: BoostingConfig, quantizer: BoostingQuantizer, bins: [UInt8],
         y: [Double], validationBins: [UInt8], validationY: [Double], threadCount: Int, parentMemoryLimit: Int) {
        self.loss = loss
        self.parentMemoryLimit = parentMemoryLimit
        self.config = config
        self.bins = bins
        binCounts = quantizer.borders.map { $0.count + 1 }
        self.y = y
        self.validationBins = validationBins
        self.validationY = validationY
        self.threadCount = threadCount
        rows = y.count
        validationRows = validationY.count
        learningRate = config.effectiveLearningRate(loss: loss, trainingRows: rows)
        if case .logloss = loss { leafEstimationIterations = config.leafEstimationIterations ?? 10 } else {
            leafEstimationIterations = config.leafEstimationIterations ?? 1
        }
        switch loss {
        case .logloss: dimension = 1; bias = [0]
        case let .multiclass(k): dimension = k; bias = [Double](repeating: 0, count: k)
        case .rmse: dimension = 1; bias = [y.reduce(0, +) / Double(y.count)]
        }
    }

    mutating func run(rng: RandomGenerator) {
        let (n, d, depth) = (rows, dimension, config.depth)
        let features = binCounts.count
        var scores = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for k in 0..<d { scores[i * d + k] = bias[k] } }
        var validationScores = [Double](repeating: 0, count: validationRows * d)
        for i in 0..<validationRows { for k in 0..<d { validationScores[i * d + k] = bias[k] } }
        var gradients = [Double](repeating: 0, count: n * 2 * d)      // per row: (g, h) per class, weighted
        var leaf = [UInt16](repeating: 0, count: n)
        var validationLeaf = [Int](repeating: 0, count: validationRows)
        let maxBins = binCounts.max() ?? 1
        // One histogram and one score row per thread, reused for every feature, level and tree.
        let histogramSize = (1 << (depth - 1)) * maxBins * 2 * d
        let scratch = (0..<threadCount).map { _ in
            (histogram: UnsafeMutableBufferPointer<Double>.allocate(capacity: histogramSize),
             scores: UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * maxBins))
        }
        defer { for s in scratch { s.histogram.deallocate(); s.scores.deallocate() } }
        // Each feature's histograms of the level above, so one child of every leaf is parent − sibling and only the
        // smaller side's rows are scanned; skipped when they would take more than `parentMemoryLimit`.
        let parentSizes = binCounts.map { depth > 1 ? (1 << (depth - 2)) * $0 * 2 * d : 0 }
        let subtract = depth > 1 && parentSizes.reduce(0, +) * MemoryLayout<Double>.size <= parentMemoryLimit
        let parents = subtract ? parentSizes.map { UnsafeMutableBufferPointer<Double>.allocate(capacity: $0) } : []
        defer { for p in parents { p.deallocate() } }
        let scanned = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        defer { scanned.deallocate() }
        let best = UnsafeMutableBufferPointer<(score: Double, threshold: Int)>.allocate(capacity: max(features, 1))
        defer { best.deallocate() }
        let shared = UncheckedSendableBox((scratch, best))
        var bestLoss = Double.infinity
        let noiseRoot = rng.derived(0x5C0E)

        for iteration in 0..<config.iterations {
            let weights = bootstrapWeights(rng: rng)
            // CatBoost's `ScaleL2Reg`: l2_leaf_reg times the mean row weight, so bootstrap weights do not change it.
            let l2 = config.l2LeafRegularization * weights.reduce(0, +) / Double(n)
            let squares = computeGradients(scores: scores, weights: weights, into: &gradients)
            // CatBoost's `random_strength`: normal noise on every candidate's score, with the standard deviation
            // random_strength · RMS derivative · m / (1 + m), m = n · exp(−trees so far · learning rate).
            let modelLeft = exp(log(Double(n)) - Double(iteration) * learningRate)
            let noise = config.randomStrength * (squares / Double(n)).squareRoot() * modelLeft / (1 + modelLeft)
            for i in 0..<n { leaf[i] = 0 }
            var tree = ObliviousTree(features: [], thresholds: [], leafValues: [])
            var scannedCount = n, scannedSide = 0
            if features > 0 {
                for level in 0..<depth {
                    let context = SplitContext(
                        bins: bins, binCounts: binCounts, rows: n, dimension: d, leaves: 1 << level, l2: l2,
                        cosine: config.scoreFunction == .cosine, noise: noise,
                        noiseSeed: noiseRoot.derived(UInt64(iteration * (BoostingConfig.maximumDepth + 1) + level)).seed,
                        gradients: gradients, leaf: leaf,
                        scanned: level > 0 && subtract ? UnsafeBufferPointer(rebasing: scanned[0..<scannedCount]) : nil,
                        scannedSide: scannedSide, parents: parents, storesParents: subtract && level < depth - 1)
                    let threads = threadCount
                    let work = { @Sendable (t: Int) in
                        let (scratch, best) = shared.value
                        for f in stride(from: t, to: features, by: threads) {
                            best[f] = context.bestSplit(feature: f, histogram: scratch[t].histogram, scores: scratch[t].scores)
                        }
                    }
                    if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
                    var chosen = 0
                    for f in 1..<features where best[f].score > best[chosen].score { chosen = f }
                    let threshold = UInt8(best[chosen].threshold)
                    var right = 0
                    bins.withUnsafeBufferPointer { b in
                        for i in 0..<n {
                            let bit: UInt16 = b[chosen * n + i] > threshold ? 1 : 0
                            leaf[i] = leaf[i] << 1 | bit
                            right += Int(bit)
                        }
                    }
                    if subtract && level < depth - 1 {
                        // The next level scans only the rows on the smaller side of this split.
                        scannedSide = 2 * right < n ? 1 : 0
                        scannedCount = 0
                        for i in 0..<n where Int(leaf[i] & 1) == scannedSide {
                            scanned[scannedCount] = Int32(i)
                            scannedCount += 1
                        }
                    }
                    tree.features.append(chosen)
                    tree.thresholds.append(threshold)
                }
            }
            tree.leafValues = leafValues(leaves: 1 << tree.features.count, leaf: leaf, scores: scores, weights: weights, lambda: l2)
            for i in 0..<n {
                let base = Int(leaf[i]) * d
                for k in 0..<d { scores[i * d + k] += tree.leafValues[base + k] }
            }
            GradientBoostingModel.apply(tree, bins: validationBins, rows: validationRows, dimension: d,
                                        leaf: &validationLeaf, scores: &validationScores)
            trees.append(tree)
            let current = validationLoss(validationScores)
            validationLosses.append(current)
            if current < bestLoss {
                bestLoss = current
                bestIteration = iteration
            } else if iteration - bestIteration >= config.earlyStoppingRounds {
                break
            }
        }
    }

    /// Bayesian bootstrap: w = (−log U)^temperature, U uniform in (0, 1]; all ones at temperature 0.
    func bootstrapWeights(rng: RandomGenerator) -> [Double] {
        let t = config.baggingTemperature
        guard t > 0 else { return [Double](repeating: 1, count: rows) }
        return rng.uniform([rows]).scalars.map { u in
            let e = -log(1 - Double(u))
            return t == 1 ? e : pow(e, t)
        }
    }

    /// Per row (and class): the weighted first derivative of the loss and the row weight, what the split scores use.
    /// Returns the sum of the squared unweighted derivatives, the scale of `random_strength`'s noise.
    @discardableResult
    func computeGradients(scores: [Double], weights: [Double], into out: inout [Double]) -> Double {
        let d = dimension
        var squares = 0.0
        switch loss {
        case .logloss:
            for i in 0..<rows {
                let p = 1 / (1 + exp(-scores[i]))
                out[2 * i] = (p - y[i]) * weights[i]
                out[2 * i + 1] = weights[i]
                squares += (p - y[i]) * (p - y[i])
            }
        case .rmse:
            for i in 0..<rows {
                out[2 * i] = (scores[i] - y[i]) * weights[i]
                out[2 * i + 1] = weights[i]
                squares += (scores[i] - y[i]) * (scores[i] - y[i])
            }
        case .multiclass:
            var e = [Double](repeating: 0, count: d)
            for i in 0..<rows {
                var top = -Double.infinity
                for k in 0..<d { top = max(top, scores[i * d + k]) }
                var total = 0.0
                for k in 0..<d { e[k] = exp(scores[i * d + k] - top); total += e[k] }
                let label = Int(y[i])
                for k in 0..<d {
                    let p = e[k] / total
                    let g = p - (k == label ? 1 : 0)
                    out[2 * (i * d + k)] = g * weights[i]
                    out[2 * (i * d + k) + 1] = weights[i]
                    squares += g * g
                }
            }
        }
        return squares
    }

    /// Mean Logloss, mean multiclass cross-entropy, or RMSE of the validation scores.
    func validationLoss(_ scores: [Double]) -> Double {
        Self.meanLoss(loss, scores: scores, y: validationY, weights: nil, dimension: dimension)
    }

    /// Mean Logloss, mean multiclass cross-entropy, or RMSE, each row weighted by `weights` (1 when nil).
    static func meanLoss(_ loss: GradientBoostingModel.Loss, scores: [Double], y: [Double], weights: [Double]?,
                         dimension d: Int) -> Double {
        var total = 0.0, weightSum = 0.0
        for i in y.indices {
            let w = weights?[i] ?? 1
            weightSum += w
            switch loss {
            case .logloss:
                let s = scores[i]
                total += w * (max(s, 0) + log1p(exp(-abs(s))) - y[i] * s)
            case .multiclass:
                var top = -Double.infinity
                for k in 0..<d { top = max(top, scores[i * d + k]) }
                var sum = 0.0
                for k in 0..<d { sum += exp(scores[i * d + k] - top) }
                total += w * (top + log(sum) - scores[i * d + Int(y[i])])
            case .rmse:
                total += w * (scores[i] - y[i]) * (scores[i] - y[i])
            }
        }
        let mean = total / max(weightSum, .leastNormalMagnitude)
        if case .rmse = loss { return mean.squareRoot() }
        return mean
    }
}

/// What the features of one level share while their best splits are searched, possibly on several threads.
struct SplitContext: @unchecked Sendable {
    let bins: [UInt8]
    let binCounts: [Int]
    let rows: Int
    let dimension: Int
    let leaves: Int
    let l2: Double
    let cosine: Bool
    /// Standard deviation of the score noise, and the seed of this level's draws (one stream per feature).
    let noise: Double
    let noiseSeed: UInt64
    let gradients: [Double]
    let leaf: [UInt16]
    /// The rows to add up, all on side `scannedSide` of the last split; nil: every row, nothing to subtract.
    let scanned: UnsafeBufferPointer<Int32>?
    let scannedSide: Int
    /// Per feature, the histograms of the level above (read when subtracting, then overwritten when storing).
    let parents: [UnsafeMutableBufferPointer<Double>]
    let storesParents: Bool

    /// The threshold of `feature` with the highest score (`BoostingScoreFunction`) plus noise, from a histogram of
    /// (Σwg, Σw) per (leaf, bin, class). Ties go to the lowest threshold.
    func bestSplit(feature: Int, histogram: UnsafeMutableBufferPointer<Double>,
                   scores: UnsafeMutableBufferPointer<Double>) -> (score: Double, threshold: Int) {
        let nb = binCounts[feature], d = dimension, width = 2 * d, block = nb * width
        let used = leaves * block
        let h = histogram.baseAddress!
        h.update(repeating: 0, count: used)
        bins.withUnsafeBufferPointer { b in
            gradients.withUnsafeBufferPointer { g in
                leaf.withUnsafeBufferPointer { l in
                    let column = b.baseAddress! + feature * rows
                    @inline(__always) func add(_ i: Int) {
                        let at = (Int(l[i]) &* nb &+ Int(column[i])) &* width
                        if d == 1 {
                            h[at] += g[2 &* i]
                            h[at &+ 1] += g[2 &* i &+ 1]
                        } else {
                            for j in 0..<width { h[at &+ j] += g[i &* width &+ j] }
                        }
                    }
                    if let scanned {
                        for i in scanned { add(Int(i)) }
                    } else {
                        for i in 0..<rows { add(i) }
                    }
                }
            }
        }
        if scanned != nil {
            // Leaf 2p + side was scanned; its sibling is what the parent had minus it.
            let parent = parents[feature].baseAddress!
            for p in 0..<(leaves / 2) {
                let own = h + (2 * p + scannedSide) * block, other = h + (2 * p + 1 - scannedSide) * block
                let from = parent + p * block
                for j in 0..<block { other[j] = from[j] - own[j] }
            }
        }
        if storesParents { parents[feature].baseAddress!.update(from: h, count: used) }

        let thresholds = nb - 1
        let norms = scores.baseAddress! + thresholds
        for t in 0..<thresholds { scores[t] = 0; norms[t] = 1e-100 }
        for lf in 0..<leaves {
            for k in 0..<d {
                var totalG = 0.0, totalW = 0.0
                for bin in 0..<nb {
                    let at = (lf * nb + bin) * width + 2 * k
                    totalG += h[at]
                    totalW += h[at + 1]
                }
                var leftG = 0.0, leftW = 0.0
                for t in 0..<thresholds {
                    let at = (lf * nb + t) * width + 2 * k
                    leftG += h[at]
                    leftW += h[at + 1]
                    let rightG = totalG - leftG, rightW = totalW - leftW
                    let a = leftW > 0 ? leftG / (leftW + l2) : 0, b = rightW > 0 ? rightG / (rightW + l2) : 0
                    scores[t] += a * leftG + b * rightG
                    norms[t] += a * a * leftW + b * b * rightW
                }
            }
        }
        if cosine { for t in 0..<thresholds { scores[t] /= norms[t].squareRoot() } }
        if noise > 0 {
            let draws = RandomGenerator(seed: noiseSeed).derived(UInt64(feature)).normal([thresholds]).scalars
            for t in 0..<thresholds { scores[t] += noise * Double(draws[t]) }
        }
        var bestThreshold = 0
        for t in 1..<max(thresholds, 1) where scores[t] > scores[bestThreshold] { bestThreshold = t }
        return (scores[bestThreshold], bestThreshold)
    }
}

/// A value handed to `concurrentPerform` workers that read it or write disjoint parts of it.
struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
