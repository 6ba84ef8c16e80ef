/// Counts of (true class, predicted class) over pixels, summed over a whole test set as the reference does, so
/// that a class is scored on all its pixels at once rather than averaged per image.
public struct ConfusionMatrix: Equatable, Sendable, Codable {
    public let classCount: Int
    /// `counts[truth * classCount + predicted]`.
    public private(set) var counts: [Int]

    public init(classCount: Int) {
        precondition(classCount > 0, "ConfusionMatrix: at least one class")
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// Adds pixels; labels equal to `ignoring` (the reference's ignore label) are skipped.
    public mutating func add(truth: [Int], predicted: [Int], ignoring: Int? = nil) {
        precondition(truth.count == predicted.count, "ConfusionMatrix: \(truth.count) true labels, \(predicted.count) predicted")
        for (t, p) in zip(truth, predicted) where t != ignoring {
            precondition((0..<classCount).contains(t) && (0..<classCount).contains(p),
                         "ConfusionMatrix: label outside 0..<\(classCount)")
            counts[t * classCount + p] += 1
        }
    }

    public func count(truth: Int, predicted: Int) -> Int { counts[truth * classCount + predicted] }

    /// Intersection over union per class: |P ∩ G| / |P ∪ G|; nil for a class absent from both.
    public var perClassIoU: [Double?] {
        (0..<classCount).map { c in
            let intersection = count(truth: c, predicted: c)
            var union = -intersection
            for k in 0..<classCount { union += count(truth: c, predicted: k) + count(truth: k, predicted: c) }
            return union > 0 ? Double(intersection) / Double(union) : nil
        }
    }

    /// How the mean treats a class absent from both truth and prediction.
    public enum AbsentClasses: String, Codable, Sendable {
        /// Counts it as 0, as the reference does (its mean runs over every class id): reproduces its numbers.
        case zero
        /// Leaves it out of the mean.
        case excluded
    }

    /// Mean IoU over all classes.
    public func meanIoU(absentClasses: AbsentClasses = .zero) -> Double {
        let values = perClassIoU
        switch absentClasses {
        case .zero: return values.reduce(0) { $0 + ($1 ?? 0) } / Double(classCount)
        case .excluded:
            let present = values.compactMap { $0 }
            return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
        }
    }

    public var pixelAccuracy: Double {
        let total = counts.reduce(0, +)
        let right = (0..<classCount).reduce(0) { $0 + count(truth: $1, predicted: $1) }
        return total > 0 ? Double(right) / Double(total) : 0
    }
}
