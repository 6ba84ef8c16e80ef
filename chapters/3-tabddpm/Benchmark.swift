import Datasets
import Experiment
import Foundation
import TabularDiffusion
import Tensor

/// `make bench-chapter3`: TabDDPM's cost per training step and per 1,000 sampled rows, for the profile's config
/// and the reference's tuned config of each data set (BENCHMARKS.md quotes adult).
enum TabDDPMBenchmark {
    static func run(_ prepared: [PreparedData], settings: ChapterSettings, steps: Int) throws {
        let clock = ContinuousClock()
        print("| data set | config | MLP | batch | T | ms / step | s / 1,000 rows |")
        print("|---|---|---|---:|---:|---:|---:|")
        for data in prepared {
            var paper = data.spec.paper
            paper.batchSize = 4_096
            var configs = [("paper", paper)]
            if let profileConfig = settings.tabddpm { configs.insert((settings.profile.rawValue, profileConfig), at: 0) }
            for (name, base) in configs {
                var config = base
                config.steps = steps
                let started = clock.now
                let model = try TabDDPM.train(on: data.train, config: config, seed: settings.seed)
                let trained = clock.now
                _ = try model.sample(count: 1_000, seed: settings.seed)
                let sampled = clock.now
                let perStep = Experiment.seconds(trained - started) / Double(steps) * 1000
                let perThousand = Experiment.seconds(sampled - trained)
                print("| \(data.spec.name) | \(name) | \(config.widths.map(String.init).joined(separator: "-")) | "
                    + "\(min(config.batchSize, data.train.rowCount)) | \(config.timesteps) | "
                    + "\(formatFixed(perStep, decimals: 1)) | \(formatFixed(perThousand, decimals: 2)) |")
            }
        }
        print("threads: \(Threading.threadCount), BLAS core \(Threading.blasCoreName)")
    }
}
