import Datasets
import Experiment
import Figures
import Foundation

/// The Figure 2 analogues: a Healing MNIST sequence and a sprite sequence with their gaps, each method's
/// imputation and GP-VAE's uncertainty; and one patient's lab values over time with the same.
struct ChapterFigures {
    let results: [SequenceResults]
    let settings: ChapterSettings
    let run: ExperimentRun

    func write() throws {
        for entry in results {
            switch entry.prepared.data {
            case .hmnist:
                try frames(entry, channels: 1, rowHeight: 68, title: "Imputing a rebuilt Healing MNIST sequence")
                    .write(to: run.figuresDirectory, id: "imputations", caption: "A rebuilt Healing MNIST "
                    + "sequence (the first evaluation sequence): the truth, what the models see (missing pixels grey), each "
                    + "method's imputation (observed pixels kept), and GP-VAE's spread over posterior samples (white = largest).")
                try errorByMissing(entry).write(to: run.figuresDirectory, id: "error-by-missing", caption: "MSE on the "
                    + "missing pixels (rounded to 0/1, as Table 1) of the rebuilt Healing MNIST evaluation sequences when each "
                    + "pixel is hidden at random with the probability on the x-axis instead of by the MNAR mask; the models "
                    + "are the ones trained on MNAR masks (mean over training seeds; the same masks for every method).")
            case .sprites:
                try frames(entry, channels: 3, rowHeight: 100, title: "Imputing a sprite sequence (Flare stand-in for SPRITES)")
                    .write(to: run.figuresDirectory, id: "sprites-imputations", caption: "A sequence of the SPRITES stand-in "
                    + "(the first evaluation sequence; art from Flare by Clint Bellanger and the Flare contributors, CC-BY-SA 3.0, "
                    + "characters composed by this kit): the truth, what the models see (missing pixels grey), each method's "
                    + "imputation (observed pixels kept), and GP-VAE's spread over posterior samples (white = largest).")
            case .own:
                try series(entry, title: "Imputing one of your series").write(to: run.figuresDirectory, id: "own-imputations",
                    caption: "The series and feature with the most values hidden for scoring among the first "
                    + "\(entry.prepared.data.previewCount) series (standardised): observed values, the values hidden from every "
                    + "method, each method's imputation, and GP-VAE's ± 2 standard deviation band over posterior samples.")
            case .clinical:
                try series(entry, title: "Imputing one patient's series (pbcseq stand-in)").write(to: run.figuresDirectory, id: "clinical-imputations", caption: "One patient's "
                    + "standardised lab value over two years of visits: observed values, the values hidden from every method, "
                    + "each method's imputation, and GP-VAE's ± 2 standard deviation band over posterior samples.")
            }
        }
    }

    /// Frames of the first evaluation sequence, one row per view: the truth, what the models see (missing values
    /// grey), each method's imputation, and GP-VAE's spread (the mean over a pixel's channels, white = largest).
    /// `rowHeight` leaves room for a row's title above its frames, scaled to the figure's width.
    func frames(_ entry: SequenceResults, channels: Int, rowHeight: Double, title: String) throws -> Figure {
        let set = entry.prepared.evaluation
        let side = Int(Double(set.features / channels).squareRoot())
        let frameSize = set.features, sequence = set.length * frameSize
        func row(_ values: [Float], channels: Int) throws -> Raster {
            let size = values.count / set.length
            return try Raster.grid((0..<set.length).map { t in
                Raster(pixels: Array(values[(t * size)..<((t + 1) * size)]), width: side, height: side,
                       channels: channels == 3 ? .rgb : .gray)
            }, columns: set.length)
        }
        let truth = Array(set.values[0..<sequence])
        let seen = (0..<sequence).map { set.observed[$0] > 0 ? set.values[$0] : 0.5 }
        var rows: [(String, Raster)] = [("truth", try row(truth, channels: channels)),
                                        ("what the models see", try row(seen, channels: channels))]
        for method in entry.prepared.data.methods {
            guard let cell = entry.cells[method]?.first else { continue }
            rows.append((method.paperName, try row(Array(cell.preview[0..<sequence]), channels: channels)))
        }
        if let spread = entry.cells[.gpVAE]?.first?.previewSpread, !spread.isEmpty {
            let perPixel = stride(from: 0, to: sequence, by: channels).map { start in
                spread[start..<(start + channels)].reduce(0, +) / Float(channels)
            }
            let top = Swift.max(perPixel.max() ?? 0, 1e-6)
            rows.append(("GP-VAE spread", try row(perPixel.map { $0 / top }, channels: 1)))
        }
        var figure = Figure(width: 640, height: rowHeight * Double(rows.count) + 40, columns: 1)
        figure.title = title
        for (name, raster) in rows {
            figure.panel { panel in
                panel.title = name
                panel.image(raster)
            }
        }
        return figure
    }

    /// Each method's MSE as the share of missing pixels grows: how gracefully an imputer degrades.
    func errorByMissing(_ entry: SequenceResults) throws -> Figure {
        var figure = Figure(width: 640, height: 400)
        figure.title = "Imputation error against the fraction missing (rebuilt Healing MNIST)"
        figure.panel { panel in
            panel.xLabel = "fraction of pixels missing (at random)"
            panel.yLabel = "MSE on the missing pixels"
            for method in entry.prepared.data.methods {
                let curves = (entry.cells[method] ?? []).compactMap(\.sweepMSE)
                guard let first = curves.first else { continue }
                let mean = first.indices.map { i in Statistics.mean(curves.map { $0[i] }) }
                panel.line(x: settings.sweepFractions, y: mean, label: method.paperName,
                           style: method == .gpVAE ? .solid : .dashed)
            }
            panel.legend = .outside
        }
        return figure
    }

    /// One series' feature over time: the one among the previewed series with the most values hidden for scoring.
    func series(_ entry: SequenceResults, title: String) throws -> Figure {
        let set = entry.prepared.evaluation
        let (length, features) = (set.length, set.features)
        // The patient and feature among the previewed ones with the most values hidden for scoring.
        var best = (n: 0, d: 0, hidden: -1)
        for n in 0..<Swift.min(entry.prepared.data.previewCount, set.count) {
            for d in 0..<features {
                let hidden = (0..<length).filter { set.scored[(n * length + $0) * features + d] > 0 }.count
                if hidden > best.hidden { best = (n, d, hidden) }
            }
        }
        let steps = (0..<length).filter { set.present[best.n * length + $0] > 0 }
        let at = { (t: Int) in (best.n * length + t) * features + best.d }
        let days = steps.map { Double(set.times[best.n * length + $0]) }
        var figure = Figure(width: 640, height: 400)
        figure.title = title
        figure.panel { panel in
            panel.xLabel = entry.prepared.timeLabel
            let names = entry.prepared.featureNames
            let name = names.indices.contains(best.d) ? names[best.d] : "feature \(best.d + 1)"
            let logged = entry.prepared.data == .clinical && ClinicalSequences.Options().logFeatures.contains(name)
            panel.yLabel = name + (logged ? " (log, standardised)" : " (standardised)")
            for method in entry.prepared.data.methods {
                guard let cell = entry.cells[method]?.first else { continue }
                var band: Band? = nil
                if method == .gpVAE, !cell.previewSpread.isEmpty {
                    band = Band(center: steps.map { Double(cell.preview[at($0)]) },
                                halfWidth: steps.map { 2 * Double(cell.previewSpread[at($0)]) })
                }
                panel.line(x: days, y: steps.map { Double(cell.preview[at($0)]) }, label: method.paperName, band: band,
                           style: method == .gpVAE ? .solid : .dashed)
            }
            let observed = steps.filter { set.observed[at($0)] > 0 }, hidden = steps.filter { set.scored[at($0)] > 0 }
            panel.scatter(x: observed.map { Double(set.times[best.n * length + $0]) },
                          y: observed.map { Double(set.values[at($0)]) }, label: "observed", radius: 3.5)
            panel.scatter(x: hidden.map { Double(set.times[best.n * length + $0]) },
                          y: hidden.map { Double(set.values[at($0)]) }, label: "hidden (scored)", radius: 5)
            panel.legend = .outside
        }
        return figure
    }
}
