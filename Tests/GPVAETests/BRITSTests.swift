import Evaluation
import Testing
@testable import GPVAE
import Tensor

/// δ on a unit grid. Feature 0 is seen at steps 0, 3, 4: δ = 0, 1, 2, 3, 1. Feature 1 at steps 1, 3, 4: 0, 1, 1, 2, 1.
@Test func timeGapsCountStepsSinceTheLastObservation() {
    let mask = Tensor([1, 0, 0, 1, 0, 0, 1, 1, 1, 1], shape: [1, 5, 2])
    let gaps = BRITS.gaps(mask).scalars
    #expect(stride(from: 0, to: 10, by: 2).map { gaps[$0] } == [0, 1, 2, 3, 1])
    #expect(stride(from: 1, to: 10, by: 2).map { gaps[$0] } == [0, 1, 1, 2, 1])
}

@Test func britsBeatsMeanImputationOnSmoothSeries() throws {
    let train = try SyntheticSeries(count: 128, seed: 30), test = try SyntheticSeries(count: 32, seed: 31)
    let model = try BRITS.train(on: train.series, config: BRITSConfig(hiddenSize: 32, learningRate: 5e-3, batchSize: 32, steps: 200), seed: 2)
    let mask = test.series.missing
    let britsMSE = try ImputationMetrics.meanSquaredError(predicted: try model.impute(test.series), truth: test.truth, mask: mask)
    let meanMSE = try ImputationMetrics.meanSquaredError(
        predicted: try SimpleImputers.meanImputation(test.series, means: try SimpleImputers.featureMeans(train.series)),
        truth: test.truth, mask: mask)
    #expect(britsMSE < 0.5 * meanMSE, "BRITS \(britsMSE) vs mean \(meanMSE)")
    #expect(model.losses.last!.loss < model.losses.first!.loss)
    let imputed = try model.impute(test.series)
    #expect(imputed.indices.allSatisfy { mask[$0] || imputed[$0] == test.series.values[$0] })
}

/// The composed RITS loss and its estimates differentiate correctly with respect to every parameter.
@Test func ritsGradientsMatchFiniteDifferences() throws {
    let rng = RandomGenerator(seed: 12)
    let rits = RITS(features: 3, hidden: 4, rng: rng)
    let x = rng.normal([2, 4, 3])
    let m = Tensor([1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1], shape: [2, 4, 3])
    let gaps = BRITS.gaps(m)
    let result = checkGradients(of: rits.parameters) { _ in
        let (estimates, loss) = rits(values: x, observed: m, gaps: gaps)
        return estimates.sum() * 0.1 + loss
    }
    #expect(result.maxRelativeError < 1e-2, "\(result)")
}
