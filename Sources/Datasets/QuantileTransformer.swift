import Foundation

/// Maps each numeric column to a standard normal through its empirical quantiles, as scikit-learn's
/// `QuantileTransformer(output_distribution="normal")` does (the transform TabDDPM applies before diffusion),
/// with the matching inverse.
///
/// Ties are handled like scikit-learn: a value equal to several quantiles maps to the middle of their levels, so
/// a column with a point mass (zeros of capital-gain) does not collapse onto one edge.
public struct QuantileTransformer: Codable, Equatable, Sendable {
    /// The quantile levels, evenly spaced in [0, 1].
    public var references: [Double]
    /// `quantiles[feature][k]`: the column's value at level `references[k]` (non-decreasing).
    public var quantiles: [[Double]]

    /// scikit-learn clips levels this close to 0 or 1 before the normal quantile function.
    static let boundsThreshold = 1e-7

    /// The number of quantiles TabDDPM uses for `rowCount` training rows: max(min(N / 30, 1000), 10).
    public static func tabDDPMQuantileCount(rowCount: Int) -> Int { max(min(rowCount / 30, 1000), 10) }

    /// Fits on `columns[feature][row]` with `quantileCount` levels (at most the number of rows, as scikit-learn).
    public init(fitting columns: [[Double]], quantileCount: Int) {
        let rows = columns.first?.count ?? 0
        let count = max(2, min(quantileCount, rows))
        let references = (0..<count).map { Double($0) / Double(count - 1) }
        self.references = references
        quantiles = columns.map { column in
            let sorted = column.sorted()
            var values = references.map { Self.percentile(sorted, level: $0) }
            for k in values.indices.dropFirst() { values[k] = max(values[k], values[k - 1]) }
            return values
        }
    }

    /// Linear-interpolation percentile of sorted data (NumPy's default method).
    static func percentile(_ sorted: [Double], level: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let position = level * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }

    /// Maps `columns[feature][row]` to normal scores.
    public func transform(_ columns: [[Double]]) -> [[Double]] {
        let mirroredReferences = references.reversed().map { -$0 }
        return zip(columns, quantiles).map { column, q in
            let mirrored = q.reversed().map { -$0 }
            return column.map { forward($0, q, mirrored: mirrored, mirroredReferences: mirroredReferences) }
        }
    }

    /// Maps normal scores back to the data's scale.
    public func inverse(_ columns: [[Double]]) -> [[Double]] {
        zip(columns, quantiles).map { column, q in column.map { backward($0, q) } }
    }

    /// `mirrored` and `mirroredReferences` are −q and −references reversed: interpolating from both ends and
    /// averaging puts a value equal to several quantiles in the middle of their levels.
    func forward(_ x: Double, _ q: [Double], mirrored: [Double], mirroredReferences: [Double]) -> Double {
        let level: Double
        if x == q[0] { level = 0 }
        else if x == q.last! { level = 1 }
        else {
            let up = Self.interpolate(x, q, references)
            let down = -Self.interpolate(-x, mirrored, mirroredReferences)
            level = 0.5 * (up + down)
        }
        let lower = NormalDistribution.quantile(Self.boundsThreshold - Double.ulpOfOne)
        let upper = NormalDistribution.quantile(1 - (Self.boundsThreshold - Double.ulpOfOne))
        return min(max(NormalDistribution.quantile(level), lower), upper)
    }

    func backward(_ z: Double, _ q: [Double]) -> Double {
        let level = NormalDistribution.cdf(z)
        if level - Self.boundsThreshold < 0 { return q[0] }
        if level + Self.boundsThreshold > 1 { return q.last! }
        return Self.interpolate(level, references, q)
    }

    /// `numpy.interp`: piecewise-linear through (xs, ys), xs non-decreasing, constant beyond the ends; at a run of
    /// equal xs it takes the last one.
    static func interpolate(_ x: Double, _ xs: [Double], _ ys: [Double]) -> Double {
        if x < xs[0] { return ys[0] }
        if x >= xs[xs.count - 1] { return ys[ys.count - 1] }
        var lo = 0, hi = xs.count - 1          // find the last j with xs[j] <= x
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if xs[mid] <= x { lo = mid } else { hi = mid }
        }
        let span = xs[lo + 1] - xs[lo]
        return span > 0 ? ys[lo] + (x - xs[lo]) * (ys[lo + 1] - ys[lo]) / span : ys[lo]
    }
}

/// The standard normal distribution's CDF and quantile function in double precision.
public enum NormalDistribution {
    public static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// Acklam's rational approximation refined by one Halley step: about 1e-15 relative error.
    public static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
