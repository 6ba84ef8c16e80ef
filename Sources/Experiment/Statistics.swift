extension Summary {
    /// Summarizes raw per-seed values with `Statistics.mean` and `Statistics.sampleStandardDeviation`. One value
    /// has no spread to show: its std is absent rather than a "± 0.000" that reads as a measured zero.
    public init(of values: [Double]) {
        self.init(mean: Statistics.mean(values),
                  std: values.count > 1 ? Statistics.sampleStandardDeviation(values) : nil, n: values.count)
    }
}

extension ReproducedNumber {
    /// Builds the entry from raw per-run values (mean and sample std over them).
    public init(paperTable: String, key: [String: String], metric: String, values: [Double], nCovers: String,
                tolerance: Tolerance, dataNote: String? = nil, deviation: String? = nil) {
        self.init(paperTable: paperTable, key: key, metric: metric, mean: Statistics.mean(values),
                  std: Statistics.sampleStandardDeviation(values), n: values.count, nCovers: nCovers,
                  tolerance: tolerance, dataNote: dataNote, deviation: deviation)
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
