/// Settings of the CatBoost-style gradient-boosted trees (`GradientBoostingModel`), named after CatBoost's
/// parameters. The defaults are CatBoost's where this implementation has the same knob (a nil learning rate is
/// CatBoost's automatic one), plus the paper's fixed `iterations=2000`, `early_stopping_rounds=50`.
public struct BoostingConfig: Codable, Equatable, Sendable {
    /// Shrinkage of each tree's leaf values; nil picks CatBoost's automatic rate from the loss, the training rows
    /// and `iterations` (`automaticLearningRate`).
    public var learningRate: Double?
    /// Depth of every (oblivious) tree: 2^depth leaves.
    public var depth: Int
    /// `l2_leaf_reg`: times the mean row weight, added to the hessian sum of each leaf and to the weight of each child
    /// of a candidate split.
    public var l2LeafRegularization: Double
    /// How a candidate split is scored (CatBoost's `score_function`).
    public var scoreFunction: BoostingScoreFunction
    /// `random_strength`: the scale of the normal noise added to every candidate split's score (0: none).
    public var randomStrength: Double
    /// Newton steps per leaf (`leaf_estimation_iterations`, with CatBoost's backtracking); nil is CatBoost's default
    /// for the loss: 10 for Logloss, 1 for MultiClass and RMSE.
    public var leafEstimationIterations: Int?
    /// Bayesian bootstrap: each row's weight per tree is (−log U)^temperature; 0 gives every row weight 1.
    public var baggingTemperature: Double
    /// The most trees to grow.
    public var iterations: Int
    /// Stop when the validation loss has not improved for this many trees; the best prefix is kept.
    public var earlyStoppingRounds: Int
    /// Most borders per numeric feature (CatBoost's `border_count`, at most 254 so a bin fits in a byte).
    public var borderCount: Int
    /// Most borders per target-statistic feature (CatBoost quantises CTRs to 15 borders by default).
    public var ctrBorderCount: Int
    /// Categorical features with at most this many levels are split on directly (CatBoost's `one_hot_max_size`);
    /// larger ones go through ordered target statistics.
    public var oneHotMaxSize: Int
    /// The prior added to a category's class count in a classification target statistic,
    /// (count in class + prior) / (count + 1).
    public var ctrPrior: Double

    public init(learningRate: Double? = nil, depth: Int = 6, l2LeafRegularization: Double = 3,
                scoreFunction: BoostingScoreFunction = .cosine, randomStrength: Double = 1, leafEstimationIterations: Int? = nil, baggingTemperature: Double = 1, iterations: Int = 2000, earlyStoppingRounds: Int = 50,
                borderCount: Int = 254, ctrBorderCount: Int = 15, oneHotMaxSize: Int = 2, ctrPrior: Double = 0.5) {
        self.learningRate = learningRate
        self.depth = depth
        self.l2LeafRegularization = l2LeafRegularization
        self.scoreFunction = scoreFunction
        self.randomStrength = randomStrength
        self.leafEstimationIterations = leafEstimationIterations
        self.baggingTemperature = baggingTemperature
        self.iterations = iterations
        self.earlyStoppingRounds = earlyStoppingRounds
        self.borderCount = borderCount
        self.ctrBorderCount = ctrBorderCount
        self.oneHotMaxSize = oneHotMaxSize
        self.ctrPrior = ctrPrior
    }

    /// The deepest tree allowed (leaf indices are 16-bit; CatBoost's own limit is 16, the paper searches 3–10).
    public static let maximumDepth = 12

    func validate() throws {
        func fail(_ reason: String) -> TabularEvaluationError { .invalidConfig(reason) }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw fail("learningRate must be positive, got \(learningRate)")
        }
        guard (1...Self.maximumDepth).contains(depth) else { throw fail("depth must be in 1...\(Self.maximumDepth), got \(depth)") }
        guard l2LeafRegularization >= 0 else { throw fail("l2LeafRegularization must be ≥ 0, got \(l2LeafRegularization)") }
        if let leafEstimationIterations, leafEstimationIterations < 1 {
            throw fail("leafEstimationIterations must be ≥ 1, got \(leafEstimationIterations)")
        }
        guard randomStrength >= 0, randomStrength.isFinite else { throw fail("randomStrength must be ≥ 0, got \(randomStrength)") }
        guard baggingTemperature >= 0 else { throw fail("baggingTemperature must be ≥ 0, got \(baggingTemperature)") }
        guard iterations >= 1 else { throw fail("iterations must be ≥ 1, got \(iterations)") }
        guard earlyStoppingRounds >= 1 else { throw fail("earlyStoppingRounds must be ≥ 1, got \(earlyStoppingRounds)") }
        guard (1...254).contains(borderCount) else { throw fail("borderCount must be in 1...254, got \(borderCount)") }
        guard (1...254).contains(ctrBorderCount) else { throw fail("ctrBorderCount must be in 1...254, got \(ctrBorderCount)") }
        guard oneHotMaxSize >= 1 && oneHotMaxSize <= 255 else { throw fail("oneHotMaxSize must be in 1...255, got \(oneHotMaxSize)") }
        guard ctrPrior >= 0 else { throw fail("ctrPrior must be ≥ 0, got \(ctrPrior)") }
    }
}
