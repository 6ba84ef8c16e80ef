import Evaluation
import Experiment

extension ChapterTables {
    /// Per data set, the numbers beside its Figure 7 and 8 analogues: every column's distance to the real data for
    /// each generator, under the two means the fidelity table summarises.
    func writeFeatureDistances() throws {
        for entry in results {
            let models = orderedModels.filter { $0 != .real && entry.cells[$0] != nil }
            var table = ResultTable(
                id: ChapterFigures.id("feature-distances", entry.data.spec),
                caption: "Fidelity on \(entry.data.label), first synthetic sample (up to 5,000 rows) against the real "
                    + "training rows: per column, Wasserstein-1 on the real column's min-max scale (numeric) or total "
                    + "variation (categorical); first the mean over columns and the mean |association difference| over "
                    + "pairs of columns (the Figure 8 analogue's panel titles). Lower is closer. # numbers the columns "
                    + "as the association maps do when they are too many to name.",
                columns: [.init("#", alignment: .right), .init("Column"), .init("Measure")]
                    + models.map { ResultTable.Column($0.paperName, alignment: .right) })
            let fidelities = models.map { fidelity(entry, $0)! }
            func row(_ number: String, _ name: String, _ measure: String, _ value: (Fidelity) -> Double) {
                let head: [ResultTable.Cell] = [number.isEmpty ? .missing : .text(number), .text(name), .text(measure)]
                table.append(head + fidelities.map { ResultTable.Cell.value(Summary(mean: value($0))) })
            }
            row("", "mean over columns", "", \.meanColumnDistance)
            row("", "mean over pairs of columns", "|Δ association|", \.meanAssociationDifference)
            for column in FrameColumn.all(entry.realPreview) {
                row(String(column.index + 1), column.name + (column.isTarget ? " (target)" : ""),
                    column.isNumeric ? "Wasserstein-1" : "total variation", { $0.columnDistances[column.index] })
            }
            try run.write(table)
        }
    }
}
