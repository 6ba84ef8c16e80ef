import Evaluation
import Foundation
import Testing
@testable import GPVAE

/// One observation y = 2 at t = 0 of a three-step series; prior mean 0, variance 1, RBF ℓ = 2, noise η = 0.25:
/// mean k/(1 + η)·y, variance 1 + η − k²/(1 + η), k = e^{−d²/4}.
@Test func gpImputerMatchesTheHandComputedPosterior() throws {
    let data = try IncompleteSeries(count: 1, length: 3, features: 1, values: [2, 0, 0], missing: [false, true, true])
    let gp = try GaussianProcessImputer(kernel: .rbf, means: [0], variances: [1], lengthScales: [2], noiseFractions: [0.25])
    let (values, deviations) = try gp.impute(data)
    let k1 = Foundation.exp(-0.25), k2 = Foundation.exp(-1.0)
    let expectedMeans = [2, k1 / 1.25 * 2, k2 / 1.25 * 2]
    let expectedDeviations = [0, (1.25 - k1 * k1 / 1.25).squareRoot(), (1.25 - k2 * k2 / 1.25).squareRoot()]
    for i in 0..<3 {
        #expect(Swift.abs(Double(values[i]) - expectedMeans[i]) < 1e-6, "mean \(i)")
        #expect(Swift.abs(Double(deviations[i]) - expectedDeviations[i]) < 1e-6, "deviation \(i)")
    }
    // With nothing observed the prior is returned: the mean, and the prior's standard deviation.
    let empty = try IncompleteSeries(count: 1, length: 2, features: 1, values: [0, 0], missing: [true, true])
    let prior = try GaussianProcessImputer(kernel: .rbf, means: [3], variances: [4], lengthScales: [2], noiseFractions: [0])
    let (v, s) = try prior.impute(empty)
    #expect(v == [3, 3] && s == [2, 2])
}

@Test func fittedGPImputerBeatsMeanImputationOnSmoothSeries() throws {
    let train = try SyntheticSeries(count: 60, seed: 20), test = try SyntheticSeries(count: 30, seed: 21)
    let gp = try GaussianProcessImputer.fit(train.series, settings: .init(fitSeries: 60))
    // Smooth paths: the search prefers long length scales and little noise.
    #expect(gp.lengthScales.allSatisfy { $0 >= 2 }, "\(gp.lengthScales)")
    let mask = test.series.missing
    let gpMSE = try ImputationMetrics.meanSquaredError(predicted: try gp.impute(test.series).values, truth: test.truth, mask: mask)
    let meanMSE = try ImputationMetrics.meanSquaredError(
        predicted: try SimpleImputers.meanImputation(test.series, means: try SimpleImputers.featureMeans(train.series)),
        truth: test.truth, mask: mask)
    #expect(gpMSE < 0.5 * meanMSE, "GP \(gpMSE) vs mean \(meanMSE)")
}
