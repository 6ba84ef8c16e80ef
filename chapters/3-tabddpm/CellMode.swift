import Experiment
import Foundation

extension ChapterCells {
    /// `--plan`: the cells on standard output, with measured costs unless only the ids are asked for (a job
    /// script reads those, and must not train anything on a cluster's login node).
    func printPlan(format: PlanFormat, chapter: String, threads: Int) throws {
        let estimator = CellCostEstimator(cells: self, threads: threads)
        let planned = try all.map { cell in
            CellPlan.Cell(id: cell.id, estimatedSeconds: format == .ids ? nil : try estimator.seconds(cell))
        }
        let plan = CellPlan(chapter: chapter, profile: settings.profile, seed: settings.seed, threads: threads,
                            estimate: format == .ids ? "" : CellCostEstimator.method(threads: threads), cells: planned)
        print(try plan.text(format), terminator: "")
    }

    /// `--cell ID`: computes one cell into the cache; writes nothing else.
    func runCell(_ id: String) throws {
        let cell = try cell(id)
        let clock = ContinuousClock()
        let started = clock.now
        printToStandardError("▶ cell \(id)\n")
        try run(cell)
        let elapsed = Experiment.seconds(clock.now - started)
        printToStandardError("✓ cell \(id) in \(String(format: "%.1f", elapsed)) s, stored in \(cache.directory.path)\n")
    }
}
