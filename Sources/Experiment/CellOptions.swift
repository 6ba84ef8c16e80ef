import ArgumentParser

/// The options of a chapter program whose run splits into independent cells (one trained model on one data set, a
/// tuned evaluator, …), so that a job array on a cluster, or `make -j`, can run the cells as separate processes
/// and a last plain run only assembles the tables: `@OptionGroup var cells: CellOptions`.
///
/// Every cell stores its result in the chapter's content-hash cache, which the plain run reads; how the cells were
/// scheduled (order, concurrency, node, threads) cannot change a result.
public struct CellOptions: ParsableArguments {
    @Flag(help: "Print the run's cells (id and estimated cost) instead of running it.")
    public var plan = false

    @Option(help: "How --plan prints: text (a table with costs), json (with costs), ids (one id per line, nothing measured; for job arrays).")
    public var planFormat: PlanFormat?

    @Option(help: "Run only the cell with this id (see --plan) and store its result in the cache; write no tables.")
    public var cell: String?

    @Flag(help: "Assemble tables and figures from cached cells only: stop, naming the cells not yet cached, instead of running them.")
    public var cachedOnly = false

    public init() {}

    public func validate() throws {
        if plan, cell != nil { throw ValidationError("--plan and --cell cannot be combined: --plan lists the cells, --cell runs one") }
        if planFormat != nil, !plan { throw ValidationError("--plan-format needs --plan") }
        if cachedOnly, plan || cell != nil {
            throw ValidationError("--cached-only assembles a whole run; it cannot be combined with \(plan ? "--plan" : "--cell")")
        }
    }

    /// The cell option given (`--plan`, `--cell` or `--cached-only`), for a chapter's checks of options that conflict with it.
    public var modeName: String? {
        plan ? "--plan" : cell != nil ? "--cell" : cachedOnly ? "--cached-only" : nil
    }
}

/// How `--plan` prints the cells.
public enum PlanFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case text, json, ids
}
