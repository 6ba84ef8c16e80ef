import Artifacts
import Datasets
import Experiment
import Foundation
import Report

/// `reports/own/<table>.html`: what a practitioner opens after `chapter3 --csv` — the schema the run used, machine-
/// learning efficiency, privacy, fidelity with its figures, and the run's provenance, in one self-contained file.
/// It is rendered from the published run's artifacts on disk, after the run has finished.
struct OwnTablePage {
    let own: OwnTable
    let settings: ChapterSettings
    /// The figures this run wrote, in the order the page shows them.
    let figures: [String]

    /// Writes the page and returns its path.
    func write(root: URL, chapter: String) throws -> URL {
        try StandalonePage(title: "Synthetic data for \(own.spec.name)", chapter: chapter, sections: sections)
            .write(root: root, fileName: own.spec.name)
    }

    var sections: [StandalonePage.Section] {
        let schema = own.table.schema
        let models = settings.models.map(\.paperName).joined(separator: ", ")
        return [
            .paragraph("\(own.table.file): \(own.table.rowCount) rows, split 70/15/15 into training, validation and test rows. "
                + "Models: \(models). Profile \(settings.profile.rawValue), seed \(settings.seed)."),
            .heading("Schema"),
            .paragraph(own.schemaFile.map { "From \($0)." }
                ?? "Inferred from the file: pass --schema FILE (or --target COLUMN) to override."),
            .table(header: ["Column", "Kind", "Role", "Values"], rows: schema.columns.map { column in
                let role = column.name == schema.target ? "target (\(schema.task?.rawValue ?? "?"))" : "feature"
                return [column.name, column.kind.rawValue, role, Self.values(of: own.table.column(column.name))]
            }),
            .heading("Machine-learning efficiency"),
            .runTable(id: "ml-efficiency"),
            .heading("Privacy"),
            .runTable(id: "dcr"),
            .heading("Fidelity"),
            .runTable(id: "fidelity"),
            .runTable(id: ChapterFigures.id("feature-distances", own.spec)),
        ] + figures.map { .figure(id: $0) } + [
            .heading("Time"),
            .runTable(id: "timings"),
            .heading("Provenance"),
            .provenance,
        ]
    }

    /// The range of a numeric column; the levels of a categorical one, most frequent first (at most 12 named).
    static func values(of column: TableColumn?) -> String {
        switch column {
        case .numeric(let values)?:
            guard let low = values.min(), let high = values.max() else { return "" }
            return low == high ? "constant \(formatNumber(low))" : "\(formatNumber(low)) to \(formatNumber(high))"
        case .categorical(let values)?, .time(let values)?:
            let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
            let levels = counts.keys.sorted { (counts[$0]!, $1) > (counts[$1]!, $0) }
            let named = levels.prefix(12).joined(separator: ", ")
            return "\(levels.count) level\(levels.count == 1 ? "" : "s"): " + named
                + (levels.count > 12 ? ", … (\(levels.count - 12) more)" : "")
        case nil:
            return ""
        }
    }

    static func formatNumber(_ x: Double) -> String {
        x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : String(format: "%.6g", x)
    }
}
