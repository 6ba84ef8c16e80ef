import Datasets
import Foundation
import TabularDiffusion
import Tensor

/// Chapter 3's TabDDPM training step at the reference's adult config, on random rows of adult's shapes (6 numeric
/// columns, 8 categorical ones with adult's level counts, 102 in all, a binary class): what `make bench-chapter3`
/// times on the real table, here comparable with the same step written in PyTorch (bench/peers/torch_bench.py).
enum TabDDPMWorkload {
    static let levels = [9, 16, 7, 15, 6, 5, 2, 42]

    /// 8,192 rows: twice the batch, so that batches are drawn as in training.
    static func frame(rng: RandomGenerator, rows: Int = 8_192) -> TabularFrame {
        let numeric = (0..<6).map { _ in rng.normal([rows]).scalars.map(Double.init) }
        let categorical = levels.map { k in (0..<rows).map { _ in rng.integer(below: k) } }
        return TabularFrame(task: .binclass, numericNames: (0..<6).map { "x\($0)" },
                            categoricalNames: levels.indices.map { "c\($0)" }, targetName: "y",
                            levels: levels.map { k in (0..<k).map { "l\($0)" } }, classNames: ["no", "yes"],
                            numeric: numeric, categorical: categorical,
                            y: (0..<rows).map { _ in Double(rng.integer(below: 2)) })
    }

    /// Wall time of each of `steps` training steps after three warm-up steps: the gaps between the training loop's
    /// per-step progress calls (the table's encoding before the first step is not counted).
    static func stepTimes(steps: Int, rng: RandomGenerator) -> [Double] {
        let config = TabDDPMConfig(timesteps: 100, widths: [256, 1024, 1024, 1024, 1024, 256], learningRate: 2.01e-3,
                                   steps: steps + 3, batchSize: 4_096)
        var marks: [UInt64] = []
        _ = try! TabDDPM.train(on: frame(rng: rng), config: config, seed: 0) { step, _, _ in
            if step >= 3 { marks.append(DispatchTime.now().uptimeNanoseconds) }
        }
        return zip(marks.dropFirst(), marks).map { Double($0 - $1) / 1e9 }
    }
}
