import Foundation
import NN
import Tensor

/// The 2-D toy of the mode-collapse literature: `modes` Gaussians of std `modeStd` evenly spaced on a circle.
public struct GaussianRing: Codable, Sendable, Equatable {
    public var modes: Int
    public var radius: Double
    public var modeStd: Double

    public init(modes: Int = 8, radius: Double = 2, modeStd: Double = 0.05) {
        self.modes = modes
        self.radius = radius
        self.modeStd = modeStd
    }

    public var centres: [Point2] {
        (0..<modes).map { k in
            let a = 2 * Double.pi * Double(k) / Double(modes)
            return Point2(radius * cos(a), radius * sin(a))
        }
    }

    /// `n` draws as an [n, 2] tensor: a uniformly chosen centre plus isotropic Gaussian noise.
    public func sample(_ n: Int, rng: RandomGenerator) -> Tensor {
        let which = rng.categorical(weights: Array(repeating: 1, count: modes), count: n)
        let noise = rng.normal([n, 2]).scalars
        let c = centres
        var v = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n {
            v[2 * i] = Float(c[which[i]].x) + Float(modeStd) * noise[2 * i]
            v[2 * i + 1] = Float(c[which[i]].y) + Float(modeStd) * noise[2 * i + 1]
        }
        return Tensor(v, shape: [n, 2])
    }

    /// Mode coverage of a set of points: a point is *high quality* if it lies within 3·modeStd of its nearest
    /// centre; a mode is *covered* if at least `minimumFraction` of all points are high-quality points of it.
    public func coverage(of points: [Point2], minimumFraction: Double) -> ModeCoverage {
        let c = centres
        var perMode = [Int](repeating: 0, count: modes)
        let limit = 3 * modeStd
        for p in points {
            var best = 0, bestD = Double.infinity
            for (k, q) in c.enumerated() {
                let d = ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
                if d < bestD { bestD = d; best = k }
            }
            if bestD <= limit { perMode[best] += 1 }
        }
        let n = max(points.count, 1)
        let covered = perMode.filter { Double($0) >= minimumFraction * Double(n) }.count
        return ModeCoverage(modesCovered: covered, highQualityFraction: Double(perMode.reduce(0, +)) / Double(n),
                            perMode: perMode)
    }
}

public struct ModeCoverage: Codable, Sendable, Equatable {
    public var modesCovered: Int
    public var highQualityFraction: Double
    public var perMode: [Int]
}

/// Everything that defines one ring-GAN run.
public struct RingGANConfig: Codable, Sendable, Equatable {
    public var ring = GaussianRing()
    public var noiseSize = 2
    public var hidden = 128
    public var batch = 256
    public var steps = 2000
    public var generatorLearningRate: Float = 1e-3
    public var discriminatorLearningRate: Float = 1e-3
    public var beta1: Float = 0.5
    public var loss: GeneratorLoss = .nonSaturating
    /// Discriminator updates per generator update.
    public var discriminatorSteps = 1
    /// Appends the batch's mean feature standard deviation to the discriminator's input (Karras et al. 2018):
    /// a collapsed batch has a tell-tale small spread.
    public var minibatchStd = false
    /// Steps (0 = before training) at which samples, the D heatmap and the generator's gradients are kept.
    public var snapshotSteps: [Int] = [0, 500, 1000, 2000]
    public var snapshotSamples = 512
    /// Points per side of the square grid on which D is tabulated.
    public var gridResolution = 48
    public var gridExtent = 3.0
    /// Fake points at which the gradient arrows ∇ₓ D(x) are drawn.
    public var arrowCount = 64
    /// Samples used to count covered modes, and the share a mode must receive to count as covered.
    public var evaluationSamples = 2000
    public var coverageFraction = 0.02

    public init() {}
}

/// What the figures need at one training step.
public struct RingSnapshot: Sendable {
    public var step: Int
    public var real: [Point2]
    public var fake: [Point2]
    /// D(x) on the grid, `values[row][column]`, row 0 at y = −extent.
    public var discriminator: [[Double]]
    /// Arrow tails (fake points) and ∇ₓ D(x) there: the direction the generator's update pushes each sample.
    public var arrowTails: [Point2]
    public var arrowGradients: [Point2]
    public var coverage: ModeCoverage
}

public struct RingGANResult: Sendable {
    public var config: RingGANConfig
    /// Per generator step: discriminator loss (BCE summed over the real and fake halves; log 4 at equilibrium),
    /// generator loss, mean D(real) and mean D(fake) (both ½ at equilibrium).
    public var discriminatorLoss: [Double] = []
    public var generatorLoss: [Double] = []
    public var meanDReal: [Double] = []
    public var meanDFake: [Double] = []
    public var snapshots: [RingSnapshot] = []
    /// Coverage of `evaluationSamples` fresh samples after the last step.
    public var finalCoverage = ModeCoverage(modesCovered: 0, highQualityFraction: 0, perMode: [])
}

/// The discriminator: an MLP on (x, y), optionally with the minibatch-std feature as a third input.
final class RingDiscriminator: Module {
    let net: Sequential
    let minibatchStd: Bool

    init(hidden: Int, minibatchStd: Bool, rng: RandomGenerator) {
        self.minibatchStd = minibatchStd
        let input = minibatchStd ? 3 : 2
        net = Sequential([Linear(inputSize: input, outputSize: hidden, rng: rng.derived(1)), LeakyReLU(slope: 0.2),
                          Linear(inputSize: hidden, outputSize: hidden, rng: rng.derived(2)), LeakyReLU(slope: 0.2),
                          Linear(inputSize: hidden, outputSize: 1, rng: rng.derived(3))])
        super.init()
    }

    /// The batch's spread: mean over the two coordinates of the per-coordinate standard deviation.
    static func spread(_ x: Tensor) -> Tensor {
        let centred = x - x.mean(axes: [0], keepingDims: true)
        return (centred.squared().mean(axes: [0], keepingDims: true) + 1e-6).sqrt().mean(axes: [1], keepingDims: true)
    }

    /// Logits for a batch. `spreadOf` is the batch whose spread feeds the extra input (the batch itself by
    /// default; the grid evaluation passes the generated batch, so the heatmap shows D as it judges fakes).
    func logits(_ x: Tensor, spreadOf: Tensor? = nil) -> Tensor {
        guard minibatchStd else { return net(x) }
        let s = Self.spread(spreadOf ?? x).broadcasted(to: [x.shape[0], 1])
        return net(Tensor.concat([x, s], axis: 1))
    }
}

private func points(_ t: Tensor) -> [Point2] {
    let v = t.scalars
    return stride(from: 0, to: v.count, by: 2).map { Point2(Double(v[$0]), Double(v[$0 + 1])) }
}

/// Trains a GAN on the ring with Adam (β₁ = config.beta1) and the chosen generator loss, recording losses every
/// step and snapshots at `config.snapshotSteps`. `onStep` is called after each generator step (for progress).
public func trainRingGAN(_ config: RingGANConfig, rng: RandomGenerator,
                         onStep: (Int) -> Void = { _ in }) -> RingGANResult {
    let h = config.hidden
    let gRng = rng.derived(1)
    let generator = Sequential([Linear(inputSize: config.noiseSize, outputSize: h, rng: gRng.derived(1)), ReLU(),
                                Linear(inputSize: h, outputSize: h, rng: gRng.derived(2)), ReLU(),
                                Linear(inputSize: h, outputSize: 2, rng: gRng.derived(3))])
    let discriminator = RingDiscriminator(hidden: h, minibatchStd: config.minibatchStd, rng: rng.derived(2))
    let gOpt = Adam(for: generator, learningRate: config.generatorLearningRate, beta1: config.beta1)
    let dOpt = Adam(for: discriminator, learningRate: config.discriminatorLearningRate, beta1: config.beta1)
    let dataRng = rng.derived(3), noiseRng = rng.derived(4), evalRng = rng.derived(5)
    let n = config.batch
    let ones = Tensor(repeating: 1, shape: [n, 1]), zeros = Tensor(repeating: 0, shape: [n, 1])
    var result = RingGANResult(config: config)
    let snapshotSet = Set(config.snapshotSteps)

    func snapshot(step: Int) {
        let real = config.ring.sample(config.snapshotSamples, rng: evalRng.derived(UInt64(step) &* 2 &+ 1))
        let z = evalRng.derived(UInt64(step) &* 2 &+ 2).normal([config.snapshotSamples, config.noiseSize])
        let fake = withoutGrad { generator(z) }
        let r = config.gridResolution, e = config.gridExtent
        var grid = [Float]()
        grid.reserveCapacity(2 * r * r)
        for row in 0..<r {
            for col in 0..<r {
                grid.append(Float(-e + 2 * e * Double(col) / Double(r - 1)))
                grid.append(Float(-e + 2 * e * Double(row) / Double(r - 1)))
            }
        }
        let dGrid = withoutGrad {
            discriminator.logits(Tensor(grid, shape: [r * r, 2]), spreadOf: fake).sigmoid().scalars.map(Double.init)
        }
        let k = min(config.arrowCount, config.snapshotSamples)
        let tails = Tensor(Array(fake.scalars[0..<(2 * k)]), shape: [k, 2], requiresGrad: true)
        discriminator.logits(tails, spreadOf: fake).sigmoid().sum().backward()
        let grads = tails.grad.map(points) ?? Array(repeating: Point2(0, 0), count: k)
        discriminator.zeroGrad()
        let fakePoints = points(fake)
        result.snapshots.append(RingSnapshot(
            step: step, real: points(real), fake: fakePoints,
            discriminator: (0..<r).map { row in Array(dGrid[(row * r)..<((row + 1) * r)]) },
            arrowTails: Array(fakePoints[0..<k]), arrowGradients: grads,
            coverage: config.ring.coverage(of: fakePoints, minimumFraction: config.coverageFraction)))
    }

    if snapshotSet.contains(0) { snapshot(step: 0) }
    for step in 1...max(config.steps, 1) where config.steps > 0 {
        var dLossValue = 0.0, dRealMean = 0.0, dFakeMean = 0.0
        for _ in 0..<config.discriminatorSteps {
            let real = config.ring.sample(n, rng: dataRng)
            let fake = withoutGrad { generator(noiseRng.normal([n, config.noiseSize])) }
            let realLogits = discriminator.logits(real)
            let fakeLogits = discriminator.logits(fake)
            let loss = binaryCrossEntropy(logits: realLogits, targets: ones)
                + binaryCrossEntropy(logits: fakeLogits, targets: zeros)
            discriminator.zeroGrad()
            loss.backward()
            dOpt.step()
            dLossValue = Double(loss.item)
            dRealMean = Double(withoutGrad { realLogits.sigmoid().mean() }.item)
            dFakeMean = Double(withoutGrad { fakeLogits.sigmoid().mean() }.item)
        }
        let fakeLogits = discriminator.logits(generator(noiseRng.normal([n, config.noiseSize])))
        let gLoss: Tensor
        switch config.loss {
        case .nonSaturating: gLoss = binaryCrossEntropy(logits: fakeLogits, targets: ones)        // −log D(G(z))
        case .saturating: gLoss = -binaryCrossEntropy(logits: fakeLogits, targets: zeros)         // log(1 − D(G(z)))
        }
        generator.zeroGrad()
        gLoss.backward()
        gOpt.step()
        discriminator.zeroGrad()  // the generator's backward also reached D's weights; those gradients are not D's
        result.discriminatorLoss.append(dLossValue)
        result.generatorLoss.append(Double(gLoss.item))
        result.meanDReal.append(dRealMean)
        result.meanDFake.append(dFakeMean)
        if snapshotSet.contains(step) { snapshot(step: step) }
        onStep(step)
    }
    let z = evalRng.derived(999).normal([config.evaluationSamples, config.noiseSize])
    result.finalCoverage = config.ring.coverage(of: points(withoutGrad { generator(z) }),
                                                minimumFraction: config.coverageFraction)
    return result
}
