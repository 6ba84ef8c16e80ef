import Foundation
import NN
import Tensor

/// One loss reading of a training run: the negative ELBO and its parts, averaged over the batch.
public struct GPVAELoss: Codable, Equatable, Sendable {
    public var step: Int
    public var loss: Double
    public var nll: Double
    public var kl: Double
}

/// A trained GP-VAE (Fortuin et al. 2020) or one of its VAE baselines, and what it computes for a data set:
/// imputations, posterior samples, the NLL of held-out entries. Writes no files and prints nothing.
public final class GPVAE {
    public let network: GPVAENetwork
    /// The loss every 1 % of training and at the last step.
    public private(set) var losses: [GPVAELoss] = []

    public var config: GPVAEConfig { network.config }

    init(network: GPVAENetwork) { self.network = network }

    /// Trains on the observed entries of `data`, as the reference's train.py: Adam, batches drawn from a fresh
    /// shuffle each epoch (the last one of an epoch may be smaller), non-finite gradient entries replaced as NumPy's
    /// `nan_to_num` does (or an error, without `replaceNonFinite`), the global gradient norm clipped, the last state kept (no validation selection).
    /// Same seed, same model, at any thread count. `progress(step, steps, loss)` is called after every step.
    public static func train(on data: IncompleteSeries, config: GPVAEConfig, seed: UInt64,
                             progress: ((Int, Int, GPVAELoss) -> Void)? = nil) throws -> GPVAE {
        let root = RandomGenerator(seed: seed)
        let network = try GPVAENetwork(config: config, features: data.features, length: data.length, rng: root.derived(1))
        let model = GPVAE(network: network)
        try model.fit(data, shuffle: root.derived(2), noise: root.derived(3), progress: progress)
        return model
    }

    func fit(_ data: IncompleteSeries, shuffle: RandomGenerator, noise: RandomGenerator,
             progress: ((Int, Int, GPVAELoss) -> Void)?) throws {
        let steps = config.stepCount(trainingSize: data.count)
        let batch = Swift.min(config.batchSize, data.count)
        let optimizer = Adam(for: network, learningRate: Float(config.learningRate))
        let named = network.namedParameters(), parameters = named.map(\.1)
        let every = Swift.max(steps / 100, 1)
        // The reference halves the rate every `halving` epochs of steps/epochs steps each.
        let halvingInterval = config.learningRateHalvingEpochs.map { $0 * Swift.max(steps / Swift.max(config.epochs, 1), 1) }
        var order: [Int] = [], cursor = 0
        for step in 0..<steps {
            if cursor >= order.count { order = shuffle.permutation(data.count); cursor = 0 }
            let rows = Array(order[cursor..<Swift.min(cursor + batch, order.count)])
            cursor += rows.count
            let (x, observed) = data.batch(rows)
            let (loss, nll, kl) = network.loss(values: x, observed: observed, rng: noise)
            guard loss.item.isFinite else { throw GPVAEError.nonFinite(step: step, quantity: "loss") }
            loss.backward()
            for (name, p) in named {
                guard let g = p.grad, g.withBuffer({ $0.contains { !$0.isFinite } }) else { continue }
                guard config.replaceNonFinite else { throw GPVAEError.nonFinite(step: step, quantity: "gradient of \(name)") }
                p.setGrad(Self.finiteGradient(g))
            }
            clipGradientNorm(parameters, maxNorm: Float(config.gradientClip))
            optimizer.step()
            network.zeroGrad()
            if let halvingInterval, step > 0, step % halvingInterval == 0 {
                optimizer.learningRate = Swift.max(0.5 * optimizer.learningRate, Float(0.1 * config.learningRate))
            }
            let reading = GPVAELoss(step: step, loss: Double(loss.item), nll: nll, kl: kl)
            if step % every == 0 || step == steps - 1 { losses.append(reading) }
            progress?(step + 1, steps, reading)
        }
    }

    /// NumPy's nan_to_num: NaN → 0, ±∞ → ±greatest finite value.
    static func finiteGradient(_ g: Tensor) -> Tensor {
        let fixed = g.scalars.map { v -> Float in
            v.isNaN ? 0 : (v.isInfinite ? (v > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : v)
        }
        return Tensor(fixed, shape: g.shape)
    }

    // MARK: Using the trained model

    /// Runs `body` on consecutive batches of `data` (in order) without recording, collecting its [B·T·D] outputs.
    private func batched(_ data: IncompleteSeries, _ body: (Tensor, [Int]) -> [Float]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(data.values.count)
        var start = 0
        while start < data.count {
            let rows = Array(start..<Swift.min(start + config.batchSize, data.count))
            let (x, _) = data.batch(rows)
            out += withoutGrad { body(x, rows) }
            start += rows.count
        }
        return out
    }

    private func checkShape(_ data: IncompleteSeries) throws {
        guard data.length == network.length, data.features == network.features else {
            throw GPVAEError.invalidSeries("model trained on \(network.length)×\(network.features) series, given \(data.length)×\(data.features)")
        }
    }

    /// The decoder's mean at the posterior mean, [N·T·D], for every entry (the reference's `compute_mse` input).
    public func reconstruct(_ data: IncompleteSeries) throws -> [Float] {
        try checkShape(data)
        return batched(data) { x, _ in network.decodedMean(network.posterior(x).mean).scalars }
    }

    /// Imputed series: the reconstruction at missing entries, the observed values elsewhere.
    public func impute(_ data: IncompleteSeries) throws -> [Float] {
        let r = try reconstruct(data)
        return r.indices.map { data.missing[$0] ? r[$0] : data.values[$0] }
    }

    /// `count` imputations from posterior samples of z (decoded means, observed values kept), for uncertainty.
    public func sampledImputations(_ data: IncompleteSeries, count: Int, seed: UInt64) throws -> [[Float]] {
        try checkShape(data)
        let rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            let r = batched(data) { x, _ in network.decodedMean(network.posterior(x).sample(rng: rng)).scalars }
            return r.indices.map { data.missing[$0] ? r[$0] : data.values[$0] }
        }
    }

    /// Per-entry standard deviation of the decoded mean over `count` posterior samples of z (0 at observed
    /// entries): the model's uncertainty about each imputed value, for bands and the CSV's uncertainty column.
    public func imputationDeviations(_ data: IncompleteSeries, count: Int, seed: UInt64) throws -> [Float] {
        guard count >= 2 else { throw GPVAEError.invalidConfig("need at least two posterior samples for a spread, got \(count)") }
        let samples = try sampledImputations(data, count: count, seed: seed)
        return data.values.indices.map { i in
            guard data.missing[i] else { return 0 }
            let mean = samples.reduce(0.0) { $0 + Double($1[i]) } / Double(count)
            let variance = samples.reduce(0.0) { $0 + (Double($1[i]) - mean) * (Double($1[i]) - mean) } / Double(count - 1)
            return Float(variance.squareRoot())
        }
    }

    /// The reference's NLL on held-out entries: one posterior sample of z per batch, −log p(truth | z) summed over
    /// the entries where `mask` is true, divided by their number (nats per entry). Non-finite terms count as 0.
    public func negativeLogLikelihood(_ data: IncompleteSeries, truth: [Float], mask: [Bool], seed: UInt64) throws -> Double {
        try checkShape(data)
        guard truth.count == data.values.count, mask.count == data.values.count else {
            throw GPVAEError.invalidSeries("\(truth.count) true values and \(mask.count) mask entries for \(data.values.count) entries")
        }
        let masked = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard masked > 0 else { throw GPVAEError.invalidSeries("the evaluation mask selects no entry") }
        let rng = RandomGenerator(seed: seed)
        let stride = data.stride
        let perEntry = batched(data) { x, rows in
            let target = Tensor(rows.flatMap { truth[($0 * stride)..<(($0 + 1) * stride)] }, shape: x.shape)
            let z = network.posterior(x).sample(rng: rng)
            return network.negativeLogLikelihood(output: network.decode(z), target: target).scalars
        }
        var total = 0.0
        for i in perEntry.indices where mask[i] && perEntry[i].isFinite { total += Double(perEntry[i]) }
        return total / Double(masked)
    }

    /// Posterior mean and marginal variance of z per series, step and latent channel, each [N·T·L].
    public func latentPosterior(_ data: IncompleteSeries) throws -> (mean: [Float], variance: [Float]) {
        try checkShape(data)
        var mean: [Float] = [], variance: [Float] = []
        _ = batched(data) { x, _ in
            let q = network.posterior(x)
            mean += q.mean.scalars
            variance += q.marginalVariances().scalars
            return []
        }
        return (mean, variance)
    }
}
