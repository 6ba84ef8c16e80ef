/// A measured value as the paper reports it: the mean over `n` runs and their sample standard deviation.
/// `std` and `n` are optional because a paper often prints a bare number.
public struct Summary: Codable, Equatable, Sendable {
    public var mean: Double
    public var std: Double?
    public var n: Int?

    public init(mean: Double, std: Double? = nil, n: Int? = nil) {
        self.mean = mean
        self.std = std
        self.n = n
    }

    /// Summarizes raw per-seed values with `Statistics.mean` and `Statistics.sampleStandardDeviation`.
    public init(of values: [Double]) {
        self.init(mean: Statistics.mean(values), std: Statistics.sampleStandardDeviation(values), n: values.count)
    }
}

/// Summary statistics with a fixed summation order, so the same values always give the same bits.
public enum Statistics {
    /// The arithmetic mean; NaN for no values.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var sum = 0.0
        for value in values { sum += value }
        return sum / Double(values.count)
    }

    /// The sample standard deviation (divisor n − 1, as the papers' ± use), computed in two passes for accuracy.
    /// One value has no spread to estimate, so it gives 0; no values give NaN.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        guard values.count > 1 else { return 0 }
        let center = mean(values)
        var squares = 0.0
        for value in values {
            let deviation = value - center
            squares += deviation * deviation
        }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
