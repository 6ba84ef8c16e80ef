import Datasets
import Dispatch
import Foundation
import Tensor

/// Where an encoded column comes from in a `TabularFrame`.
public enum ColumnSource: Equatable, Sendable {
    case numeric(Int)
    case categorical(Int)
    /// The target: continuous for regression, discrete (the class) for classification.
    case target
}

/// A block of encoded columns and the activation a generator puts on it.
public struct OutputSpan: Equatable, Sendable {
    public enum Activation: Sendable { case tanh, softmax }
    public var start: Int
    public var width: Int
    public var activation: Activation
    public var range: Range<Int> { start..<(start + width) }
}

/// CTGAN/TVAE's `DataTransformer` on a `TabularFrame`: mode-specific normalisation of continuous columns and
/// one-hot encoding of discrete ones.
///
/// A continuous column (each numeric feature, and the target for regression) gets a `GaussianMixture` of up to
/// 10 components, of which those with weight above 0.005 are kept as modes. A value x becomes α = (x − μ_k)/(4σ_k),
/// clipped to ±0.99, followed by the one-hot of a mode k drawn from its posterior over the kept modes (+1e-6,
/// renormalised). A discrete column (each categorical feature, and the class for classification) becomes a
/// one-hot over its levels. Layout, as tab-ddpm orders the columns: numerics, categoricals, then the target.
///
/// A column holding values so large that their squares overflow (|x| > 2²⁵⁶ ≈ 1.2e77) is divided by a power of
/// two before the mixture sees it — exact in binary floating point, and undone on decoding — since the
/// mixture's variances would otherwise be infinite and its weights NaN. Ordinary columns are fitted as they are,
/// as CTGAN fits them.
public struct ModeSpecificNormalization: Sendable {
    public struct ContinuousColumn: Sendable {
        public var source: ColumnSource
        public var mixture: GaussianMixture
        /// The kept components, in the mixture's order.
        public var modes: [Int]
        /// The α column; the mode one-hot follows it.
        public var start: Int
        /// The power of two the column's values are divided by before the mixture sees them (1 for ordinary data).
        public var scale: Double
    }

    public struct DiscreteColumn: Sendable {
        public var source: ColumnSource
        public var categories: Int
        public var start: Int
        public var span: Range<Int> { start..<(start + categories) }
    }

    public let continuous: [ContinuousColumn]
    public let discrete: [DiscreteColumn]
    /// Every span in column order (α spans are one wide, with activation tanh).
    public let spans: [OutputSpan]
    /// The encoded width.
    public let width: Int
    /// The fitted frame's columns and levels, without rows.
    let template: TabularFrame

    static let maxModes = 10
    static let weightThreshold = 0.005
    /// The largest magnitude fitted unscaled: squares and their sums over any table stay finite below it.
    static let largestUnscaled = 0x1p256

    /// Fits one mixture per continuous column (in parallel across columns; each column's k-means start draws
    /// from its own stream of `seed`, so the result does not depend on the thread count).
    public init(fitting frame: TabularFrame, seed: UInt64) {
        template = frame.rows([])
        let sources = Self.sources(of: frame)
        let continuousSources = sources.filter { Self.isContinuous($0, frame) }
        let scales = continuousSources.map { Self.scale(of: Self.values($0, frame)) }
        let mixtures = parallelMap(continuousSources.count) { i in
            GaussianMixture(fitting: Self.values(continuousSources[i], frame).map { $0 / scales[i] },
                            components: Self.maxModes, rng: RandomGenerator(seed: seed).derived(UInt64(i)))
        }
        var continuous: [ContinuousColumn] = [], discrete: [DiscreteColumn] = [], spans: [OutputSpan] = []
        var offset = 0
        var next = 0
        for source in sources {
            if Self.isContinuous(source, frame) {
                let mixture = mixtures[next], scale = scales[next]
                next += 1
                let modes = mixture.weights.indices.filter { mixture.weights[$0] > Self.weightThreshold }
                continuous.append(ContinuousColumn(source: source, mixture: mixture, modes: modes, start: offset, scale: scale))
                spans.append(OutputSpan(start: offset, width: 1, activation: .tanh))
                spans.append(OutputSpan(start: offset + 1, width: modes.count, activation: .softmax))
                offset += 1 + modes.count
            } else {
                let categories: Int
                if case .categorical(let f) = source { categories = frame.levels[f].count } else { categories = frame.classCount }
                discrete.append(DiscreteColumn(source: source, categories: categories, start: offset))
                spans.append(OutputSpan(start: offset, width: categories, activation: .softmax))
                offset += categories
            }
        }
        self.continuous = continuous
        self.discrete = discrete
        self.spans = spans
        width = offset
    }

    /// 1, or for a column beyond `largestUnscaled` the power of two at its largest magnitude.
    static func scale(of values: [Double]) -> Double {
        let largest = values.lazy.map { Swift.abs($0) }.max() ?? 0
        guard largest > largestUnscaled, largest.isFinite else { return 1 }
        return Double(sign: .plus, exponent: largest.exponent, significand: 1)
    }

    static func sources(of frame: TabularFrame) -> [ColumnSource] {
        frame.numeric.indices.map { .numeric($0) } + frame.categorical.indices.map { .categorical($0) } + [.target]
    }

    static func isContinuous(_ source: ColumnSource, _ frame: TabularFrame) -> Bool {
        switch source {
        case .numeric: true
        case .categorical: false
        case .target: !frame.isClassification
        }
    }

    static func values(_ source: ColumnSource, _ frame: TabularFrame) -> [Double] {
        switch source {
        case .numeric(let f): frame.numeric[f]
        case .categorical(let f): frame.categorical[f].map(Double.init)
        case .target: frame.y
        }
    }

    /// The codes of a discrete column, one per row.
    static func codes(_ source: ColumnSource, _ frame: TabularFrame) -> [Int] {
        if case .categorical(let f) = source { return frame.categorical[f] }
        return frame.labels
    }

    /// The encoded rows, row-major [frame.rowCount, width]; modes are drawn from `seed`.
    public func transform(_ frame: TabularFrame, seed: UInt64) -> [Double] {
        let n = frame.rowCount
        var out = [Double](repeating: 0, count: n * width)
        for (c, column) in continuous.enumerated() {
            let x = Self.values(column.source, frame).map { $0 / column.scale }
            let posterior = column.mixture.responsibilities(x)
            let k = column.mixture.componentCount
            let draws = RandomGenerator(seed: seed).derived(UInt64(c)).uniform([n]).scalars
            for i in 0..<n {
                let probabilities = column.modes.map { posterior[i * k + $0] + 1e-6 }
                var target = Double(draws[i]) * probabilities.reduce(0, +)
                var chosen = probabilities.count - 1
                for (m, p) in probabilities.enumerated() { target -= p; if target < 0 { chosen = m; break } }
                let component = column.modes[chosen]
                let alpha = (x[i] - column.mixture.means[component]) / (4 * column.mixture.variances[component].squareRoot())
                out[i * width + column.start] = min(max(alpha, -0.99), 0.99)
                out[i * width + column.start + 1 + chosen] = 1
            }
        }
        for column in discrete {
            for (i, code) in Self.codes(column.source, frame).enumerated() { out[i * width + column.start + code] = 1 }
        }
        return out
    }

    /// Decodes row-major `encoded` ([rows, width]): α clipped to [−1, 1] (after adding N(0, σ²) noise when
    /// `alphaNoise` gives σ per encoded column, as TVAE samples), the mode and every category by argmax.
    public func inverse(_ encoded: [Double], alphaNoise: (sigmas: [Double], rng: RandomGenerator)? = nil) -> TabularFrame {
        let n = encoded.count / max(width, 1)
        check(n * width == encoded.count, "ModeSpecificNormalization: \(encoded.count) values are not rows of \(width)")
        var numeric = template.numeric.map { _ in [Double]() }, categorical = template.categorical.map { _ in [Int]() }
        var y = [Double](repeating: 0, count: n)
        func argmax(_ row: Int, _ span: Range<Int>) -> Int {
            var best = span.lowerBound
            for j in span where encoded[row * width + j] > encoded[row * width + best] { best = j }
            return best - span.lowerBound
        }
        for column in continuous {
            let noise = alphaNoise.map { $0.rng.normal([n], std: Float($0.sigmas[column.start])).scalars }
            let values = (0..<n).map { i -> Double in
                let raw = encoded[i * width + column.start] + Double(noise?[i] ?? 0)
                let component = column.modes[argmax(i, (column.start + 1)..<(column.start + 1 + column.modes.count))]
                return (min(max(raw, -1), 1) * 4 * column.mixture.variances[component].squareRoot()
                    + column.mixture.means[component]) * column.scale
            }
            if case .numeric(let f) = column.source { numeric[f] = values } else { y = values }
        }
        for column in discrete {
            let codes = (0..<n).map { argmax($0, column.span) }
            if case .categorical(let f) = column.source { categorical[f] = codes } else { y = codes.map(Double.init) }
        }
        return template.replacingRows(numeric: numeric, categorical: categorical, y: y)
    }
}

/// `body(0..<count)` spread over the cores, results in index order.
func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let results = ResultSlots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { results.set($0, body($0)) }
    return results.values
}

/// Slots written by distinct iterations of `concurrentPerform` (each index once), read after it returns.
private final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int
    init(_ count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }
    deinit { slots.deinitialize(count: count); slots.deallocate() }
    func set(_ index: Int, _ value: T) { slots[index] = value }
    var values: [T] { (0..<count).map { slots[$0]! } }
}
