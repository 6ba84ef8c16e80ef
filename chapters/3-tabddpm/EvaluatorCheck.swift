import Artifacts
import Datasets
import Evaluation
import Experiment
import Foundation

/// `make verify-evaluator`: the paper scores with CatBoost; the kit scores with its own boosting. This writes the
/// real splits for `scripts/verify_evaluator.py` (PyPI catboost in a private environment) and then sets CatBoost's
/// real-data scores beside the kit's, data set by data set.
enum EvaluatorCheck {
    /// Writes `<directory>/<data set>/{train,validation,test}.csv` and `schema.json` (columns in the CSVs' order).
    static func exportSplits(_ prepared: [PreparedData], to directory: URL) throws {
        for data in prepared {
            let folder = directory.appendingPathComponent(data.spec.name)
            for (name, frame) in [("train", data.train), ("validation", data.validation), ("test", data.test)] {
                try AtomicFile.write(Data(frame.csvText().utf8), to: folder.appendingPathComponent("\(name).csv"))
            }
            let frame = data.train
            let schema = Schema(
                columns: frame.numericNames.map { .init(name: $0, kind: .numeric) }
                    + frame.categoricalNames.map { .init(name: $0, kind: .categorical) }
                    + [.init(name: frame.targetName, kind: frame.isClassification ? .categorical : .numeric)],
                target: frame.targetName, task: frame.task)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(schema), to: folder.appendingPathComponent("schema.json"))
        }
    }

    struct CatBoostScore: Decodable {
        var metric: String
        var mean: Double
        var std: Double
        var n: Int
        var catboost: String
    }

    /// Reads scripts/verify_evaluator.py's output and checks it has a score for each of `datasets`, so a bad file
    /// stops the run before the evaluator is trained.
    static func loadScores(_ file: URL, datasets: [String]) throws -> [String: CatBoostScore] {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw DataError.unreadable(file: file.path, reason: FileProblem.unreadable(file, error: error))
        }
        let decoded: [String: CatBoostScore]
        do { decoded = try JSONDecoder().decode([String: CatBoostScore].self, from: data) } catch let error as DecodingError {
            throw DataError.unreadable(file: file.path, reason: FileProblem.explain(error, in: data)
                + " (expected {\"<data set>\": {\"metric\", \"mean\", \"std\", \"n\", \"catboost\"}}, as scripts/verify_evaluator.py writes)")
        }
        let missing = datasets.filter { decoded[$0] == nil }
        guard missing.isEmpty else {
            throw DataError.unreadable(file: file.path, reason: "no CatBoost score for \(missing.joined(separator: ", ")) "
                + "(the file has \(decoded.keys.sorted().joined(separator: ", ")))")
        }
        return decoded
    }

    /// The comparison as a Markdown table: CatBoost's real-data score, the kit's evaluator's, and the gap.
    static func compare(ours: [(PreparedData, [Double])], catboost decoded: [String: CatBoostScore]) -> String {
        var lines = ["| Data set | metric | CatBoost \(decoded.values.first?.catboost ?? "") (real train) | kit evaluator (real train) | kit − CatBoost |",
                     "|---|---|---:|---:|---:|"]
        for (data, scores) in ours {
            guard let c = decoded[data.spec.name] else { continue }
            let mean = Statistics.mean(scores), std = Statistics.sampleStandardDeviation(scores)
            lines.append("| \(data.label) | \(c.metric) | \(formatFixed(c.mean, decimals: 3)) ± \(formatFixed(c.std, decimals: 3)) (n = \(c.n)) "
                + "| \(formatFixed(mean, decimals: 3)) ± \(formatFixed(std, decimals: 3)) (n = \(scores.count)) "
                + "| \(formatFixed(mean - c.mean, decimals: 3)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
