import Datasets
import Experiment
import Figures
import Foundation

/// The Figure 2 analogues: a Healing MNIST sequence with its gaps, each method's imputation and GP-VAE's
/// uncertainty; and one patient's lab values over time with the same.
struct ChapterFigures {
    let results: [SequenceResults]
    let run: ExperimentRun

    func write() throws {
        for entry in results {
            switch entry.prepared.data {
            case .hmnist:
                try digits(entry).write(to: run.figuresDirectory, id: "imputations", caption: "A rebuilt Healing MNIST "
                    + "sequence (the first evaluation sequence): the truth, what the models see (missing pixels grey), each "
                    + "method's imputation (observed pixels kept), and GP-VAE's spread over posterior samples (white = largest).")
            case .clinical:
                try patient(entry).write(to: run.figuresDirectory, id: "clinical-imputations", caption: "One patient's "
                    + "standardised lab value over two years of visits: observed values, the values hidden from every method, "
                    + "each method's imputation, and GP-VAE's ± 2 standard deviation band over posterior samples.")
            }
        }
    }

    func digits(_ entry: SequenceResults) throws -> Figure {
        let set = entry.prepared.evaluation
        let side = Int(Double(set.features).squareRoot())
        let frameSize = set.features, sequence = set.length * frameSize
        func row(_ pixels: [Float]) throws -> Raster {
            try Raster.grid((0..<set.length).map { t in
                Raster(gray: Array(pixels[(t * frameSize)..<((t + 1) * frameSize)]), width: side, height: side)
            }, columns: set.length)
        }
        let truth = Array(set.values[0..<sequence])
        let seen = (0..<sequence).map { set.observed[$0] > 0 ? set.values[$0] : 0.5 }
        var rows: [(String, [Float])] = [("truth", truth), ("what the models see", seen)]
        for method in entry.prepared.data.methods {
            guard let cell = entry.cells[method]?.first else { continue }
            rows.append((method.paperName, Array(cell.preview[0..<sequence])))
        }
        if let spread = entry.cells[.gpVAE]?.first?.previewSpread, !spread.isEmpty {
            let top = Swift.max(spread[0..<sequence].max() ?? 0, 1e-6)
            rows.append(("GP-VAE spread", spread[0..<sequence].map { $0 / top }))
        }
        var figure = Figure(width: 640, height: 68 * Double(rows.count) + 40, columns: 1)
        figure.title = "Imputing a rebuilt Healing MNIST sequence"
        for (title, pixels) in rows {
            let raster = try row(pixels)
            figure.panel { panel in
                panel.title = title
                panel.image(raster)
            }
        }
        return figure
    }

    func patient(_ entry: SequenceResults) throws -> Figure {
        let set = entry.prepared.evaluation
        let (length, features) = (set.length, set.features)
        // The patient and feature among the previewed ones with the most values hidden for scoring.
        var best = (n: 0, d: 0, hidden: -1)
        for n in 0..<Swift.min(CellResult.previewCount, set.count) {
            for d in 0..<features {
                let hidden = (0..<length).filter { set.scored[(n * length + $0) * features + d] > 0 }.count
                if hidden > best.hidden { best = (n, d, hidden) }
            }
        }
        let steps = (0..<length).filter { set.present[best.n * length + $0] > 0 }
        let at = { (t: Int) in (best.n * length + t) * features + best.d }
        let days = steps.map { Double(set.times[best.n * length + $0]) }
        var figure = Figure(width: 640, height: 400)
        figure.title = "Imputing one patient's series (pbcseq stand-in)"
        figure.panel { panel in
            panel.xLabel = "days since the first visit"
            let names = entry.prepared.featureNames
            let name = names.indices.contains(best.d) ? names[best.d] : "feature \(best.d + 1)"
            let logged = ClinicalSequences.Options().logFeatures.contains(name)
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
