import Datasets
import Evaluation
import Experiment
import Figures
import Foundation

/// The chapter's figures: the Figure 7 analogue (per-feature distributions, real vs each generator), the Figure 8
/// analogue (|association real − synthetic| per generator) and TabDDPM's loss curves.
struct ChapterFigures {
    let results: [DatasetResults]
    let run: ExperimentRun

    static let generators: [ModelKind] = [.tabddpm, .tvae, .ctgan, .ctabganPlus, .smote]

    /// Writes the figures and returns the ids of those written (each is skipped when it would be empty).
    @discardableResult
    func write() throws -> [String] {
        // The first data set with both kinds of column shows the most; else the first.
        guard let entry = results.first(where: { !$0.data.train.categoricalNames.isEmpty && !$0.data.train.numericNames.isEmpty })
            ?? results.first else { return [] }
        return [try featureDistributions(entry), try correlationDifferences(entry), try lossCurves(), try trainingCurves()]
            .compactMap { $0 }
    }

    func featureDistributions(_ entry: DatasetResults) throws -> String? {
        let reference = entry.realPreview
        let models = Self.generators.filter { entry.cells[$0] != nil }
        let numeric = Array(reference.numericNames.indices.prefix(4))
        let categorical = Array(reference.categoricalNames.indices.prefix(2))
        let panels = numeric.count + categorical.count
        guard panels > 0 else { return nil }
        var figure = Figure(width: 900, height: 260 * Double((panels + 2) / 3), columns: 3)
        figure.title = "Per-feature distributions on \(entry.data.label): real training rows vs each generator"
        for f in numeric {
            let values = reference.numeric[f]
            let lo = values.min() ?? 0, hi = values.max() ?? 1
            let edges = Self.histogramEdges(lo, hi)
            figure.panel { panel in
                panel.title = reference.numericNames[f] + (lo == hi ? " (constant in the real rows)" : "")
                panel.yLabel = "density"
                panel.histogram(values, bins: .edges(edges), label: "Real", density: true)
                for model in models {
                    let sample = entry.cells[model]!.preview.numeric[f].map { min(max($0, edges.first!), edges.last!) }
                    panel.histogram(sample, bins: .edges(edges), label: model.paperName, density: true)
                }
            }
        }
        for f in categorical {
            let levels = reference.levels[f]
            let top = frequencies(reference.categorical[f], count: levels.count).enumerated()
                .sorted { $0.element > $1.element }.prefix(8).map(\.offset)
            figure.panel { panel in
                panel.title = reference.categoricalNames[f] + (levels.count > 8 ? " (8 most frequent)" : "")
                panel.yLabel = "frequency"
                let names = top.map { levels[$0] }  // the figure cuts long names to fit; the sidecar keeps them whole
                let realFrequencies = frequencies(reference.categorical[f], count: levels.count)
                panel.bars(categories: names, values: top.map { realFrequencies[$0] }, label: "Real")
                for model in models {
                    let freq = frequencies(entry.cells[model]!.preview.categorical[f], count: levels.count)
                    panel.bars(categories: names, values: top.map { freq[$0] }, label: model.paperName)
                }
            }
        }
        let id = "feature-distributions"
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "Per-feature distributions of real training rows and of each generator's first synthetic "
                            + "sample (up to 5,000 rows) on \(entry.data.label): the analogue of the paper's Figure 7.")
        return id
    }

    /// 30 equal bins over lo…hi; one bin around the value when the column is constant (or its range too narrow
    /// for 30 distinct edges), since bins of zero width cannot be drawn.
    static func histogramEdges(_ lo: Double, _ hi: Double) -> [Double] {
        let edges = (0...30).map { lo + (hi - lo) * Double($0) / 30 }
        if zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) { return edges }
        let pad = max(0.5, abs(lo) * 0.1)
        return [lo - pad, hi + pad]
    }

    func frequencies(_ codes: [Int], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        for c in codes { out[c] += 1 }
        return out.map { $0 / Double(max(codes.count, 1)) }
    }

    func correlationDifferences(_ entry: DatasetResults) throws -> String? {
        let reference = Associations.matrix(entry.realPreview)
        let models = Self.generators.filter { entry.cells[$0] != nil }
        guard !models.isEmpty else { return nil }
        var figure = Figure(width: 1000, height: 520, columns: min(models.count, 4))
        figure.title = "|association(real) − association(synthetic)| on \(entry.data.label)"
        for model in models {
            let synthetic = Associations.matrix(entry.cells[model]!.preview)
            let difference = reference.values.indices.map { i in
                reference.values.indices.map { j in abs(reference.values[i][j] - synthetic.values[i][j]) }
            }
            let mean = difference.indices.flatMap { i in difference.indices.filter { $0 != i }.map { difference[i][$0] } }
            figure.panel { panel in
                panel.title = "\(model.paperName): mean \(formatFixed(Statistics.mean(mean), decimals: 3))"
                panel.matrix(difference, rowLabels: reference.names.map { String($0.prefix(10)) },
                             columnLabels: reference.names.map { String($0.prefix(10)) }, colormap: .sequential,
                             valueRange: 0...1)
            }
        }
        let id = "correlation-difference"
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "Absolute difference between the pairwise association matrices (Pearson, correlation ratio, "
                            + "Cramér's V; target included) of the real training rows and of each generator's sample on "
                            + "\(entry.data.label): the analogue of the paper's Figure 8. Darker is further from the data.")
        return id
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
