import Datasets
import Tensor

/// Small synthetic frames for the tabular evaluation tests.
enum TabularFixtures {
    static func frame(task: PredictionTask, numeric: [[Double]], categorical: [[Int]] = [], levels: [[String]] = [],
                      y: [Double], classCount: Int = 2) -> TabularFrame {
        TabularFrame(task: task, numericNames: numeric.indices.map { "x\($0)" },
                     categoricalNames: categorical.indices.map { "c\($0)" }, targetName: "y",
                     levels: levels.isEmpty ? categorical.map { c in (0...(c.max() ?? 0)).map { "l\($0)" } } : levels,
                     classNames: task == .regression ? [] : (0..<classCount).map { "k\($0)" },
                     numeric: numeric, categorical: categorical, y: y)
    }

    /// A binary task: the label is 1 when x0 > 0.3 and the category is in {0, 1}, or when the category is 4;
    /// 10% of labels flipped. x1 is noise.
    static func thresholdAndCategory(rows: Int, seed: UInt64) -> TabularFrame {
        let rng = RandomGenerator(seed: seed)
        let u = rng.uniform([rows, 4]).scalars.map(Double.init)
        var x0: [Double] = [], x1: [Double] = [], category: [Int] = [], y: [Double] = []
        for r in 0..<rows {
            let a = u[4 * r], c = min(5, Int(u[4 * r + 1] * 6))
            var label = (a > 0.3 && c <= 1) || c == 4
            if u[4 * r + 2] < 0.1 { label.toggle() }
            x0.append(a); x1.append(u[4 * r + 3]); category.append(c); y.append(label ? 1 : 0)
        }
        return frame(task: .binclass, numeric: [x0, x1], categorical: [category],
                     levels: [(0..<6).map { "c\($0)" }], y: y)
    }
}
