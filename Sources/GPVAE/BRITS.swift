import Foundation
import NN
import Tensor

/// Settings of BRITS (Cao et al. 2018), defaulting to the authors' code (caow13/BRITS): LSTM hidden size 64,
/// Adam 1e-3, batch 64, consistency weight 0.1.
public struct BRITSConfig: Codable, Equatable, Sendable {
    public var hiddenSize: Int
    public var learningRate: Double
    public var batchSize: Int
    public var steps: Int
    /// Weight of the mean |forward − backward| imputation discrepancy.
    public var consistencyWeight: Double

    public init(hiddenSize: Int = 64, learningRate: Double = 1e-3, batchSize: Int = 64, steps: Int,
                consistencyWeight: Double = 0.1) {
        self.hiddenSize = hiddenSize
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.steps = steps
        self.consistencyWeight = consistencyWeight
    }
}

/// One direction of BRITS (RITS): an LSTM over time whose hidden state decays with the time since each feature
/// was last seen, a history regression x̂ from the hidden state, a feature regression ẑ from the other features,
/// and a learned blend ĉ of the two; the LSTM is fed the completed values and the mask.
public final class RITS: Module {
    public let decayHiddenWeight: Tensor, decayHiddenBias: Tensor
    public let decayInputWeight: Tensor, decayInputBias: Tensor
    public let history: Linear
    public let featureWeight: Tensor, featureBias: Tensor
    public let combine: Linear
    public let lstmInput: Linear, lstmHidden: Linear
    let features: Int, hidden: Int

    public init(features d: Int, hidden h: Int, rng: RandomGenerator) {
        // The authors' initialisations: U(±1/√rows) for the decay and feature-regression weights, PyTorch's
        // defaults for the linear layers and the LSTM cell (U(±1/√h) for all of it).
        func uniform(_ shape: [Int], _ bound: Int) -> Tensor {
            Initialization.uniform(shape, bound: 1 / Float(bound).squareRoot(), rng: rng)
        }
        decayHiddenWeight = uniform([h, d], h); decayHiddenBias = uniform([h], h)
        decayInputWeight = uniform([d], d); decayInputBias = uniform([d], d)
        history = Linear(inputSize: h, outputSize: d, rng: rng)
        featureWeight = uniform([d, d], d); featureBias = uniform([d], d)
        combine = Linear(inputSize: 2 * d, outputSize: d, rng: rng)
        lstmInput = Linear(weight: uniform([4 * h, 2 * d], h), bias: uniform([4 * h], h))
        lstmHidden = Linear(weight: uniform([4 * h, h], h), bias: uniform([4 * h], h))
        features = d
        hidden = h
        super.init()
    }

    /// Runs over x, m, δ ([B, T, D] each). Returns the completed series (x where observed, the blended estimate ĉ
    /// elsewhere) [B, T, D] and the loss (the
    /// masked MAE of x̂, ẑ and ĉ, each normalised by the observed count of its step, averaged over steps).
    func callAsFunction(values x: Tensor, observed m: Tensor, gaps delta: Tensor) -> (estimates: Tensor, loss: Tensor) {
        let (b, t, d, h) = (x.shape[0], x.shape[1], features, hidden)
        let offDiagonal = Tensor((0..<(d * d)).map { $0 / d == $0 % d ? 0 : 1 }, shape: [d, d])
        let maskedFeatureWeight = featureWeight * offDiagonal
        var state = Tensor(zeros: [b, h]), cell = Tensor(zeros: [b, h])
        var loss = Tensor(0)
        var estimates: [Tensor] = []
        for step in 0..<t {
            let xt = x.sliced(axis: 1, step..<(step + 1)).reshaped([b, d])
            let mt = m.sliced(axis: 1, step..<(step + 1)).reshaped([b, d])
            let dt = delta.sliced(axis: 1, step..<(step + 1)).reshaped([b, d])
            let gammaH = (-Tensor.linear(dt, weight: decayHiddenWeight, bias: decayHiddenBias).relu()).exp()
            let gammaX = (-(dt * decayInputWeight + decayInputBias).relu()).exp()
            state = state * gammaH
            let observedCount = mt.sum() + 1e-5
            func mae(_ estimate: Tensor) -> Tensor { ((xt - estimate).abs() * mt).sum() / observedCount }
            let xHat = history(state)
            let completed = mt * xt + (1 - mt) * xHat
            let zHat = Tensor.linear(completed, weight: maskedFeatureWeight, bias: featureBias)
            let beta = combine(Tensor.concat([gammaX, mt], axis: 1)).sigmoid()
            let cHat = beta * zHat + (1 - beta) * xHat
            loss = loss + mae(xHat) + mae(zHat) + mae(cHat)
            let completedEstimate = mt * xt + (1 - mt) * cHat
            estimates.append(completedEstimate)
            let input = Tensor.concat([completedEstimate, mt], axis: 1)
            let gates = lstmInput(input) + lstmHidden(state)
            let i = gates.sliced(axis: 1, 0..<h).sigmoid(), f = gates.sliced(axis: 1, h..<(2 * h)).sigmoid()
            let g = gates.sliced(axis: 1, (2 * h)..<(3 * h)).tanh(), o = gates.sliced(axis: 1, (3 * h)..<(4 * h)).sigmoid()
            cell = f * cell + i * g
            state = o * cell.tanh()
        }
        return (Tensor.stack(estimates, axis: 1), loss / Float(t))
    }
}

/// BRITS: a RITS forward in time and one backward, trained together with a consistency term (the mean |difference|
/// of the two directions' completed series, so only missing entries count); the imputation is their mean.
public final class BRITS {
    public let config: BRITSConfig
    public let forward: RITS
    public let backward: RITS
    /// The loss every 1 % of training and at the last step.
    public private(set) var losses: [(step: Int, loss: Double)] = []
    let length: Int, features: Int

    init(config: BRITSConfig, length: Int, features: Int, rng: RandomGenerator) {
        self.config = config
        forward = RITS(features: features, hidden: config.hiddenSize, rng: rng.derived(1))
        backward = RITS(features: features, hidden: config.hiddenSize, rng: rng.derived(2))
        self.length = length
        self.features = features
    }

    /// Trains on the observed entries of `data` (fresh shuffle each epoch). `progress(step, steps, loss)` after
    /// every step.
    public static func train(on data: IncompleteSeries, config: BRITSConfig, seed: UInt64,
                             progress: ((Int, Int, Double) -> Void)? = nil) throws -> BRITS {
        guard config.hiddenSize >= 1, config.batchSize >= 1, config.steps >= 1, config.learningRate > 0,
              config.consistencyWeight >= 0 else {
            throw GPVAEError.invalidConfig("BRITS: hidden size, batch size and steps must be positive, got \(config)")
        }
        let root = RandomGenerator(seed: seed)
        let model = BRITS(config: config, length: data.length, features: data.features, rng: root.derived(1))
        let optimizer = Adam(parameters: model.forward.parameters + model.backward.parameters,
                             learningRate: Float(config.learningRate))
        let shuffle = root.derived(2)
        let batch = Swift.min(config.batchSize, data.count)
        let every = Swift.max(config.steps / 100, 1)
        var order: [Int] = [], cursor = 0
        for step in 0..<config.steps {
            if cursor >= order.count { order = shuffle.permutation(data.count); cursor = 0 }
            let rows = Array(order[cursor..<Swift.min(cursor + batch, order.count)])
            cursor += rows.count
            let (_, loss) = model.run(data, rows: rows)
            let value = Double(loss.item)
            guard value.isFinite else { throw GPVAEError.nonFinite(step: step, quantity: "BRITS loss") }
            loss.backward()
            optimizer.step()
            model.forward.zeroGrad()
            model.backward.zeroGrad()
            if step % every == 0 || step == config.steps - 1 { model.losses.append((step, value)) }
            progress?(step + 1, config.steps, value)
        }
        return model
    }

    /// Both directions on `rows`: the averaged estimates [B, T, D] and the training loss.
    func run(_ data: IncompleteSeries, rows: [Int]) -> (Tensor, Tensor) {
        let (x, m) = data.batch(rows)
        let reversed = Array((0..<length).reversed())
        let xb = x.gathering(reversed, axis: 1), mb = m.gathering(reversed, axis: 1)
        let (ef, lf) = forward(values: x, observed: m, gaps: Self.gaps(m))
        let (eb, lb) = backward(values: xb, observed: mb, gaps: Self.gaps(mb))
        let ebForward = eb.gathering(reversed, axis: 1)
        let consistency = (ef - ebForward).abs().mean() * Float(config.consistencyWeight)
        return ((ef + ebForward) * 0.5, lf + lb + consistency)
    }

    /// δ for a mask [B, T, D] on a unit time grid: 0 at the first step, then 1 after an observed step and one
    /// more than the previous δ after a missing one (the time since the feature was last seen).
    static func gaps(_ observed: Tensor) -> Tensor {
        let (b, t, d) = (observed.shape[0], observed.shape[1], observed.shape[2])
        let m = observed.scalars
        var delta = [Float](repeating: 0, count: m.count)
        for s in 0..<b {
            for step in 1..<Swift.max(t, 1) {
                for f in 0..<d {
                    let i = (s * t + step) * d + f, previous = i - d
                    delta[i] = m[previous] == 1 ? 1 : delta[previous] + 1
                }
            }
        }
        return Tensor(delta, shape: [b, t, d])
    }

    /// Imputed series: the mean of both directions' estimates at missing entries, observed values kept.
    public func impute(_ data: IncompleteSeries) throws -> [Float] {
        guard data.length == length, data.features == features else {
            throw GPVAEError.invalidSeries("BRITS trained on \(length)×\(features) series, given \(data.length)×\(data.features)")
        }
        var out: [Float] = []
        var start = 0
        while start < data.count {
            let rows = Array(start..<Swift.min(start + config.batchSize, data.count))
            out += withoutGrad { run(data, rows: rows).0.scalars }
            start += rows.count
        }
        return out.indices.map { data.missing[$0] ? out[$0] : data.values[$0] }
    }
}
