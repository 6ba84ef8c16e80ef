import Artifacts
import Datasets
import Experiment
import Foundation
import Report
import Tensor
import TimeGAN

/// `talk --csv FILE`: TimeGAN and the recurrent-GAN baseline on a teacher's own series, prepared, scored and drawn
/// exactly as the talk's stocks are; the run is `talk-own` (figures in `figures/talk-own/`) and its page
/// `reports/own/<name>-timegan.html`. The file is read and checked when this is made, before the run starts.
struct OwnSeries {
    let url: URL
    let series: NumericSeries
    let sequenceLength: Int

    init(path: String, columns: [String]?, dateColumn: String?, sequenceLength: Int) throws {
        url = URL(fileURLWithPath: path)
        series = try NumericSeries.load(url, columns: columns, dateColumn: dateColumn)
        self.sequenceLength = sequenceLength
        // Training and scoring draw windows; the predictive score holds out a fifth of them, so one is not enough.
        let rows = series.rows.count
        guard rows >= 2 * sequenceLength else {
            throw DataError.csv(
                file: series.file, line: series.lines.last!, column: nil, columnName: nil,
                reason: "the series has \(rows) rows, fewer than two windows of \(sequenceLength) steps (\(2 * sequenceLength) "
                    + "rows)" + (rows >= 4 ? "; pass --sequence-length \(rows / 2) or less" : ""))
        }
    }

    var name: String { url.deletingPathExtension().lastPathComponent }

    /// What the run records as its configuration.
    struct Config: Codable {
        var profile: Profile
        var seed: UInt64
        var file: String
        var columns: [String]
        var dateColumn: String?
        var timeGAN: TimeGANSettings
    }

    /// Min-max scaling per column over the whole series, then shuffled overlapping windows (the reference's stocks).
    func prepared(rng: RandomGenerator) -> TimeGANSteps.PreparedData {
        let rows = series.rows.map { $0.map(Float.init) }
        let scaled = MinMaxScaler(fittingRows: rows, epsilon: MinMaxScaler.timeGANEpsilon).transform(rows: rows)
        return TimeGANSteps.PreparedData(id: "own", title: name, windows: SequenceData.windows(rows: scaled, length: sequenceLength, rng: rng),
                                         featureNames: series.columns)
    }

    /// Trains and scores both models and writes the scores table and the sample, PCA and t-SNE figures.
    func run(_ context: TalkContext) throws {
        let settings = context.config.timeGAN
        _ = try context.run.recordInput(url)
        TimeGANSteps.recordTrainingDeviations(settings, run: context.run)
        let data = prepared(rng: context.rng(400))
        let (rows, realPredictive) = TimeGANSteps.trainAndScore(data, rng: context.rng(500), settings: settings)
        try TimeGANSteps.writeTable([(data, rows, realPredictive)], settings: settings, run: context.run)
        try TimeGANSteps.writeTraining([(data, rows)], run: context.run, context: context)
        try TimeGANSteps.writeSamples(data: data, synthetic: rows[0].synthetic!, baseline: rows[1].synthetic!,
                                      id: "samples", context: context)
        try TimeGANSteps.writeProjections([(data, rows)], settings: settings, context: context)
    }

    /// Writes `reports/own/<name>-timegan.html` from the published run and returns its path.
    func page(settings: TimeGANSettings, profile: Profile, seed: UInt64, root: URL, chapter: String) throws -> URL {
        let rows = series.rows.count
        var about = "\(series.file): \(rows) rows, \(series.columns.count) feature column"
            + (series.columns.count == 1 ? "" : "s")
        if let date = series.dateColumn, let range = series.dateRange {
            about += "; date column \(date) from \(range.lowerBound) to \(range.upperBound), checked to rise row by row"
        }
        if !series.skipped.isEmpty { about += "; left out as text: " + series.skipped.joined(separator: ", ") }
        about += ". Profile \(profile.rawValue), seed \(seed)."
        let windows = rows - sequenceLength + 1
        let sections: [StandalonePage.Section] = [
            .paragraph(about),
            .paragraph("Each column is min-max scaled to [0, 1] over the whole series, (x − min)/(max − min + 10⁻⁷), and "
                + "the rows are cut into \(windows) overlapping windows of \(sequenceLength) steps (stride 1), shuffled: "
                + "the reference's preparation of its stock prices. TimeGAN and the plain recurrent GAN each train on all "
                + "windows (\(TimeGANSteps.iterationText(settings))) and generate as many sequences."),
            .heading("Columns"),
            .table(header: ["Column", "Minimum", "Maximum", "Mean"], rows: series.columns.indices.map { c in
                let values = series.rows.map { $0[c] }
                return [series.columns[c], Self.format(values.min()!), Self.format(values.max()!),
                        Self.format(values.reduce(0, +) / Double(values.count))]
            }),
            .heading("Scores"),
            .paragraph("Discriminative: 0 when a GRU classifier cannot tell generated windows from real ones, 0.5 when it "
                + "always can. Predictive: the error on real windows of a one-step-ahead GRU trained on generated ones; "
                + "the real-data row, trained on real windows, is the floor to compare with."),
            .runTable(id: "timegan-scores"),
            .heading("Training"),
            .figure(id: "timegan-curves"),
            .runTable(id: "timegan-timings"),
            .heading("Figures"),
            .figure(id: "samples"),
            .figure(id: "timegan-pca"),
            .figure(id: "timegan-tsne"),
            .heading("Provenance"),
            .provenance,
        ]
        return try StandalonePage(title: "TimeGAN on \(name)", chapter: chapter, sections: sections)
            .write(root: root, fileName: "\(name)-timegan")
    }

    static func format(_ x: Double) -> String { String(format: "%.6g", x) }
}
