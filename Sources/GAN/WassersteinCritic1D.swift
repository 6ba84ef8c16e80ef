import Foundation
import NN
import Tensor

/// How the 1-D Wasserstein critic is trained: WGAN's recipe, every weight clipped to [−clip, clip] after each step
/// so that the critic stays Lipschitz.
public struct CriticTraining: Codable, Sendable, Equatable {
    /// Hidden width of the two ReLU layers.
    public var hidden: Int
    /// Adam steps; every step draws a fresh batch from each density.
    public var steps: Int
    /// Samples drawn from each density per step.
    public var batch: Int
    public var learningRate: Float
    /// The weight-clipping bound.
    public var clip: Float
    /// Held-out samples per density for the estimate of E_p[f] − E_q[f].
    public var evaluationSamples: Int

    public init(hidden: Int = 32, steps: Int = 1000, batch: Int = 256, learningRate: Float = 1e-3, clip: Float = 0.1,
                evaluationSamples: Int = 10_000) {
        self.hidden = hidden
        self.steps = steps
        self.batch = batch
        self.learningRate = learningRate
        self.clip = clip
        self.evaluationSamples = evaluationSamples
    }
}

/// A trained critic f between `p` (real) and `q` (generated).
public struct TrainedCritic1D: Sendable {
    public let grid: Grid1D
    /// f on the grid, shifted so that its minimum there is 0.
    public let critic: [Double]
    /// max |f′| over the grid (finite differences): clipping bounds the slope, but not to 1.
    public let slope: Double
    /// E_p[f] − E_q[f] on fresh samples.
    public let gap: Double
    /// `gap / slope`: the critic's lower bound on W₁(p, q), since f / slope is 1-Lipschitz on the grid.
    public var wassersteinEstimate: Double { slope > 0 ? gap / slope : 0 }
}

/// Trains a critic to maximise E_p[f] − E_q[f] over clipped ReLU networks (the WGAN critic's objective) on fresh
/// samples each step, with Adam.
public func trainCritic1D(p: some Density1D, q: some Density1D, grid: Grid1D, settings: CriticTraining,
                          rng: RandomGenerator) -> TrainedCritic1D {
    let h = settings.hidden
    let net = Sequential([Linear(inputSize: 1, outputSize: h, rng: rng.derived(1)), ReLU(),
                          Linear(inputSize: h, outputSize: h, rng: rng.derived(2)), ReLU(),
                          Linear(inputSize: h, outputSize: 1, rng: rng.derived(3))])
    let clip = settings.clip
    func clipWeights() {
        for parameter in net.parameters {
            parameter.withMutableBuffer { b in for i in b.indices { b[i] = min(max(b[i], -clip), clip) } }
        }
    }
    clipWeights()
    let adam = Adam(for: net, learningRate: settings.learningRate)
    let real = rng.derived(4), fake = rng.derived(5)
    let n = settings.batch
    func f(_ xs: [Double]) -> Tensor { net(Tensor(xs.map(Float.init), shape: [xs.count, 1])) }
    for _ in 0..<settings.steps {
        let loss = f(q.sample(n, rng: fake)).mean() - f(p.sample(n, rng: real)).mean()
        net.zeroGrad()
        loss.backward()
        adam.step()
        clipWeights()
    }
    func values(_ xs: [Double]) -> [Double] { withoutGrad { f(xs).scalars.map(Double.init) } }
    let onGrid = values(grid.points)
    let step = grid.points.count > 1 ? grid.points[1] - grid.points[0] : 1
    let slope = zip(onGrid.dropFirst(), onGrid).map { Swift.abs($0 - $1) / step }.max() ?? 0
    let eval = rng.derived(6)
    let m = settings.evaluationSamples
    let gap = values(p.sample(m, rng: eval)).reduce(0, +) / Double(m) - values(q.sample(m, rng: eval)).reduce(0, +) / Double(m)
    let low = onGrid.min() ?? 0
    return TrainedCritic1D(grid: grid, critic: onGrid.map { $0 - low }, slope: slope, gap: gap)
}

/// W₁ between U[0, w] and U[s, s + w]: the mass moves by |s|, whatever the overlap.
public func wassersteinUniforms(shift: Double) -> Double {
    Swift.abs(shift)
}
