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

    /// The kit's evaluator at its defaults (CatBoost's defaults where it has the same knob) on the real data, one score
    /// per seed, so that both sides of the comparison run the same hyperparameters.
    static func defaultScores(_ data: PreparedData, seeds: [UInt64]) throws -> [Double] {
        try seeds.map { seed in
            try BoostingEvaluator().score(train: data.train, validation: data.validation, test: data.test, seed: seed).value
        }
    }

    /// One data set's scores: the kit's evaluator at the defaults CatBoost also runs, and as chapter 3 tunes it.
    struct KitScores {
        var data: PreparedData
        var defaults: [Double]
        var tuned: [Double]
    }

    /// The comparison as a Markdown table: CatBoost's real-data score at its defaults, the kit's evaluator at the same
    /// settings, the gap, and (for context, not compared) the kit's evaluator as chapter 3 tunes it.
    static func compare(ours: [KitScores], catboost decoded: [String: CatBoostScore]) -> String {
        func cell(_ scores: [Double]) -> String {
            "\(formatFixed(Statistics.mean(scores), decimals: 3)) ± \(formatFixed(Statistics.sampleStandardDeviation(scores), decimals: 3)) (n = \(scores.count))"
        }
        var lines = ["| Data set | metric | CatBoost \(decoded.values.first?.catboost ?? "") defaults (real train) | kit evaluator defaults (real train) "
                        + "| kit − CatBoost | kit evaluator as tuned for chapter 3 |",
                     "|---|---|---:|---:|---:|---:|"]
        for row in ours {
            guard let c = decoded[row.data.spec.name] else { continue }
            lines.append("| \(row.data.label) | \(c.metric) | \(formatFixed(c.mean, decimals: 3)) ± \(formatFixed(c.std, decimals: 3)) (n = \(c.n)) "
                + "| \(cell(row.defaults)) | \(formatFixed(Statistics.mean(row.defaults) - c.mean, decimals: 3)) | \(cell(row.tuned)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
