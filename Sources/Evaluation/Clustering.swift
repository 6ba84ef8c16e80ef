import Foundation

/// Lloyd's k-means with k-means++ seeding: the paper's look at what decoder blocks encode (its Figure 4 clusters
/// each block's pixel features).
public struct KMeans: Sendable {
    public let centroids: [[Float]]
    /// Cluster of each input point.
    public let assignments: [Int]

    /// Clusters `points` (count × dimension, row-major). Deterministic for a seed.
    public static func fit(points: [Float], dimension d: Int, clusterCount k: Int, iterations: Int = 50,
                           seed: UInt64) -> KMeans {
        let n = points.count / d
        precondition(n >= k && k > 0, "KMeans: \(n) points for \(k) clusters")
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        func distance(_ i: Int, _ c: [Float]) -> Float {
            var s: Float = 0
            for j in 0..<d { let e = points[i * d + j] - c[j]; s += e * e }
            return s
        }
        var centroids = [Array(points[(Int(uniform() * Double(n)) * d)...].prefix(d))]
        var nearest = (0..<n).map { distance($0, centroids[0]) }
        while centroids.count < k {
            let total = nearest.reduce(0.0) { $0 + Double($1) }
            var target = uniform() * total, chosen = n - 1
            for i in 0..<n { target -= Double(nearest[i]); if target <= 0 { chosen = i; break } }
            let c = Array(points[(chosen * d)..<(chosen * d + d)])
            centroids.append(c)
            for i in 0..<n { nearest[i] = Swift.min(nearest[i], distance(i, c)) }
        }
        var assignments = [Int](repeating: -1, count: n)
        for _ in 0..<iterations {
            var changed = false
            for i in 0..<n {
                var best = 0, bestDistance = Float.infinity
                for (c, centroid) in centroids.enumerated() {
                    let e = distance(i, centroid)
                    if e < bestDistance { best = c; bestDistance = e }
                }
                if assignments[i] != best { assignments[i] = best; changed = true }
            }
            if !changed { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
            var sizes = [Int](repeating: 0, count: k)
            for i in 0..<n {
                sizes[assignments[i]] += 1
                for j in 0..<d { sums[assignments[i]][j] += Double(points[i * d + j]) }
            }
            for c in 0..<k where sizes[c] > 0 { centroids[c] = sums[c].map { Float($0 / Double(sizes[c])) } }
        }
        return KMeans(centroids: centroids, assignments: assignments)
    }
}

/// Agreement between two labellings of the same items, 0 (independent) to 1 (the same partition up to names).
public enum MutualInformation {
    /// Mutual information divided by the mean of the two entropies (the arithmetic normalisation of
    /// scikit-learn's `normalized_mutual_info_score`).
    public static func normalized(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count && !a.isEmpty, "MutualInformation: labellings of different lengths")
        let n = Double(a.count)
        var joint: [Int: [Int: Int]] = [:], left: [Int: Int] = [:], right: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            joint[x, default: [:]][y, default: 0] += 1
            left[x, default: 0] += 1
            right[y, default: 0] += 1
        }
        func entropy(_ counts: [Int: Int]) -> Double {
            counts.values.reduce(0) { let p = Double($1) / n; return $0 - p * log(p) }
        }
        var information = 0.0
        for (x, row) in joint {
            for (y, c) in row {
                let p = Double(c) / n
                information += p * log(p * n * n / (Double(left[x]!) * Double(right[y]!)))
            }
        }
        let scale = (entropy(left) + entropy(right)) / 2
        return scale > 0 ? Swift.max(0, Swift.min(1, information / scale)) : 1
    }
}
