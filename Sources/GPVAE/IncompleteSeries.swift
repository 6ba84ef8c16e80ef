import Tensor

/// N multivariate series on a shared grid of T steps with D features, some entries missing.
///
/// Values are row-major [N, T, D]. A missing entry holds 0 in `values`, the reference's convention: the encoder
/// sees zeros there and the likelihood skips them.
public struct IncompleteSeries: Sendable, Equatable {
    public let count: Int
    public let length: Int
    public let features: Int
    public private(set) var values: [Float]
    /// true where the entry is missing (the reference's m = 1).
    public let missing: [Bool]

    /// Zeroes the missing entries of `values`. Fails when sizes disagree or an observed value is not finite.
    public init(count: Int, length: Int, features: Int, values: [Float], missing: [Bool]) throws {
        guard count >= 1, length >= 1, features >= 1 else {
            throw GPVAEError.invalidSeries("need at least one series, step and feature, got \(count)×\(length)×\(features)")
        }
        let n = count * length * features
        guard values.count == n, missing.count == n else {
            throw GPVAEError.invalidSeries("\(values.count) values and \(missing.count) mask entries for \(count)×\(length)×\(features)")
        }
        if let bad = values.indices.first(where: { !missing[$0] && !values[$0].isFinite }) {
            let (s, rest) = bad.quotientAndRemainder(dividingBy: length * features)
            throw GPVAEError.invalidSeries("observed value at series \(s), step \(rest / features), feature \(rest % features) is \(values[bad])")
        }
        self.count = count
        self.length = length
        self.features = features
        self.values = zip(values, missing).map { $1 ? 0 : $0 }
        self.missing = missing
    }

    var stride: Int { length * features }

    /// The series `rows` as [B, T, D] values (missing as 0) and the observed mask (1 observed, 0 missing).
    func batch(_ rows: [Int]) -> (values: Tensor, observed: Tensor) {
        var x = [Float](), o = [Float]()
        x.reserveCapacity(rows.count * stride)
        o.reserveCapacity(rows.count * stride)
        for r in rows {
            x += values[(r * stride)..<((r + 1) * stride)]
            o += missing[(r * stride)..<((r + 1) * stride)].map { $0 ? 0 : 1 }
        }
        return (Tensor(x, shape: [rows.count, length, features]), Tensor(o, shape: [rows.count, length, features]))
    }
}
