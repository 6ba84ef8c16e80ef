import Evaluation
import Foundation
import NN
import Testing
@testable import GPVAE
import Tensor

@Test func presetsCarryTheReferenceHyperparameters() {
    let h = GPVAEConfig.hmnist
    #expect(h.latentDimension == 256 && h.encoderSizes == [256, 256] && h.decoderSizes == [256, 256, 256])
    #expect(h.windowSize == 3 && h.beta == 0.8 && h.likelihood == .bernoulli && h.image?.count == 784)
    #expect(h.kernel == GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2, jitter: 1e-3))
    #expect(h.stepCount(trainingSize: 60_000) == 18_750)
    let s = GPVAEConfig.sprites
    #expect(s.encoderSizes == [32, 256, 256] && s.beta == 0.1 && s.likelihood == .gaussian && s.image?.count == 12_288)
    let p = GPVAEConfig.physionet
    #expect(p.latentDimension == 35 && p.windowSize == 24 && p.kernel.sigma == 1.005 && p.kernel.lengthScale == 7)
    #expect(p.beta == 0.2 && p.bandActivation == .sigmoid && p.epochs == 40 && p.learningRateHalvingEpochs == 10 && p.image == nil)
    #expect(GPVAEConfig.hmnistCPU.latentDimension == 64 && GPVAEConfig.hmnistCPU.stepCount(trainingSize: 4000) == 6_300)
    // Codable round trip.
    let decoded = try? JSONDecoder().decode(GPVAEConfig.self, from: JSONEncoder().encode(p))
    #expect(decoded == p)
}

@Test func badSettingsAndSeriesFailWithAReason() throws {
    let data = try SyntheticSeries(count: 4, seed: 1).series
    var c = smallConfig()
    c.latentDimension = 0
    #expect(throws: GPVAEError.invalidConfig("latent dimension must be at least 1, got 0")) {
        try GPVAE.train(on: data, config: c, seed: 0)
    }
    c = smallConfig()
    c.image = ImageShape(height: 2, width: 2, channels: 1)
    #expect(throws: GPVAEError.self) { try GPVAE.train(on: data, config: c, seed: 0) }
    #expect(throws: GPVAEError.self) {
        try IncompleteSeries(count: 1, length: 2, features: 1, values: [1, .nan], missing: [false, false])
    }
    // A non-finite value that is missing anyway is fine and stored as 0.
    let ok = try IncompleteSeries(count: 1, length: 2, features: 1, values: [1, .nan], missing: [false, true])
    #expect(ok.values == [1, 0])
}

@Test("every model kind builds its posterior with the right shapes", arguments: GPVAEModelKind.allCases)
func posteriorShapes(kind: GPVAEModelKind) throws {
    var config = smallConfig(kind)
    config.image = ImageShape(height: 2, width: 3, channels: 1)
    let network = try GPVAENetwork(config: config, features: 6, length: 7, rng: RandomGenerator(seed: 1))
    let x = RandomGenerator(seed: 2).normal([3, 7, 6])
    let q = network.posterior(x)
    #expect(q.mean.shape == [3, 7, 4])
    #expect(q.sample(rng: RandomGenerator(seed: 3)).shape == [3, 7, 4])
    #expect(q.marginalVariances().shape == [3, 7, 4])
    #expect(network.decode(q.mean).shape == [3, 7, 6])
    if case .banded(let banded) = q {
        #expect(kind == .gpVAE)
        #expect(banded.diagonal.shape == [3, 4, 7] && banded.superdiagonal.shape == [3, 4, 6])
        // softplus(·) + 1 on the diagonal, softplus(·) > 0 above it, as the reference.
        #expect(banded.diagonal.scalars.allSatisfy { $0 > 1 } && banded.superdiagonal.scalars.allSatisfy { $0 > 0 })
    } else {
        #expect(kind != .gpVAE)
    }
}

/// An even window (Physionet's 24) keeps T outputs, each centred where TensorFlow's "same" padding puts it.
@Test func evenWindowMatchesTensorFlowSamePadding() {
    let rng = RandomGenerator(seed: 4)
    let encoder = JointEncoder(inputSize: 1, sizes: [1], window: 4, outputSize: 1, rng: rng)
    encoder.convolution.weight.assign(Tensor([1, 10, 100, 1000], shape: [1, 1, 4]))
    encoder.stack.output.weight.assign(Tensor([1], shape: [1, 1]))
    let x = Tensor([1, 2, 3, 4, 5], shape: [1, 5, 1])
    // TF pads 1 zero left and 2 right: output t sees inputs t−1, t, t+1, t+2.
    let expected: [Float] = [0 + 10 * 1 + 100 * 2 + 1000 * 3, 1 + 20 + 300 + 4000, 2 + 30 + 400 + 5000,
                             3 + 40 + 500 + 0, 4 + 50 + 0 + 0]
    #expect(encoder(x).scalars == expected)
}

/// The whole negative ELBO, through encoder, banded posterior, sample, KL and decoder, differentiates correctly
/// with respect to every parameter (fixed noise, so each evaluation draws the same ε).
@Test("the ELBO's gradient matches finite differences", arguments: GPVAEModelKind.allCases)
func elboGradient(kind: GPVAEModelKind) throws {
    var config = GPVAEConfig(model: kind, latentDimension: 2, encoderSizes: [4, 4], decoderSizes: [4], windowSize: 3,
                             beta: 0.8, likelihood: kind == .vae ? .gaussian : .bernoulli, epochs: 1)
    config.kernelScales = 2
    let network = try GPVAENetwork(config: config, features: 3, length: 5, rng: RandomGenerator(seed: 13))
    let rng = RandomGenerator(seed: 14)
    // Keras starts biases at 0, which puts ReLU exactly on its kink for an all-zero input step; move them off it.
    for (name, p) in network.namedParameters() where name.hasSuffix("bias") { p.assign(rng.normal(p.shape, std: 0.5)) }
    let x = rng.bernoulli([2, 5, 3], probability: 0.5), observed = rng.bernoulli([2, 5, 3], probability: 0.6)
    let result = checkGradients(of: network.parameters) { _ in
        network.loss(values: x * observed, observed: observed, rng: RandomGenerator(seed: 15)).loss
    }
    #expect(result.maxRelativeError < 1e-2, "\(kind): \(result)")
}

/// The ELBO's likelihood counts observed entries only (GP-VAE, HI-VAE) or every entry (VAE).
@Test("the likelihood term covers the right entries", arguments: GPVAEModelKind.allCases)
func likelihoodMasking(kind: GPVAEModelKind) throws {
    let network = try GPVAENetwork(config: smallConfig(kind), features: 6, length: 10, rng: RandomGenerator(seed: 5))
    let data = try SyntheticSeries(count: 3, seed: 6).series
    let (x, observed) = data.batch([0, 1, 2])
    let (_, nll, _) = network.loss(values: x, observed: observed, rng: RandomGenerator(seed: 7))
    let z = network.posterior(x).sample(rng: RandomGenerator(seed: 7))
    let perEntry = network.negativeLogLikelihood(output: network.decode(z), target: x).scalars
    let mask = observed.scalars
    let expected = perEntry.indices.reduce(0.0) { $0 + (kind == .vae || mask[$1] == 1 ? Double(perEntry[$1]) : 0) } / 3
    #expect(Swift.abs(nll - expected) < 1e-4 * Swift.max(1, Swift.abs(expected)))
}

@Test func nonFiniteGradientsAreReplacedAsNumPyDoesOrStopTraining() throws {
    let fixed = GPVAE.finiteGradient(Tensor([.nan, .infinity, -.infinity, 1.5], shape: [4])).scalars
    #expect(fixed == [0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1.5])
    // A learning rate that blows the weights up ends in a clear error, not in silent NaNs.
    var config = smallConfig(steps: 50)
    config.learningRate = 1e30
    config.replaceNonFinite = false
    let data = try SyntheticSeries(count: 40, seed: 9).series
    #expect(throws: GPVAEError.self) { try GPVAE.train(on: data, config: config, seed: 0) }
}

@Suite(.serialized) struct TrainingTests {
    /// Same seed, same losses and imputations, at one thread or two.
    @Test func trainingIsDeterministicAcrossRunsAndThreadCounts() throws {
        let original = Threading.threadCount
        defer { Threading.setThreadCount(original) }
        let data = try SyntheticSeries(count: 40, seed: 8).series
        func run(threads: Int) throws -> ([GPVAELoss], [Float]) {
            Threading.setThreadCount(threads)
            let model = try GPVAE.train(on: data, config: smallConfig(steps: 12), seed: 3)
            return (model.losses, try model.impute(data))
        }
        let a = try run(threads: 2), b = try run(threads: 2), c = try run(threads: 1)
        #expect(a.0 == b.0 && a.1 == b.1)
        #expect(a.0 == c.0 && a.1 == c.1)
        let other = try GPVAE.train(on: data, config: smallConfig(steps: 12), seed: 4)
        #expect(other.losses != a.0)
    }

    /// Binary series (smooth paths thresholded): the Bernoulli GP-VAE and HI-VAE both beat rounded mean imputation
    /// on held-out entries. (Their NLL does not beat the means' on data this small: 256 series of 6 features are
    /// fitted to overconfident probabilities, measured 0.58 and 0.83 nats against 0.66, so it is only required finite.)
    @Test func bernoulliModelsBeatMeanImputationOnBinarySeries() throws {
        func binary(_ s: SyntheticSeries) throws -> (IncompleteSeries, [Float]) {
            let truth = s.truth.map { $0 > 0.3 ? Float(1) : 0 }
            return (try IncompleteSeries(count: s.series.count, length: 10, features: 6, values: truth, missing: s.series.missing), truth)
        }
        let (train, _) = try binary(try SyntheticSeries(count: 256, seed: 40))
        let (test, truth) = try binary(try SyntheticSeries(count: 64, seed: 41))
        let mask = test.missing
        let meanPrediction = try SimpleImputers.meanImputation(test, means: try SimpleImputers.featureMeans(train))
        let meanMSE = try ImputationMetrics.meanSquaredError(predicted: meanPrediction, truth: truth, mask: mask, rounded: true)
        for kind in [GPVAEModelKind.gpVAE, .hiVAE] {
            var config = smallConfig(kind, steps: 400)
            config.likelihood = .bernoulli
            config.beta = 0.8
            let model = try GPVAE.train(on: train, config: config, seed: 5)
            let mse = try ImputationMetrics.meanSquaredError(predicted: try model.reconstruct(test), truth: truth, mask: mask, rounded: true)
            #expect(mse < 0.7 * meanMSE, "\(kind): rounded MSE \(mse) vs mean imputation \(meanMSE)")
            #expect(try model.negativeLogLikelihood(test, truth: truth, mask: mask, seed: 6).isFinite)
        }
    }

    /// The learning test: on smooth series with half the entries missing, a few hundred steps of GP-VAE impute
    /// held-out entries of unseen series better than the training means do.
    @Test func gpVAEBeatsMeanImputationOnHeldOutEntries() throws {
        let train = try SyntheticSeries(count: 256, seed: 10)
        let test = try SyntheticSeries(count: 64, seed: 11)
        var progressCalls = 0
        let model = try GPVAE.train(on: train.series, config: smallConfig(steps: 400), seed: 1) { step, steps, _ in
            progressCalls += 1
            #expect(step <= steps)
        }
        #expect(progressCalls == 400)
        let means = try SimpleImputers.featureMeans(train.series)
        let mask = test.series.missing
        let meanMSE = try ImputationMetrics.meanSquaredError(
            predicted: try SimpleImputers.meanImputation(test.series, means: means), truth: test.truth, mask: mask)
        let gpMSE = try ImputationMetrics.meanSquaredError(predicted: try model.impute(test.series), truth: test.truth, mask: mask)
        #expect(gpMSE < 0.5 * meanMSE, "GP-VAE \(gpMSE) vs mean imputation \(meanMSE)")
        // The loss fell, and the held-out NLL is finite.
        #expect(model.losses.last!.loss < model.losses.first!.loss)
        let nll = try model.negativeLogLikelihood(test.series, truth: test.truth, mask: mask, seed: 2)
        #expect(nll.isFinite && nll > 0.5 * Foundation.log(2 * .pi))
        // Posterior samples spread at missing entries only, and the banded posterior's variances are positive.
        let deviations = try model.imputationDeviations(test.series, count: 8, seed: 3)
        #expect(deviations.indices.allSatisfy { mask[$0] ? deviations[$0] > 0 : deviations[$0] == 0 })
        let latent = try model.latentPosterior(test.series)
        #expect(latent.variance.count == 64 * 10 * 4 && latent.variance.allSatisfy { $0 > 0 })
    }
}
