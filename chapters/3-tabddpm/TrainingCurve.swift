import Datasets

/// A generator's training loss as the means of equal windows of steps, so a cell stores at most
/// `TrainingCurve.points` values however long it trains.
struct TrainingCurve: Codable, Equatable {
    /// The last step of each window and the window's mean loss.
    var steps: [Int] = []
    var losses: [Double] = []

    static let points = 100

    /// The mean loss over the first and the last tenth of the windows; nil with fewer than two windows.
    var firstAndLast: (first: Double, last: Double)? {
        guard losses.count >= 2 else { return nil }
        let k = max(1, losses.count / 10)
        return (losses.prefix(k).reduce(0, +) / Double(k), losses.suffix(k).reduce(0, +) / Double(k))
    }
}

/// Turns a trainer's progress calls (step, total steps, loss) into a `TrainingCurve`.
final class CurveRecorder {
    private(set) var curve = TrainingCurve()
    private var sum = 0.0, count = 0

    func record(step: Int, total: Int, loss: Double) {
        let window = max(1, (total + TrainingCurve.points - 1) / TrainingCurve.points)
        sum += loss
        count += 1
        if count == window || step == total {
            curve.steps.append(step)
            curve.losses.append(sum / Double(count))
            sum = 0
            count = 0
        }
    }
}

/// Why a cell's generator counts as not trained, from its loss curve and its first synthetic sample; nil when it
/// passes both checks.
enum TrainingCheck {
    /// A loss whose last tenth differs from its first tenth by less than this share of the first never moved.
    static let unmovedShare = 1e-3

    static func problem(curve: TrainingCurve, sample: TabularFrame, real: TabularFrame) -> String? {
        if real.isClassification, Set(real.labels).count > 1, let first = sample.labels.first,
           sample.labels.allSatisfy({ $0 == first }) {
            return "every synthetic row has class \(sample.classNames[first])"
        }
        if let (first, last) = curve.firstAndLast, abs(last - first) <= unmovedShare * abs(first) {
            return "its training loss never moved (\(first) → \(last))"
        }
        return nil
    }
}
