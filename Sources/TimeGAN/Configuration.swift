/// TimeGAN's settings; the defaults are the reference's code defaults (`main_timegan.py`).
public struct TimeGANConfiguration: Codable, Sendable, Equatable {
    public var hiddenSize = 24
    public var layerCount = 3
    public var batchSize = 128
    /// Steps of the embedding, supervised and joint phases (the reference uses one number, 50,000, for all three).
    public var embeddingIterations = 50_000
    public var supervisedIterations = 50_000
    public var jointIterations = 50_000
    /// The reference's single iteration count; setting it sets all three phases.
    public var iterations: Int {
        get { Swift.max(embeddingIterations, supervisedIterations, jointIterations) }
        set { embeddingIterations = newValue; supervisedIterations = newValue; jointIterations = newValue }
    }
    /// γ, the weight of the adversarial loss on G(Z) without the supervisor.
    public var gamma: Float = 1
    public var learningRate: Float = 1e-3
    /// The joint phase updates the discriminator only when its loss on the current batch exceeds this.
    public var discriminatorThreshold: Float = 0.15
    /// false: the reference — phase 2 minimises MSE_sup(S(H)) over generator + supervisor variables, so the
    /// generator gets no gradient. true: our reading of the paper — phase 2 also passes through S(G(Z)) (see
    /// `TimeGAN.supervisedPhaseLoss`), so the generator learns from the supervised loss before the joint phase.
    public var phase2UpdatesGenerator = false

    public init(hiddenSize: Int = 24, layerCount: Int = 3, batchSize: Int = 128, iterations: Int = 50_000,
                phase2UpdatesGenerator: Bool = false) {
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.batchSize = batchSize
        self.embeddingIterations = iterations
        self.supervisedIterations = iterations
        self.jointIterations = iterations
        self.phase2UpdatesGenerator = phase2UpdatesGenerator
    }
}

/// One training step's report, for progress display: which phase, the step (1-based) of `total`, and named losses.
public struct TrainingEvent: Sendable {
    public enum Phase: String, Sendable { case embedding, supervised, joint, adversarial }
    public var phase: Phase
    public var step: Int
    public var total: Int
    public var losses: [(name: String, value: Float)]

    /// The first loss, the one a progress line shows.
    public var mainLoss: Float { losses.first?.value ?? .nan }
}
