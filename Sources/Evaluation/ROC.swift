/// Ranking scores as scikit-learn computes them (`roc_auc_score`, `average_precision_score`), for the GP-VAE
/// protocol's downstream classifier.
public enum ROC {
    /// Area under the ROC curve for binary labels. Tied scores form one threshold, so a tie between a positive
    /// and a negative counts one half (scikit-learn's trapezoidal curve; equal to the Mann–Whitney U with
    /// average ranks).
    public static func auc(scores: [Double], labels: [Bool]) throws -> Double {
        guard scores.count == labels.count else {
            throw ImputationMetricsError.invalidLabels("\(scores.count) scores for \(labels.count) labels")
        }
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { throw ImputationMetricsError.singleClass(column: nil) }
        // Average ranks (1-based) over groups of equal scores.
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2
            for k in i...j where labels[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// scikit-learn's `roc_auc_score(np.eye(C)[labels], probabilities)`: the unweighted mean over the C class
    /// columns of each column's one-vs-rest AUROC (`average="macro"`), as the reference scores HMNIST.
    public static func macroAUC(probabilities: [[Double]], labels: [Int]) throws -> Double {
        guard probabilities.count == labels.count, let classes = probabilities.first?.count, classes >= 2 else {
            throw ImputationMetricsError.invalidLabels("\(probabilities.count) rows of probabilities for \(labels.count) labels")
        }
        guard probabilities.allSatisfy({ $0.count == classes }), labels.allSatisfy({ (0..<classes).contains($0) }) else {
            throw ImputationMetricsError.invalidLabels("labels must lie in 0..<\(classes) and every row must have \(classes) probabilities")
        }
        var total = 0.0
        for c in 0..<classes {
            do {
                total += try auc(scores: probabilities.map { $0[c] }, labels: labels.map { $0 == c })
            } catch ImputationMetricsError.singleClass {
                throw ImputationMetricsError.singleClass(column: c)
            }
        }
        return total / Double(classes)
    }

    /// scikit-learn's average precision: Σₙ (Rₙ − Rₙ₋₁)·Pₙ over thresholds at the distinct scores, high to low.
    public static func averagePrecision(scores: [Double], labels: [Bool]) throws -> Double {
        guard scores.count == labels.count else {
            throw ImputationMetricsError.invalidLabels("\(scores.count) scores for \(labels.count) labels")
        }
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { throw ImputationMetricsError.singleClass(column: nil) }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0, seen = 0, previousRecall = 0.0, ap = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j where labels[order[k]] { truePositives += 1 }
            seen = j + 1
            let recall = Double(truePositives) / Double(positives)
            ap += (recall - previousRecall) * Double(truePositives) / Double(seen)
            previousRecall = recall
            i = j + 1
        }
        return ap
    }
}
