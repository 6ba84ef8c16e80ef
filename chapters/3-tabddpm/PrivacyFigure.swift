import Experiment
import Figures

/// Table 5 gives one number per model, the median DCR; this shows the whole distribution it comes from, so near-
/// copies (the left tail) and the level of fresh records are visible.
extension ChapterFigures {
    /// One panel per data set: the cumulative distribution of each generator's DCRs (first synthetic sample) and,
    /// dashed, of the real test rows' distances to the training rows, records no generator saw.
    func dcrDistributions() throws -> String? {
        let entries = results.filter { entry in Self.generators.contains { !(entry.cells[$0]?.dcrQuantiles.isEmpty ?? true) } }
        guard !entries.isEmpty else { return nil }
        let perRow = min(entries.count, 3)
        var figure = Figure(width: 1000, height: 330 * Double((entries.count + perRow - 1) / perRow), columns: perRow)
        figure.title = "Distance from each synthetic row to its closest real training row"
        let levels = (0...200).map { Double($0) / 200 }
        for entry in entries {
            let curves = (Self.generators + [ModelKind.real]).compactMap { model -> (ModelKind, [Double])? in
                guard let q = entry.cells[model]?.dcrQuantiles, !q.isEmpty else { return nil }
                return (model, q)
            }
            // The 99th percentiles fix the axis, so one generator's far outliers do not squeeze the others.
            let right = curves.map { $0.1[198] }.max() ?? 1
            figure.panel { panel in
                panel.title = entry.data.label
                panel.xLabel = "DCR"
                panel.yLabel = "fraction of rows"
                panel.xRange = 0...(right > 0 ? right * 1.05 : 1)
                panel.yRange = 0...1
                for (model, q) in curves {
                    if model == .real {
                        panel.line(x: q, y: levels, label: "Real test rows", style: .dashed, color: Self.color(.real))
                    } else {
                        panel.line(x: q, y: levels, label: model.paperName, color: Self.color(model))
                    }
                }
                panel.referenceLine(y: 0.5, label: "median")
            }
        }
        let id = "dcr-distribution"
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "Cumulative distribution of the distance to the closest real training record (DCR, as in "
                            + "the dcr table) of each generator's first synthetic sample; where a curve crosses ½ is the median "
                            + "the table reports. Dashed: the real test rows' distances to the training rows, the level of "
                            + "records the generators never saw. A curve far left of it holds near-copies of training rows.")
        return id
    }
}
