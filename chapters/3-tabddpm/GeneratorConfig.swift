import Foundation
import TabularBaselines
import TabularDiffusion
import Tensor

/// SMOTE's tunable settings (tab-ddpm's `k_neighbours` and `frac_lam_del`), in a form a cache key can hold.
struct SMOTESettings: Codable, Equatable {
    var neighbours = 5
    /// δ: λ is drawn from [δ/2, 1 − δ/2].
    var lambdaMargin = 0.0

    var smote: SMOTE { SMOTE(neighbours: neighbours, lambdaRange: (lambdaMargin / 2)...(1 - lambdaMargin / 2)) }
}

/// One configuration of one generator: what a tuning trial tries and what a cell trains.
enum GeneratorConfig: Codable, Equatable {
    case tabddpm(TabDDPMConfig)
    case tvae(TVAEConfig)
    case ctgan(CTGANConfig)
    /// CTAB-GAN or CTAB-GAN+ (the config's variant).
    case ctabgan(CTABGANConfig)
    case smote(SMOTESettings)

    /// The settings a trial may change, for the tuning table and the manifest.
    var summary: String {
        func number(_ x: Double) -> String { String(format: "%.3g", x) }
        switch self {
        case .tabddpm(let c): return "lr \(number(c.learningRate))"
        case .tvae(let c):
            return "lr \(number(Double(c.learningRate))), loss factor \(number(Double(c.lossFactor))), embedding \(c.embeddingSize)"
        case .ctgan(let c):
            return "lr \(number(Double(c.generatorLearningRate))), embedding \(c.embeddingSize)"
        case .ctabgan(let c):
            return "lr \(number(Double(c.learningRate))), classifier \(c.classifierSizes.map(String.init).joined(separator: "-")), "
                + "noise \(c.randomDimension), channels \(c.channels)"
        case .smote(let s): return "k \(s.neighbours), δ \(number(s.lambdaMargin))"
        }
    }

    /// `trials` configurations: this one first, then random draws from the model's search space (the reference's
    /// spaces without the step budget, which the profile fixes; CTAB-GAN(+)'s batch is fixed too and its channels
    /// drawn no wider than the profile's, so no trial costs more than the profile's configuration). The draws
    /// depend only on `seed`.
    func candidates(trials: Int, seed: UInt64) -> [GeneratorConfig] {
        let rng = RandomGenerator(seed: seed)
        func logUniform(_ low: Double, _ high: Double) -> Double {
            exp(log(low) + Double(rng.uniform([1]).scalars[0]) * (log(high) - log(low)))
        }
        func pick<T>(_ values: [T]) -> T { values[rng.integer(below: values.count)] }
        return [self] + (1..<max(trials, 1)).map { _ in
            switch self {
            case .tabddpm(var c):
                c.learningRate = logUniform(1e-4, 3e-3)
                return .tabddpm(c)
            case .tvae(var c):
                c.learningRate = Float(logUniform(1e-4, 3e-3))
                c.lossFactor = Float(logUniform(0.1, 10))
                c.embeddingSize = pick([64, 128, 256])
                return .tvae(c)
            case .ctgan(var c):
                let lr = Float(logUniform(5e-5, 1e-3))
                c.generatorLearningRate = lr
                c.discriminatorLearningRate = lr
                c.embeddingSize = pick([64, 128])
                return .ctgan(c)
            case .ctabgan(var c):
                c.learningRate = Float(logUniform(1e-5, 3e-3))
                let layers = 1 + rng.integer(below: 4)
                c.classifierSizes = (0..<layers).map { _ in pick([64, 128, 256]) }
                c.randomDimension = pick([16, 32, 64, 128])
                c.channels = pick([16, 32, 64].filter { $0 <= max(c.channels, 16) })
                return .ctabgan(c)
            case .smote(var s):
                s.neighbours = 5 + rng.integer(below: 16)
                s.lambdaMargin = Double(rng.integer(below: 20)) * 0.05
                return .smote(s)
            }
        }
    }
}
