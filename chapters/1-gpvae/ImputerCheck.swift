import Artifacts
import Datasets
import Experiment
import Foundation

/// `make verify-imputers`: the paper's BRITS and GP-VAE numbers come from the authors' code; the kit trains its
/// own. This writes the clinical series for `scripts/verify_imputers.py` (PyPI PyPOTS in a private environment,
/// whose GP-VAE and BRITS are PyTorch ports of the authors' reference code) and sets PyPOTS's scores beside the kit's
/// under the same protocol, so an auditor can see whether the kit's baselines were trained to their authors' level.
enum ImputerCheck {
    /// The methods PyPOTS implements that the chapter also runs.
    static let methods: [Method] = [.brits, .gpVAE]

    /// One set as `scripts/verify_imputers.py` reads it: `[N][T][D]` arrays flattened row-major, masks as 0/1.
    struct ExportedSet: Codable {
        var count: Int, length: Int, features: Int
        var values: [Float], observed: [Float], scored: [Float], present: [Float]
        var labels: [Int]

        init(_ set: SequenceSet) {
            (count, length, features) = (set.count, set.length, set.features)
            // Entries that are neither observed nor scored carry no truth: 0, as the kit stores them.
            values = set.values.indices.map { set.observed[$0] > 0 || set.scored[$0] > 0 ? set.values[$0] : 0 }
            (observed, scored, present, labels) = (set.observed, set.scored, set.present, set.labels)
        }
    }

    /// What the kit's run used, so the Python side trains PyPOTS with the same budget and sizes.
    struct ExportedSettings: Codable {
        var seeds: [UInt64]
        var brits: BRITSConfigExport
        var gpvae: GPVAEConfigExport
    }

    struct BRITSConfigExport: Codable { var hiddenSize: Int, learningRate: Double, batchSize: Int, steps: Int }

    struct GPVAEConfigExport: Codable {
        var latentDimension: Int, encoderSizes: [Int], decoderSizes: [Int], windowSize: Int
        var sigma: Double, lengthScale: Double, beta: Double, learningRate: Double, batchSize: Int, steps: Int
    }

    /// Writes `<directory>/clinical/{train,evaluation,settings}.json`.
    static func exportSeries(_ prepared: PreparedSequences, settings: ChapterSettings, to directory: URL) throws {
        let folder = directory.appendingPathComponent(prepared.data.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(ExportedSet(prepared.train)), to: folder.appendingPathComponent("train.json"))
        try AtomicFile.write(try encoder.encode(ExportedSet(prepared.evaluation)), to: folder.appendingPathComponent("evaluation.json"))
        let g = settings.clinical
        let exported = ExportedSettings(
            seeds: settings.trainingSeeds(for: prepared.data),
            brits: .init(hiddenSize: settings.brits.hiddenSize, learningRate: settings.brits.learningRate,
                         batchSize: settings.brits.batchSize, steps: settings.brits.steps),
            gpvae: .init(latentDimension: g.latentDimension, encoderSizes: g.encoderSizes, decoderSizes: g.decoderSizes,
                         windowSize: g.windowSize, sigma: g.kernel.sigma, lengthScale: g.kernel.lengthScale, beta: g.beta,
                         learningRate: g.learningRate, batchSize: g.batchSize,
                         steps: g.stepCount(trainingSize: prepared.train.count)))
        try AtomicFile.write(try encoder.encode(exported), to: folder.appendingPathComponent("settings.json"))
    }

    /// One method's scores from scripts/verify_imputers.py: per training seed, the MSE on the hidden values and the
    /// downstream AUROC.
    struct PyPOTSScore: Decodable {
        var mse: [Double]
        var auroc: [Double]
        var pypots: String
        var budget: String
    }

    /// Reads the script's output and checks it scores every compared method, before anything is trained.
    static func loadScores(_ file: URL) throws -> [Method: PyPOTSScore] {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw DataError.unreadable(file: file.path, reason: FileProblem.unreadable(file, error: error))
        }
        let decoded: [String: PyPOTSScore]
        do { decoded = try JSONDecoder().decode([String: PyPOTSScore].self, from: data) } catch let error as DecodingError {
            throw DataError.unreadable(file: file.path, reason: FileProblem.explain(error, in: data)
                + " (expected {\"brits\" | \"gp-vae\": {\"mse\", \"auroc\", \"pypots\", \"budget\"}}, as scripts/verify_imputers.py writes)")
        }
        var scores: [Method: PyPOTSScore] = [:]
        for method in methods {
            guard let score = decoded[method.rawValue], !score.mse.isEmpty, score.mse.count == score.auroc.count else {
                throw DataError.unreadable(file: file.path, reason: "no complete PyPOTS scores for \(method.rawValue) "
                    + "(the file has \(decoded.keys.sorted().joined(separator: ", ")))")
            }
            scores[method] = score
        }
        return scores
    }

    /// The comparison as Markdown: each method's held-out MSE and AUROC, PyPOTS's and the kit's, and the gaps.
    static func compare(ours: [Method: [CellResult]], theirs: [Method: PyPOTSScore], settings: ChapterSettings) -> String {
        func summary(_ values: [Double]) -> String {
            "\(formatFixed(Statistics.mean(values), decimals: 3)) ± \(formatFixed(Statistics.sampleStandardDeviation(values), decimals: 3)) (n = \(values.count))"
        }
        var lines = [
            "Clinical series (pbcseq stand-in for PhysioNet 2012), \(settings.profile.rawValue) profile: the kit's BRITS and "
                + "GP-VAE beside PyPOTS's (\(theirs.values.first?.pypots ?? "")) trained on the same series with the same "
                + "sizes and budget, scored by the same protocol (MSE on the hidden observed values, standardised units; "
                + "AUROC of liblinear logistic regression fitted on the first half, scored on the second).",
            "",
            "| Model | PyPOTS budget | PyPOTS MSE | kit MSE | PyPOTS AUROC | kit AUROC | kit − PyPOTS AUROC |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for method in methods {
            guard let score = theirs[method], let cells = ours[method], !cells.isEmpty else { continue }
            let auroc = cells.compactMap(\.auroc)
            lines.append("| \(method.paperName) | \(score.budget) | \(summary(score.mse)) | \(summary(cells.map(\.mse))) "
                + "| \(summary(score.auroc)) | \(summary(auroc)) "
                + "| \(formatFixed(Statistics.mean(auroc) - Statistics.mean(score.auroc), decimals: 3)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
