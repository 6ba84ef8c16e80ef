/// Principal component analysis of a small point set (a few features), through the eigenvectors of the
/// covariance matrix from the cyclic Jacobi method (exact for symmetric matrices, no LAPACK needed).
public struct PCA: Sendable {
    public let mean: [Double]
    /// The top components, unit vectors, by decreasing variance.
    public let components: [[Double]]
    /// The variance along each component.
    public let variances: [Double]

    /// Fits `componentCount` components to `points` (each an array of the same dimension).
    public init(fitting points: [[Double]], componentCount: Int = 2) {
        let d = points.first?.count ?? 0
        precondition(!points.isEmpty && points.allSatisfy { $0.count == d }, "PCA: points must share one dimension")
        precondition(componentCount <= d, "PCA: \(componentCount) components for dimension \(d)")
        let n = Double(points.count)
        var mean = [Double](repeating: 0, count: d)
        for p in points { for k in 0..<d { mean[k] += p[k] / n } }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for p in points {
            for a in 0..<d { for b in a..<d { covariance[a][b] += (p[a] - mean[a]) * (p[b] - mean[b]) } }
        }
        let divisor = Swift.max(n - 1, 1)
        for a in 0..<d { for b in a..<d { covariance[a][b] /= divisor; covariance[b][a] = covariance[a][b] } }
        let (values, vectors) = Self.symmetricEigen(covariance)
        let order = values.indices.sorted { values[$0] > values[$1] }.prefix(componentCount)
        self.mean = mean
        components = order.map { i in
            // Columns of `vectors` are eigenvectors; fix the sign so the largest entry is positive (deterministic).
            var v = (0..<d).map { vectors[$0][i] }
            if let big = v.max(by: { Swift.abs($0) < Swift.abs($1) }), big < 0 { v = v.map { -$0 } }
            return v
        }
        variances = order.map { values[$0] }
    }

    /// Coordinates of `points` along the components.
    public func transform(_ points: [[Double]]) -> [[Double]] {
        points.map { p in components.map { c in zip(zip(p, mean), c).reduce(0) { $0 + ($1.0.0 - $1.0.1) * $1.1 } } }
    }

    /// Eigenvalues and eigenvectors (as columns) of a symmetric matrix by cyclic Jacobi rotations.
    static func symmetricEigen(_ matrix: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
        var a = matrix
        let d = a.count
        var v = (0..<d).map { i in (0..<d).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<Swift.max(d, p + 1) { off += a[p][q] * a[p][q] } }
            if off < 1e-24 { break }
            for p in 0..<d {
                for q in (p + 1)..<Swift.max(d, p + 1) where Swift.abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0][$0] }, v)
    }
}
