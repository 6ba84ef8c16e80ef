import Foundation
@testable import GPVAE
import Tensor

/// Smooth synthetic series: two latent sine paths per series (random phase and frequency) mixed linearly into
/// `features` features plus a little noise, with a fraction of entries missing at random.
struct SyntheticSeries {
    let truth: [Float]
    let series: IncompleteSeries

    init(count: Int, length: Int = 10, features: Int = 6, missingFraction: Float = 0.5, seed: UInt64) throws {
        let rng = RandomGenerator(seed: seed)
        let mixing = RandomGenerator(seed: 1000).normal([2, features]).scalars
        let phases = rng.uniform([count, 2], low: 0, high: 2 * .pi).scalars
        let speeds = rng.uniform([count, 2], low: 0.3, high: 0.8).scalars
        let noise = rng.normal([count, length, features], std: 0.05).scalars
        let drop = rng.uniform([count, length, features]).scalars
        var values = [Float](repeating: 0, count: count * length * features)
        for s in 0..<count {
            for t in 0..<length {
                let z = (0..<2).map { k in 1.5 * Foundation.sin(speeds[s * 2 + k] * Float(t) + phases[s * 2 + k]) }
                for f in 0..<features {
                    let i = (s * length + t) * features + f
                    values[i] = z[0] * mixing[f] + z[1] * mixing[features + f] + noise[i]
                }
            }
        }
        truth = values
        series = try IncompleteSeries(count: count, length: length, features: features, values: values,
                                      missing: drop.map { $0 < missingFraction })
    }
}

/// A small GP-VAE for the synthetic series.
func smallConfig(_ model: GPVAEModelKind = .gpVAE, steps: Int = 300) -> GPVAEConfig {
    GPVAEConfig(model: model, latentDimension: 4, encoderSizes: [32, 32], decoderSizes: [32, 32], windowSize: 3,
                kernel: GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), beta: 0.2, likelihood: .gaussian,
                learningRate: 3e-3, batchSize: 32, epochs: 1, steps: steps)
}
