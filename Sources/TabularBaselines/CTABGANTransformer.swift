import Datasets
import Foundation
import Tensor

/// CTAB-GAN's `DataTransformer` (with CTAB-GAN+'s general transform) on a `TabularFrame`.
///
/// Column by column, in tab-ddpm's order (numerics, categoricals, then the target):
/// - categorical (and the class): a one-hot whose slots are ordered by the category's frequency;
/// - continuous: mode-specific normalisation, as CTGAN's, but a mixture component is kept only if its weight
///   exceeds 0.005 *and* it is the most probable component of at least one value; the scalar (x − μ)/(4σ) is
///   clipped to ±0.99 and the mode is drawn from the posterior;
/// - mixed: values equal to a listed special value get their own slot and, as scalar, their distance to the
///   nearest mean of a mixture fitted to all values (÷ 4σ); the other values are normalised by a second mixture
///   fitted to them alone; the one-hot is [special slots | modes];
/// - general (CTAB-GAN+): one scalar 2(x − min)/(max − min) − 1 and no slots;
/// - log: log x before any of this (log(x + 1) when the minimum is 0, log(x − min + 1) when negative).
/// The slots of a continuous or mixed column are re-ordered by how often the training rows use them.
///
/// Decoding clips the scalar to [−1, 1] and takes each one-hot's argmax; a special slot decodes to its value
/// exactly. A decoded continuous or mixed value outside the training range marks its row invalid (CTAB-GAN+
/// drops such rows). Two departures from the reference: a positive log column is exponentiated on decoding (the
/// reference forgets to write the result back) and the power-of-two rescaling of `ModeSpecificNormalization`
/// guards mixtures against values whose squares overflow.
public struct CTABGANTransformer: Sendable {
    /// A one-hot slot of a continuous or mixed column.
    enum Slot: Equatable, Sendable {
        /// A special value and the scalar its rows carry.
        case special(value: Double, scalar: Double)
        /// A mixture component.
        case mode(Int)
    }

    enum Encoding: Sendable {
        /// `order[slot]` is the category code.
        case categorical(order: [Int])
        /// `mixture` normalises the non-special values (nil for a mixed column whose values are all special).
        case modal(mixture: GaussianMixture?, slots: [Slot])
        case general(minimum: Double, maximum: Double)
    }

    struct Column: Sendable {
        var source: ColumnSource
        var start: Int
        var encoding: Encoding
        /// The power of two values are divided by before a mixture sees them.
        var scale: Double
        /// The lower bound of a log column (nil: not logged).
        var logLower: Double?
        /// The training range, in the (logged) space the encoding sees.
        var range: ClosedRange<Double>
        var rounds: Bool

        var slotCount: Int {
            switch encoding {
            case .categorical(let order): order.count
            case .modal(_, let slots): slots.count
            case .general: 0
            }
        }
        /// The encoded columns: [scalar | slots] for modal columns, [slots] for categorical ones.
        var width: Int {
            if case .categorical = encoding { return slotCount }
            return 1 + slotCount
        }
    }

    let columns: [Column]
    /// Every span in column order (scalars are one wide, with activation tanh).
    public let spans: [OutputSpan]
    public let width: Int
    /// The target's span: the class one-hot, or a regression target's scalar (what the auxiliary model predicts).
    public let targetSpan: Range<Int>
    let template: TabularFrame

    static let maxModes = 10
    static let weightThreshold = 0.005

    /// Fits the encoding of `frame`; `generalTransform` switches CTAB-GAN+'s general columns on. Mixtures are
    /// fitted in parallel, each from its own stream of `seed`; modes are drawn from `seed` as `transform` draws them.
    public init(fitting frame: TabularFrame, columns spec: CTABGANColumns, generalTransform: Bool, seed: UInt64) {
        check(frame.rowCount > 0, "CTABGANTransformer: the frame is empty")
        spec.validate(against: frame)
        template = frame.rows([])
        let sources = ModeSpecificNormalization.sources(of: frame)
        struct Plan: Sendable {
            var source: ColumnSource, name: String, values: [Double], special: [Double], general: Bool
            var logLower: Double?, scale: Double, rounds: Bool
        }
        let plans = sources.map { source -> Plan? in
            guard ModeSpecificNormalization.isContinuous(source, frame) else { return nil }
            let name: String
            if case .numeric(let f) = source { name = frame.numericNames[f] } else { name = frame.targetName }
            let raw = ModeSpecificNormalization.values(source, frame)
            let logLower = spec.log.contains(name) ? raw.min()! : nil
            let values = logLower.map { lower in raw.map { Self.logged($0, lower: lower) } } ?? raw
            return Plan(source: source, name: name, values: values,
                        special: spec.mixed.first { $0.name == name }?.specialValues ?? [],
                        general: generalTransform && spec.general.contains(name), logLower: logLower,
                        scale: ModeSpecificNormalization.scale(of: values), rounds: spec.integer.contains(name))
        }
        // Per continuous column: the mixture of the normalised values and, for a mixed column, of all values.
        let fits = parallelMap(plans.count) { i -> (GaussianMixture?, GaussianMixture?) in
            guard let plan = plans[i], !plan.general else { return (nil, nil) }
            let rng = RandomGenerator(seed: seed).derived(UInt64(i))
            let scaled = plan.values.filter { !plan.special.contains($0) }.map { $0 / plan.scale }
            let main = scaled.isEmpty ? nil
                : GaussianMixture(fitting: scaled, components: Self.maxModes, rng: rng.derived(0))
            let overall = plan.special.isEmpty ? nil
                : GaussianMixture(fitting: plan.values.map { $0 / plan.scale }, components: Self.maxModes, rng: rng.derived(1))
            return (main, overall)
        }
        var columns: [Column] = []
        var offset = 0
        for (i, source) in sources.enumerated() {
            let column: Column
            if let plan = plans[i] {
                let range = plan.values.min()!...plan.values.max()!
                let encoding: Encoding
                if plan.general {
                    encoding = .general(minimum: range.lowerBound, maximum: range.upperBound)
                } else {
                    let (mixture, overall) = fits[i]
                    let kept = mixture.map { Self.keptModes($0, values: plan.values.filter { !plan.special.contains($0) }
                        .map { $0 / plan.scale }) } ?? []
                    let special = plan.special.map { value -> Slot in
                        let m = overall!, x = value / plan.scale
                        let nearest = m.means.indices.min { Swift.abs(m.means[$0] - x) < Swift.abs(m.means[$1] - x) }!
                        return .special(value: value, scalar: Swift.abs(x - m.means[nearest]) / (4 * m.variances[nearest].squareRoot()))
                    }
                    encoding = .modal(mixture: mixture, slots: special + kept.map { .mode($0) })
                }
                column = Column(source: source, start: offset, encoding: encoding, scale: plan.scale, logLower: plan.logLower,
                                range: range, rounds: plan.rounds)
            } else {
                let codes = ModeSpecificNormalization.codes(source, frame)
                let levels: Int
                if case .categorical(let f) = source { levels = frame.levels[f].count } else { levels = frame.classCount }
                var counts = [Int](repeating: 0, count: levels)
                for c in codes { counts[c] += 1 }
                column = Column(source: source, start: offset, encoding: .categorical(order: Self.byFrequency(counts)),
                                scale: 1, logLower: nil, range: 0...0, rounds: false)
            }
            columns.append(column)
            offset += column.width
        }
        // Re-order each modal column's slots by how often the training rows use them.
        let draws = Self.draw(frame, columns: columns, seed: seed)
        for (c, column) in columns.enumerated() {
            guard case .modal(let mixture, let slots) = column.encoding else { continue }
            var counts = [Int](repeating: 0, count: slots.count)
            for (slot, _) in draws[c] { counts[slot] += 1 }
            columns[c].encoding = .modal(mixture: mixture, slots: Self.byFrequency(counts).map { slots[$0] })
        }
        self.columns = columns
        width = offset
        spans = columns.flatMap { column -> [OutputSpan] in
            switch column.encoding {
            case .categorical: [OutputSpan(start: column.start, width: column.slotCount, activation: .softmax)]
            case .general: [OutputSpan(start: column.start, width: 1, activation: .tanh)]
            case .modal: [OutputSpan(start: column.start, width: 1, activation: .tanh),
                          OutputSpan(start: column.start + 1, width: column.slotCount, activation: .softmax)]
            }
        }
        let target = columns.last!
        if case .categorical = target.encoding { targetSpan = target.start..<(target.start + target.width) }
        else { targetSpan = target.start..<(target.start + 1) }
    }

    /// The indices of `counts` from the most to the least frequent (ties in index order).
    static func byFrequency(_ counts: [Int]) -> [Int] {
        counts.indices.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
    }

    /// Components with weight above the threshold that are the most probable component of some value (the
    /// most used one if none passes both tests).
    static func keptModes(_ mixture: GaussianMixture, values: [Double]) -> [Int] {
        let k = mixture.componentCount
        let posterior = mixture.responsibilities(values)
        var predicted = [Int](repeating: 0, count: k)
        for i in values.indices {
            var best = 0
            for j in 1..<k where posterior[i * k + j] > posterior[i * k + best] { best = j }
            predicted[best] += 1
        }
        let kept = (0..<k).filter { mixture.weights[$0] > weightThreshold && predicted[$0] > 0 }
        return kept.isEmpty ? [byFrequency(predicted)[0]] : kept
    }

    static func logged(_ x: Double, lower: Double) -> Double {
        lower > 0 ? Foundation.log(x) : lower == 0 ? Foundation.log(x + 1) : Foundation.log(x - lower + 1)
    }

    static func unlogged(_ x: Double, lower: Double) -> Double {
        if lower > 0 { return Foundation.exp(x) }
        if lower == 0 { let v = Foundation.exp(x) - 1; return v < 0 ? v.rounded(.up) : v }
        return Foundation.exp(x) - 1 + lower
    }

    /// For every modal column, per row: the slot (in the column's current slot order) and the scalar.
    static func draw(_ frame: TabularFrame, columns: [Column], seed: UInt64) -> [[(slot: Int, scalar: Double)]] {
        let n = frame.rowCount
        return columns.enumerated().map { c, column -> [(slot: Int, scalar: Double)] in
            guard case .modal(let mixture, let slots) = column.encoding else { return [] }
            let raw = ModeSpecificNormalization.values(column.source, frame)
            let values = column.logLower.map { lower in raw.map { logged($0, lower: lower) } } ?? raw
            let modeSlots = slots.indices.compactMap { s -> (slot: Int, component: Int)? in
                guard case .mode(let j) = slots[s] else { return nil }
                return (s, j)
            }
            var special: [Double: (slot: Int, scalar: Double)] = [:]
            for (s, slot) in slots.enumerated() { if case .special(let v, let scalar) = slot { special[v] = (s, scalar) } }
            var out = [(slot: Int, scalar: Double)](repeating: (0, 0), count: n)
            var continuousRows: [Int] = []
            for i in 0..<n {
                if let hit = special[values[i]] { out[i] = hit } else { continuousRows.append(i) }
            }
            check(mixture != nil || continuousRows.isEmpty,
                  "CTABGANTransformer: a value of a column fitted on special values only is not special")
            let x = continuousRows.map { values[$0] / column.scale }
            let posterior = mixture.map { $0.responsibilities(x) } ?? []
            let k = mixture?.componentCount ?? 0
            let u = RandomGenerator(seed: seed).derived(UInt64(c)).uniform([n]).scalars
            for (r, i) in continuousRows.enumerated() {
                let probabilities = modeSlots.map { posterior[r * k + $0.component] + 1e-6 }
                var target = Double(u[i]) * probabilities.reduce(0, +)
                var chosen = probabilities.count - 1
                for (m, p) in probabilities.enumerated() { target -= p; if target < 0 { chosen = m; break } }
                let j = modeSlots[chosen].component
                let alpha = (x[r] - mixture!.means[j]) / (4 * mixture!.variances[j].squareRoot())
                out[i] = (modeSlots[chosen].slot, min(max(alpha, -0.99), 0.99))
            }
            return out
        }
    }

    /// The encoded rows, row-major [frame.rowCount, width]; modes are drawn from `seed`.
    public func transform(_ frame: TabularFrame, seed: UInt64) -> [Double] {
        let n = frame.rowCount
        var out = [Double](repeating: 0, count: n * width)
        let draws = Self.draw(frame, columns: columns, seed: seed)
        for (c, column) in columns.enumerated() {
            switch column.encoding {
            case .categorical(let order):
                var slotOf = [Int](repeating: 0, count: order.count)
                for (slot, code) in order.enumerated() { slotOf[code] = slot }
                for (i, code) in ModeSpecificNormalization.codes(column.source, frame).enumerated() {
                    out[i * width + column.start + slotOf[code]] = 1
                }
            case .modal:
                for (i, d) in draws[c].enumerated() {
                    out[i * width + column.start] = d.scalar
                    out[i * width + column.start + 1 + d.slot] = 1
                }
            case .general(let lower, let upper):
                let raw = ModeSpecificNormalization.values(column.source, frame)
                for (i, v) in raw.enumerated() {
                    let x = column.logLower.map { Self.logged(v, lower: $0) } ?? v
                    out[i * width + column.start] = upper > lower ? 2 * (x - lower) / (upper - lower) - 1 : 0
                }
            }
        }
        return out
    }

    /// Decodes row-major `encoded` ([rows, width]); `valid[i]` is false when a continuous or mixed value of row
    /// i falls outside its training range.
    public func inverse(_ encoded: [Double]) -> (frame: TabularFrame, valid: [Bool]) {
        let n = encoded.count / max(width, 1)
        check(n * width == encoded.count, "CTABGANTransformer: \(encoded.count) values are not rows of \(width)")
        var numeric = template.numeric.map { _ in [Double]() }, categorical = template.categorical.map { _ in [Int]() }
        var y = [Double](repeating: 0, count: n)
        var valid = [Bool](repeating: true, count: n)
        func argmax(_ row: Int, _ start: Int, _ count: Int) -> Int {
            var best = 0
            for j in 1..<max(count, 1) where encoded[row * width + start + j] > encoded[row * width + start + best] { best = j }
            return best
        }
        for column in columns {
            if case .categorical(let order) = column.encoding {
                let codes = (0..<n).map { order[argmax($0, column.start, order.count)] }
                if case .categorical(let f) = column.source { categorical[f] = codes } else { y = codes.map(Double.init) }
                continue
            }
            var values = (0..<n).map { i -> Double in
                let u = min(max(encoded[i * width + column.start], -1), 1)
                switch column.encoding {
                case .general(let lower, let upper):
                    return (u + 1) / 2 * (upper - lower) + lower
                case .modal(let mixture, let slots):
                    let value: Double
                    switch slots[argmax(i, column.start + 1, slots.count)] {
                    case .special(let v, _): value = v
                    case .mode(let j):
                        value = (u * 4 * mixture!.variances[j].squareRoot() + mixture!.means[j]) * column.scale
                    }
                    if !column.range.contains(value) { valid[i] = false }
                    return value
                case .categorical: fatalError("handled above")
                }
            }
            if let lower = column.logLower { values = values.map { Self.unlogged($0, lower: lower) } }
            if column.rounds { values = values.map { $0.rounded() } }
            if case .numeric(let f) = column.source { numeric[f] = values } else { y = values }
        }
        return (template.replacingRows(numeric: numeric, categorical: categorical, y: y), valid)
    }
}
