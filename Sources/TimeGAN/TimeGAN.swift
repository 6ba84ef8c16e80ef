import Datasets
import NN
import Tensor

/// TimeGAN (Yoon, Jarrett & van der Schaar, NeurIPS 2019) trained as the reference code trains it:
///
/// 1. embedding phase: embedder + recovery on 10·√MSE(X, X̃);
/// 2. supervised phase: generator + supervisor variables on MSE_sup (the generator gets no gradient unless
///    `phase2UpdatesGenerator` is on);
/// 3. joint phase: per step two (generator step, embedder step) pairs on fresh minibatches, then one
///    discriminator step if its loss exceeds 0.15.
///
/// The data are min-max scaled internally (over all sequences and steps) and `generate` scales back.
public final class TimeGAN {
    public let configuration: TimeGANConfiguration
    public let features: Int
    public let sequenceLength: Int
    public let networks: TimeGANNetworks
    public private(set) var scaler: MinMaxScaler
    let rng: RandomGenerator
    /// One Adam per solver of the reference (E0, GS, G, E, D), each with its own moments.
    let embeddingSolver, supervisedSolver, generatorSolver, embedderSolver, discriminatorSolver: Adam
    /// Each network's parameters, looked up once (reflection is not free).
    let embedderParameters, recoveryParameters, generatorParameters, supervisorParameters, discriminatorParameters: [Tensor]
    var allParameters: [Tensor] {
        embedderParameters + recoveryParameters + generatorParameters + supervisorParameters + discriminatorParameters
    }

    public var noiseSize: Int { features }

    /// - Parameter data: [N, T, D], not yet scaled (it is only used to fit the scaler here).
    public init(data: Tensor, configuration: TimeGANConfiguration = .init(), rng: RandomGenerator) {
        check(data.rank == 3, "TimeGAN: data \(data.shape) is not [N, T, D]")
        self.configuration = configuration
        features = data.shape[2]
        sequenceLength = data.shape[1]
        scaler = MinMaxScaler(fitting: data, epsilon: MinMaxScaler.timeGANEpsilon)
        self.rng = rng.derived(100)
        networks = TimeGANNetworks(features: features, noiseSize: features, hiddenSize: configuration.hiddenSize,
                                   layerCount: configuration.layerCount, rng: rng.derived(101))
        let n = networks, lr = configuration.learningRate
        embedderParameters = n.embedder.parameters
        recoveryParameters = n.recovery.parameters
        generatorParameters = n.generator.parameters
        supervisorParameters = n.supervisor.parameters
        discriminatorParameters = n.discriminator.parameters
        embeddingSolver = Adam(parameters: n.embedder.parameters + n.recovery.parameters, learningRate: lr)
        supervisedSolver = Adam(parameters: n.generator.parameters + n.supervisor.parameters, learningRate: lr)
        generatorSolver = Adam(parameters: n.generator.parameters + n.supervisor.parameters, learningRate: lr)
        embedderSolver = Adam(parameters: n.embedder.parameters + n.recovery.parameters, learningRate: lr)
        discriminatorSolver = Adam(parameters: n.discriminator.parameters, learningRate: lr)
    }

    /// Z ~ U(0, 1), one noise vector of `noiseSize` per step.
    public func noise(_ count: Int) -> Tensor { rng.uniform([count, sequenceLength, noiseSize]) }

    // MARK: Losses (public so tests can take their gradients)

    /// Phase 1: (10·√MSE(X, R(E(X))), MSE).
    public func embeddingLoss(_ x: Tensor) -> (loss: Tensor, mse: Tensor) {
        let n = networks
        return TimeGANLoss.reconstruction(data: x, recovered: n.recovery(n.embedder(x)))
    }

    /// Phase 2: MSE_sup(H, S(H)) with H = E(X) — the reference. With `phase2UpdatesGenerator` we add the same
    /// one-step-ahead loss on generated latents, MSE(E_G[:, 1:], S(E_G)[:, :−1]) with E_G = G(Z) and the target
    /// detached: the generator is pushed towards latent paths whose next step the supervisor (trained on real
    /// latents by the first term) predicts, so G now receives gradient through S(G(Z)).
    public func supervisedPhaseLoss(_ x: Tensor, noise z: Tensor) -> Tensor {
        let n = networks
        let h = n.embedder(x)
        let real = TimeGANLoss.supervised(latent: h, supervised: n.supervisor(h))
        guard configuration.phase2UpdatesGenerator else { return real }
        let e = n.generator(z)
        let t = e.shape[1]
        let generated = meanSquaredError(predicted: n.supervisor(e).sliced(axis: 1, 0..<(t - 1)),
                                         expected: e.sliced(axis: 1, 1..<t).detached())
        return real + generated
    }

    /// The generator's joint-phase loss and its parts.
    public func generatorLoss(_ x: Tensor, noise z: Tensor)
        -> (loss: Tensor, adversarial: Tensor, supervised: Tensor, moments: Tensor) {
        let n = networks
        let h = n.embedder(x)
        let e = n.generator(z)
        let hHat = n.supervisor(e)
        let xHat = n.recovery(hHat)
        let adversarial = TimeGANLoss.adversarial(logits: n.discriminator(hHat), target: 1)
        let adversarialE = TimeGANLoss.adversarial(logits: n.discriminator(e), target: 1)
        let supervised = TimeGANLoss.supervised(latent: h, supervised: n.supervisor(h))
        let moments = TimeGANLoss.moments(generated: xHat, data: x)
        let loss = adversarial + configuration.gamma * adversarialE + 100 * supervised.sqrt() + 100 * moments
        return (loss, adversarial, supervised, moments)
    }

    /// The embedder's joint-phase loss E_loss0 + 0.1·MSE_sup, and the reconstruction MSE.
    public func embedderLoss(_ x: Tensor) -> (loss: Tensor, mse: Tensor) {
        let n = networks
        let h = n.embedder(x)
        let (loss0, mse) = TimeGANLoss.reconstruction(data: x, recovered: n.recovery(h))
        let supervised = TimeGANLoss.supervised(latent: h, supervised: n.supervisor(h))
        return (loss0 + 0.1 * supervised, mse)
    }

    /// D_loss = BCE(D(H) → 1) + BCE(D(Ĥ) → 0) + γ·BCE(D(E) → 0).
    public func discriminatorLoss(_ x: Tensor, noise z: Tensor) -> Tensor {
        let n = networks
        let h = n.embedder(x)
        let e = n.generator(z)
        let hHat = n.supervisor(e)
        return TimeGANLoss.adversarial(logits: n.discriminator(h), target: 1)
            + TimeGANLoss.adversarial(logits: n.discriminator(hHat), target: 0)
            + configuration.gamma * TimeGANLoss.adversarial(logits: n.discriminator(e), target: 0)
    }

    // MARK: Training

    /// A minibatch of scaled data, drawn without replacement.
    func batch(_ data: Tensor) -> Tensor {
        data.gathering(SequenceData.drawWithoutReplacement(configuration.batchSize, from: data.shape[0], rng: rng))
    }

    /// Computes `loss` with only `trainable` parameters tracked — the solver's variable list, as TensorFlow
    /// differentiates only with respect to it — so no graph is recorded through networks the step does not
    /// update unless a gradient must flow through them. Then one update of `solver`, and every parameter is
    /// trainable again.
    /// A nil loss skips the update.
    func step(_ solver: Adam, updating trainable: [Tensor], _ loss: () -> Tensor?) {
        let all = allParameters
        for p in all { p.requiresGrad = false; p.zeroGrad() }
        for p in trainable { p.requiresGrad = true }
        if let value = loss() {
            value.backward()
            solver.step()
        }
        for p in all { p.zeroGrad(); p.requiresGrad = true }
    }

    /// Runs the three phases on `data` ([N, T, D], unscaled), reporting every step to `progress`.
    public func train(on data: Tensor, progress: (TrainingEvent) -> Void = { _ in }) {
        let scaled = scaler.transform(data)
        trainEmbedding(scaled: scaled, progress: progress)
        trainSupervised(scaled: scaled, progress: progress)
        trainJointly(scaled: scaled, progress: progress)
    }

    /// Phase 1 on already scaled data (`configuration.iterations` steps unless `iterations` is given).
    public func trainEmbedding(scaled: Tensor, iterations: Int? = nil, progress: (TrainingEvent) -> Void = { _ in }) {
        let total = iterations ?? configuration.embeddingIterations
        for i in 1...Swift.max(total, 1) where total > 0 {
            var loss: Float = 0, mse: Float = 0
            step(embeddingSolver, updating: embedderParameters + recoveryParameters) {
                let parts = embeddingLoss(batch(scaled))
                (loss, mse) = (parts.loss.item, parts.mse.item)
                return parts.loss
            }
            progress(TrainingEvent(phase: .embedding, step: i, total: total,
                                   losses: [("E_loss0", loss), ("recon_mse", mse)]))
        }
    }

    /// Phase 2 on already scaled data.
    public func trainSupervised(scaled: Tensor, iterations: Int? = nil, progress: (TrainingEvent) -> Void = { _ in }) {
        let total = iterations ?? configuration.supervisedIterations
        for i in 1...Swift.max(total, 1) where total > 0 {
            var loss: Float = 0
            step(supervisedSolver, updating: generatorParameters + supervisorParameters) {
                let x = batch(scaled)
                let l = supervisedPhaseLoss(x, noise: noise(x.shape[0]))
                loss = l.item
                return l
            }
            progress(TrainingEvent(phase: .supervised, step: i, total: total, losses: [("MSE_sup", loss)]))
        }
    }

    /// Phase 3 on already scaled data.
    public func trainJointly(scaled: Tensor, iterations: Int? = nil, progress: (TrainingEvent) -> Void = { _ in }) {
        let total = iterations ?? configuration.jointIterations
        for i in 1...Swift.max(total, 1) where total > 0 {
            var g: (adversarial: Float, supervised: Float, moments: Float) = (0, 0, 0)
            var mse: Float = 0
            for _ in 0..<2 {
                // The reference feeds the same minibatch to the generator step and the embedder step after it.
                let x = batch(scaled), z = noise(x.shape[0])
                step(generatorSolver, updating: generatorParameters + supervisorParameters) {
                    let parts = generatorLoss(x, noise: z)
                    g = (parts.adversarial.item, parts.supervised.item, parts.moments.item)
                    return parts.loss
                }
                step(embedderSolver, updating: embedderParameters + recoveryParameters) {
                    let parts = embedderLoss(x)
                    mse = parts.mse.item
                    return parts.loss
                }
            }
            let x = batch(scaled), z = noise(x.shape[0])
            var dValue: Float = 0
            step(discriminatorSolver, updating: discriminatorParameters) {
                let d = discriminatorLoss(x, noise: z)
                dValue = d.item
                return dValue > configuration.discriminatorThreshold ? d : nil
            }
            progress(TrainingEvent(phase: .joint, step: i, total: total, losses: [
                ("D_loss", dValue), ("G_loss_U", g.adversarial), ("G_loss_S", g.supervised),
                ("G_loss_V", g.moments), ("E_loss_T0", mse),
            ]))
        }
    }

    /// `count` synthetic sequences R(S(G(Z))), scaled back to the data's units.
    public func generate(count: Int, chunk: Int = 1024) -> Tensor {
        let n = networks
        let parts = stride(from: 0, to: count, by: chunk).map { start in
            withoutGrad { n.recovery(n.supervisor(n.generator(noise(Swift.min(chunk, count - start))))) }
        }
        return scaler.inverse(Tensor.concat(parts, axis: 0))
    }
}
