import Tensor

/// Per-feature min-max scaling, x ↦ (x − min)/(max − min + ε), with its inverse; a feature whose max − min + ε is
/// 0 maps to 0. ε is 0 for the tabular models (scikit-learn's scaler) and `timeGANEpsilon` for TimeGAN, whose
/// reference adds it. Tensors and `Float` rows are scaled in `Float` with the fitted `Float` extremes.
public struct MinMaxScaler: Codable, Equatable, Sendable {
    public var minimum: [Double]
    public var maximum: [Double]
    public var epsilon: Double

    /// TimeGAN's reference divides by max − min + 1e-7.
    public static let timeGANEpsilon = 1e-7

    public init(minimum: [Double], maximum: [Double], epsilon: Double = 0) {
        check(minimum.count == maximum.count, "MinMaxScaler: \(minimum.count) minima for \(maximum.count) maxima")
        self.minimum = minimum
        self.maximum = maximum
        self.epsilon = epsilon
    }

    /// Fits each of `columns` (one array per feature).
    public init(fitting columns: [[Double]], epsilon: Double = 0) {
        self.init(minimum: columns.map { $0.min() ?? 0 }, maximum: columns.map { $0.max() ?? 0 }, epsilon: epsilon)
    }

    /// Fits the last axis of `data` (any rank ≥ 1) over all other axes.
    public init(fitting data: Tensor, epsilon: Double = 0) {
        let d = data.shape.last ?? 1
        var lo = [Float](repeating: .infinity, count: d), hi = [Float](repeating: -.infinity, count: d)
        data.withBuffer { b in
            for i in 0..<b.count {
                let k = i % d
                lo[k] = Swift.min(lo[k], b[i]); hi[k] = Swift.max(hi[k], b[i])
            }
        }
        self.init(minimum: lo.map(Double.init), maximum: hi.map(Double.init), epsilon: epsilon)
    }

    /// Fits per column of `rows` (one array per row).
    public init(fittingRows rows: [[Float]], epsilon: Double = 0) {
        let d = rows.first?.count ?? 0
        self.init(fitting: Tensor(rows.flatMap { $0 }, shape: [rows.count, d]), epsilon: epsilon)
    }

    /// Scales `columns` (one array per feature).
    public func transform(_ columns: [[Double]]) -> [[Double]] {
        columns.indices.map { f in
            let span = maximum[f] - minimum[f] + epsilon
            return columns[f].map { span > 0 ? ($0 - minimum[f]) / span : 0 }
        }
    }

    public func transform(_ data: Tensor) -> Tensor {
        let (lo, span) = floatParameters
        return map(data) { x, k in span[k] > 0 ? (x - lo[k]) / span[k] : 0 }
    }

    public func inverse(_ data: Tensor) -> Tensor {
        let (lo, span) = floatParameters
        return map(data) { x, k in x * span[k] + lo[k] }
    }

    public func transform(rows: [[Float]]) -> [[Float]] {
        let (lo, span) = floatParameters
        return rows.map { row in row.enumerated().map { k, x in span[k] > 0 ? (x - lo[k]) / span[k] : 0 } }
    }

    /// The minimum and max − min + ε in `Float`, the range subtracted in `Float` as the reference does.
    private var floatParameters: (minimum: [Float], span: [Float]) {
        (minimum.map(Float.init), zip(maximum, minimum).map { Float($0) - Float($1) + Float(epsilon) })
    }

    private func map(_ data: Tensor, _ f: (Float, Int) -> Float) -> Tensor {
        let d = minimum.count
        check(data.shape.last == d, "MinMaxScaler: data \(data.shape) does not end in \(d) features")
        let out = data.withBuffer { b in (0..<b.count).map { f(b[$0], $0 % d) } }
        return Tensor(out, shape: data.shape)
    }
}
