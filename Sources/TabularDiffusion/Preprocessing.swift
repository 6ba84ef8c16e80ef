import Datasets
import Foundation

/// How TabDDPM lays a table out for the model, and back.
///
/// The model's numeric block is [y (regression only), numeric features], normalised by a quantile transform to a
/// normal (or min-max, the reference's choice for one data set); the categorical block holds the categorical
/// features' codes. A classification target is not diffused: it conditions the denoiser. After sampling,
/// numeric columns whose training values are at most 32 distinct whole numbers are snapped to the nearest of them,
/// as the reference does.
public struct TabularEncoder: Codable, Equatable, Sendable {
    public enum Normalization: String, Codable, Sendable { case quantile, minmax }

    public var normalization: Normalization
    /// Whether y is the first numeric column of the model (regression).
    public var targetIsNumeric: Bool
    public var quantile: QuantileTransformer?
    public var minmax: MinMaxScaler?
    /// Sorted distinct training values of each model numeric column that is snapped after sampling (else nil).
    public var snapValues: [[Double]?]
    public var cardinalities: [Int]
    public var classCount: Int

    /// Numeric columns the model diffuses (y included for regression).
    public var numericWidth: Int { snapValues.count }

    /// Fits on the training frame. `quantileCount` defaults to the reference's max(min(N/30, 1000), 10).
    public init(fitting train: TabularFrame, normalization: Normalization = .quantile, quantileCount: Int? = nil) {
        self.normalization = normalization
        targetIsNumeric = !train.isClassification
        let columns = Self.modelColumns(train, targetIsNumeric: targetIsNumeric)
        switch normalization {
        case .quantile:
            let count = quantileCount ?? QuantileTransformer.tabDDPMQuantileCount(rowCount: train.rowCount)
            quantile = QuantileTransformer(fitting: columns, quantileCount: count)
        case .minmax:
            minmax = MinMaxScaler(fitting: columns)
        }
        snapValues = columns.map { column in
            let distinct = Set(column)
            guard distinct.count <= 32, distinct.allSatisfy({ $0 == $0.rounded() }) else { return nil }
            return distinct.sorted()
        }
        cardinalities = train.cardinalities
        classCount = train.classCount
    }

    static func modelColumns(_ frame: TabularFrame, targetIsNumeric: Bool) -> [[Double]] {
        targetIsNumeric ? [frame.y] + frame.numeric : frame.numeric
    }

    /// The normalised numeric block, `[feature][row]`.
    public func encodeNumeric(_ frame: TabularFrame) -> [[Double]] {
        let columns = Self.modelColumns(frame, targetIsNumeric: targetIsNumeric)
        switch normalization {
        case .quantile: return quantile!.transform(columns)
        case .minmax: return minmax!.transform(columns).map { $0.map { 2 * $0 - 1 } }
        }
    }

    /// Rebuilds a frame like `template` from a sample: numeric block in model space, categorical codes, and the
    /// class labels (classification; ignored for regression, whose y is numeric column 0).
    public func decode(numeric: [[Double]], categorical: [[Int]], labels: [Int], like template: TabularFrame) -> TabularFrame {
        var columns: [[Double]]
        switch normalization {
        case .quantile: columns = quantile!.inverse(numeric)
        case .minmax:
            let scaler = minmax!
            columns = numeric.indices.map { f in
                numeric[f].map { scaler.minimum[f] + ($0 + 1) / 2 * (scaler.maximum[f] - scaler.minimum[f]) }
            }
        }
        for f in columns.indices {
            if let values = snapValues[f] { columns[f] = columns[f].map { Self.nearest($0, in: values) } }
        }
        let y: [Double] = targetIsNumeric ? columns.removeFirst() : labels.map(Double.init)
        return template.replacingRows(numeric: columns, categorical: categorical, y: y)
    }

    /// The element of sorted `values` closest to `x`.
    static func nearest(_ x: Double, in values: [Double]) -> Double {
        var lo = 0, hi = values.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if values[mid] <= x { lo = mid } else { hi = mid }
        }
        return abs(values[lo] - x) <= abs(values[hi] - x) ? values[lo] : values[hi]
    }
}
