import Foundation
import NN
import Tensor

/// How the 1-D discriminator of the optimal-D experiment is trained.
public struct DiscriminatorTraining: Codable, Sendable, Equatable {
    /// Hidden width of the two hidden layers.
    public var hidden: Int
    /// Adam steps; every step draws a fresh batch from each density (no finite training set to overfit).
    public var steps: Int
    /// Samples drawn from each of p_data and p_g per step.
    public var batch: Int
    public var learningRate: Float
    /// Held-out samples per density for the Monte-Carlo estimate of V(D, G).
    public var evaluationSamples: Int

    public init(hidden: Int = 32, steps: Int = 1500, batch: Int = 512, learningRate: Float = 1e-2,
                evaluationSamples: Int = 20_000) {
        self.hidden = hidden
        self.steps = steps
        self.batch = batch
        self.learningRate = learningRate
        self.evaluationSamples = evaluationSamples
    }
}

/// A trained discriminator next to the optimal one, on a grid.
public struct TrainedDiscriminator1D: Sendable {
    public let grid: Grid1D
    public let pData: [Double]
    public let pG: [Double]
    /// D*(x) on the grid.
    public let optimal: [Double]
    /// The trained network's σ(logit(x)) on the grid.
    public let trained: [Double]
    /// max |D − D*| over the grid points where p_data + p_g ≥ `regionFraction`·max(p_data + p_g).
    public let maxGap: Double
    public let regionFraction: Double
    /// V(D, G) with the trained D, estimated on fresh samples: mean log D(x_data) + mean log(1 − D(x_g)).
    public let valueMonteCarlo: Double
    /// V(D, G) with the trained D, integrated on the grid.
    public let valueGrid: Double
    /// C(G) = V(D*, G) = −log 4 + 2·JSD, integrated on the grid.
    public let criterion: Double
    public let jsd: Double
    /// BCE loss per training step (sum of the real and fake halves), for a convergence plot.
    public let losses: [Double]
}

/// Input scaling used inside the discriminator: grids in the examples span about ±6.
private let inputScale: Float = 1.0 / 3.0

/// Trains a small MLP discriminator by binary cross-entropy (real = 1, generated = 0) on fresh samples of
/// `pData` and `pG` each step, with Adam, and compares the result with D* on `grid`.
public func trainDiscriminator1D(pData: some Density1D, pG: some Density1D, grid: Grid1D,
                                 settings: DiscriminatorTraining, regionFraction: Double = 0.05,
                                 rng: RandomGenerator) -> TrainedDiscriminator1D {
    let h = settings.hidden
    let net = Sequential([Linear(inputSize: 1, outputSize: h, rng: rng.derived(1)), Tanh(),
                          Linear(inputSize: h, outputSize: h, rng: rng.derived(2)), Tanh(),
                          Linear(inputSize: h, outputSize: 1, rng: rng.derived(3))])
    let adam = Adam(for: net, learningRate: settings.learningRate)
    let data = rng.derived(4), gen = rng.derived(5)
    let n = settings.batch
    let targets = Tensor.concat([Tensor(repeating: 1, shape: [n, 1]), Tensor(repeating: 0, shape: [n, 1])], axis: 0)
    var losses: [Double] = []
    losses.reserveCapacity(settings.steps)
    for step in 0..<settings.steps {
        // A cosine decay to a tenth of the rate lets the last steps settle onto D* instead of jittering round it.
        let progress = Double(step) / Double(max(settings.steps - 1, 1))
        adam.learningRate = settings.learningRate * Float(0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * progress)))
        let x = pData.sample(n, rng: data).map(Float.init) + pG.sample(n, rng: gen).map(Float.init)
        let input = Tensor(x, shape: [2 * n, 1]) * inputScale
        let loss = binaryCrossEntropy(logits: net(input), targets: targets) * 2
        net.zeroGrad()
        loss.backward()
        adam.step()
        losses.append(Double(loss.item))
    }
    func d(_ xs: [Double]) -> [Double] {
        withoutGrad { net(Tensor(xs.map(Float.init), shape: [xs.count, 1]) * inputScale).sigmoid().scalars.map(Double.init) }
    }
    let pd = pData.pdf(on: grid), pg = pG.pdf(on: grid)
    let optimal = optimalDiscriminator(pData: pd, pG: pg)
    let trained = d(grid.points)
    let total = zip(pd, pg).map(+)
    let threshold = regionFraction * (total.max() ?? 0)
    var gap = 0.0
    for i in 0..<grid.count where total[i] >= threshold { gap = max(gap, Swift.abs(trained[i] - optimal[i])) }
    let eval = rng.derived(6)
    let m = settings.evaluationSamples
    let dReal = d(pData.sample(m, rng: eval)), dFake = d(pG.sample(m, rng: eval))
    let clampLog = { (v: Double) in Foundation.log(max(v, 1e-12)) }
    let mc = dReal.reduce(0) { $0 + clampLog($1) } / Double(m) + dFake.reduce(0) { $0 + clampLog(1 - $1) } / Double(m)
    let jsd = jensenShannon(pd, pg, grid: grid)
    return TrainedDiscriminator1D(grid: grid, pData: pd, pG: pg, optimal: optimal, trained: trained, maxGap: gap,
                                  regionFraction: regionFraction, valueMonteCarlo: mc,
                                  valueGrid: valueFunction(discriminator: trained, pData: pd, pG: pg, grid: grid),
                                  criterion: generatorCriterion(jsd: jsd), jsd: jsd, losses: losses)
}
