import Datasets
import Experiment
import Foundation
import Report

/// `chapter1 --csv FILE`: a practitioner's series, checked when loaded; after the run, the imputed file (GP-VAE's
/// imputation with a standard deviation per value), the methods' scores on the values hidden for scoring, and
/// `reports/own/<name>-imputation.html`, a self-contained page of what the run did.
struct OwnSeries {
    let url: URL
    let series: LongSeries
    let hide: Double
    let seed: UInt64
    /// `scoring` hides a seeded fraction of the observed values; `complete` shows them all; both standardised.
    let scoring: SequenceSet
    let complete: SequenceSet
    let mean: [Double]
    let scale: [Double]

    init(path: String, idColumn: String, timeColumn: String, hide: Double, seed: UInt64) throws {
        url = URL(fileURLWithPath: path)
        series = try LongSeries.load(url, idColumn: idColumn, timeColumn: timeColumn)
        self.hide = hide
        self.seed = seed
        (scoring, complete, mean, scale) = try series.sequences(hiding: hide, seed: seed)
    }

    var name: String { url.deletingPathExtension().lastPathComponent }

    func outputPath(root: URL) -> URL {
        root.appendingPathComponent("reports/runs/1-gpvae-own/\(name)-imputed.csv")
    }

    /// The series as the runner takes them: trained on and scored with the hidden values removed, as the clinical
    /// series are; the file recorded as the run's input.
    func prepared(run: ExperimentRun) throws -> PreparedSequences {
        _ = try run.recordInput(url)
        return PreparedSequences(data: .own, train: scoring, evaluation: scoring,
                                 inputHash: SHA256Hex.digest(of: scoring.sha256 + complete.sha256),
                                 featureNames: series.features, timeLabel: series.timeColumn, complete: complete)
    }

    /// The scores table, the timings, and the imputed CSV (GP-VAE of the first training seed, in the file's units).
    func write(_ results: SequenceResults, tables: ChapterTables) throws {
        let hidden = Int(scoring.scored.reduce(0, +))
        var table = ResultTable(
            id: "own-imputation",
            caption: "Imputation of the \(hidden) observed values hidden from every method (\(Int((hide * 100).rounded())) % of "
                + "each feature's, seed \(seed)): mean squared error in standardised units (each feature centred and divided "
                + "by its standard deviation over the values the models see), and GP-VAE's, VAE's and HI-VAE's negative "
                + "log-likelihood per hidden value; \(tables.seedsText(results)).",
            columns: [.init("Model"), .init("MSE (standardised)", ranking: .lowerIsBetter, alignment: .right),
                      .init("NLL", ranking: .lowerIsBetter, alignment: .right)])
        for method in SequenceData.own.methods {
            let cells = results.cells[method] ?? []
            table.append([.text(method.paperName), tables.cell(cells.map(\.mse), paper: nil),
                          tables.cell(cells.compactMap(\.nll), paper: nil)])
        }
        try tables.run.write(table)
        try tables.writeTimings()
        // GP-VAE's cells on `.own` data always carry these (`SequenceRunner.compute`).
        let cell = results.cells[.gpVAE]![0]
        let (output, spread) = (cell.output!, cell.outputSpread!)
        let d = series.features.count
        let imputed = output.indices.map { Float(Double(output[$0]) * scale[$0 % d] + mean[$0 % d]) }
        let deviations = spread.indices.map { Float(Double(spread[$0]) * scale[$0 % d]) }
        try AtomicFile.write(series.imputedCSV(imputed: imputed, deviations: deviations),
                             to: tables.run.runDirectory.appendingPathComponent("\(name)-imputed.csv"))
    }

    /// Writes `reports/own/<name>-imputation.html` from the published run and returns its path.
    func page(settings: ChapterSettings, root: URL, chapter: String) throws -> URL {
        let lengths = series.series.map(\.rows.count)
        let entries = Double(series.values.count * series.features.count)
        let missing = Double(series.values.reduce(0) { $0 + $1.filter { $0 == nil }.count })
        let sections: [StandalonePage.Section] = [
            .paragraph("\(series.file): \(series.series.count) series of "
                + (lengths.min()! == lengths.max()! ? "\(lengths.max()!)" : "\(lengths.min()!) to \(lengths.max()!)") + " rows "
                + "(id column \(series.idColumn), time column \(series.timeColumn)), \(series.features.count) feature"
                + "\(series.features.count == 1 ? "" : "s"), \(String(format: "%.1f", 100 * missing / entries)) % of the values "
                + "missing. Profile \(settings.profile.rawValue), seed \(settings.seed)."),
            .paragraph("Each series' rows are taken in time order as evenly spaced steps (GP-VAE's prior and the other "
                + "methods see step numbers, not the time values); shorter series are padded to the longest. The models "
                + "are GP-VAE with the reference's Physionet settings (\(settings.own.steps.map { "\($0) steps" } ?? "") at "
                + "batch \(settings.own.batchSize)) and the baselines of the dissertation's clinical table."),
            .heading("Features"),
            .table(header: ["Feature", "Observed", "Missing", "Mean", "Standard deviation"],
                   rows: series.features.indices.map { f in
                       let observed = series.values.compactMap { $0[f] }
                       return [series.features[f], "\(observed.count)",
                               String(format: "%.1f %%", 100 * Double(series.values.count - observed.count) / Double(series.values.count)),
                               String(format: "%.4g", mean[f]),
                               Set(observed).count == 1 ? "0 (constant)" : String(format: "%.4g", scale[f])]
                   }),
            .heading("Imputation of the hidden values"),
            .runTable(id: "own-imputation"),
            .figure(id: "own-imputations"),
            .heading("The imputed file"),
            .paragraph("\(outputPath(root: root).path): the file's rows in its order, every empty feature cell filled with "
                + "GP-VAE's imputation (the decoder's mean at the posterior mean, from all observed values), and beside "
                + "the features one column <feature>\(LongSeries.deviationSuffix) per feature: the standard deviation of "
                + "that imputation over \(settings.bandSamples) posterior samples (the model's uncertainty about the value, "
                + "not the noise of a single measurement), 0 where the value was observed."),
            .heading("Time"),
            .runTable(id: "gpvae-timings"),
            .heading("Provenance"),
            .provenance,
        ]
        return try StandalonePage(title: "Imputing \(name) with GP-VAE", chapter: chapter, sections: sections)
            .write(root: root, fileName: "\(name)-imputation")
    }
}
