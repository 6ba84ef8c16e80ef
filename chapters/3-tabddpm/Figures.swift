import Datasets
import Evaluation
import Experiment
import Figures
import Foundation

/// The chapter's figures: per data set the Figure 7 analogue (per-column distributions, real vs each generator) and
/// the Figure 8 analogue (|association real − synthetic| per generator); the DCR distributions; the loss curves.
struct ChapterFigures {
    let results: [DatasetResults]
    let run: ExperimentRun

    static let generators: [ModelKind] = [.tabddpm, .tvae, .ctgan, .ctabgan, .ctabganPlus, .smote]

    /// Writes the figures and returns the ids of those written (each is skipped when it would be empty).
    @discardableResult
    func write() throws -> [String] {
        let fidelity = try results.flatMap { entry in [try featureDistributions(entry), try correlationDifferences(entry)] }
        return (fidelity + [try dcrDistributions(), try lossCurves(), try trainingCurves()]).compactMap { $0 }
    }

    /// 30 equal bins over lo…hi; one bin around the value when the column is constant (or its range too narrow
    /// for 30 distinct edges), since bins of zero width cannot be drawn.
    static func histogramEdges(_ lo: Double, _ hi: Double) -> [Double] {
        let edges = (0...30).map { lo + (hi - lo) * Double($0) / 30 }
        if zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) { return edges }
        let pad = max(0.5, abs(lo) * 0.1)
        return [lo - pad, hi + pad]
    }

    /// One panel per trained generator, one line per data set: the curve its cell kept (window means).
    func trainingCurves() throws -> String? {
        let models = [ModelKind.tabddpm, .tvae, .ctgan, .ctabgan, .ctabganPlus].filter { model in
            results.contains { !($0.cells[model]?.curve.losses.isEmpty ?? true) }
        }
        guard !models.isEmpty else { return nil }
        var figure = Figure(width: 900, height: 300, columns: models.count)
        figure.title = "Training loss of each generator"
        for model in models {
            figure.panel { panel in
                panel.title = model.paperName
                panel.xLabel = "step"
                for entry in results {
                    guard let curve = entry.cells[model]?.curve, !curve.losses.isEmpty else { continue }
                    panel.line(x: curve.steps.map(Double.init), y: curve.losses, label: entry.data.spec.name)
                }
            }
        }
        let id = "training-curves"
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "The training loss of the configuration each cell kept (mean over windows of 1% of its steps; "
                            + "CTGAN's is the generator's loss): a generator whose curve stays flat did not train.")
        return id
    }

    func lossCurves() throws -> String? {
        let curves = results.compactMap { entry in entry.cells[.tabddpm].map { (entry.data.spec.name, $0.losses) } }
            .filter { !$0.1.isEmpty }
        guard !curves.isEmpty else { return nil }
        let gaussian = curves.filter { $0.1.contains { $0.gaussian > 0 } }
        let multinomial = curves.filter { $0.1.contains { $0.multinomial > 0 } }
        var figure = Figure(width: 900, height: 300, columns: (gaussian.isEmpty || multinomial.isEmpty) ? 1 : 2)
        figure.title = "TabDDPM training loss"
        if !gaussian.isEmpty {
            figure.panel { panel in
                panel.title = "Gaussian part (ε-prediction MSE)"
                panel.xLabel = "step"
                for (name, losses) in gaussian { panel.line(x: losses.map { Double($0.step) }, y: losses.map(\.gaussian), label: name) }
            }
        }
        if !multinomial.isEmpty {
            figure.panel { panel in
                panel.title = "Multinomial part (KL / number of categorical columns)"
                panel.xLabel = "step"
                panel.yScale = .log
                for (name, losses) in multinomial {
                    panel.line(x: losses.map { Double($0.step) }, y: losses.map { max($0.multinomial, 1e-6) }, label: name)
                }
            }
        }
        let id = "tabddpm-loss"
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "TabDDPM's two loss terms during training on each data set (recorded every 1% of the steps).")
        return id
    }
}
