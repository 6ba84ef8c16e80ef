import ArgumentParser
import Artifacts
import Datasets
import Experiment
import Foundation
import Tensor

/// `make chapter1`: GP-VAE against the paper's imputation baselines on real sequences with gaps — Healing MNIST
/// rebuilt from real digits and sprite sequences composed from Flare's art (Table 1), and PBC's sequential labs
/// standing in for PhysioNet 2012 (Table 2).
///
/// Steps, in order: `data` (build and check the sequences), `cells` (train and score each method on each data
/// set, every cell cached), `tables` (Tables 1 and 2 analogues, audit numbers, verdicts on C1.1–C1.6), `figures`
/// (the Figure 2 analogue: sequences, their gaps, each method's imputation and GP-VAE's uncertainty).
@main
struct Chapter1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter1",
        abstract: "GP-VAE and its baselines imputing real sequences with gaps; the paper's NLL, MSE and AUROC.")

    @OptionGroup var options: ChapterOptions

    @Option(help: "Data sets to run (comma-separated): hmnist, sprites, clinical.", transform: OptionValue.list(of: SequenceData.self))
    var datasets: [SequenceData]?

    @Option(help: "Your own series (runs instead of the catalog's data sets): a long-format CSV with a header row, one row per series and time, one column per feature, empty cells missing.")
    var csv: String?

    @Option(help: "The series id column of --csv (default: id).")
    var idColumn: String?

    @Option(help: "The time column of --csv (default: time); a series' rows are taken in time order, evenly spaced.")
    var timeColumn: String?

    @Option(help: "Fraction of each feature's observed values in --csv hidden from every method and scored (default: 0.1).",
            transform: { text in
                guard let value = Double(text), value > 0, value < 1 else { throw OptionValueError("a fraction between 0 and 1") }
                return value
            })
    var hide: Double?

    @Option(help: ArgumentHelp("Write the clinical series and the run's BRITS/GP-VAE settings to this folder for "
        + "scripts/verify_imputers.py, then stop (make verify-imputers).", valueName: "folder"))
    var exportSeries: String?

    @Option(help: ArgumentHelp("Set PyPOTS's BRITS and GP-VAE scores from this file (scripts/verify_imputers.py's output) "
        + "beside the kit's in reports/imputers-check.md, then stop (make verify-imputers).", valueName: "file"))
    var comparePypots: String?

    func validate() throws {
        if exportSeries != nil || comparePypots != nil {
            guard csv == nil, datasets == nil || datasets == [.clinical] else {
                throw ValidationError("--export-series and --compare-pypots work on the clinical series only (no --csv; --datasets clinical or none)")
            }
            guard exportSeries == nil || comparePypots == nil else {
                throw ValidationError("--export-series and --compare-pypots are two steps: give one at a time")
            }
            if exportSeries?.isEmpty == true { throw ValidationError("--export-series: give a directory, got an empty path") }
            if comparePypots?.isEmpty == true { throw ValidationError("--compare-pypots: give a file, got an empty path") }
        }
        if csv == nil, idColumn != nil || timeColumn != nil || hide != nil {
            throw ValidationError("--id-column, --time-column and --hide need --csv")
        }
        if csv != nil, datasets != nil { throw ValidationError("--csv and --datasets cannot be combined") }
    }

    func run() throws {
        Threading.setThreadCount(options.threads)
        // A practitioner's file is read and checked before anything is written.
        let own = try csv.map { try OwnSeries(path: $0, idColumn: idColumn ?? "id", timeColumn: timeColumn ?? "time",
                                              hide: hide ?? 0.1, seed: options.seed) }
        let pypots = try comparePypots.map { try ImputerCheck.loadScores(URL(fileURLWithPath: $0)) }
        let checking = exportSeries != nil || pypots != nil
        let settings = ChapterSettings(profile: options.profile, seed: options.seed,
                                       datasets: own == nil ? (checking ? [.clinical] : datasets) : [.own],
                                       hiddenFraction: own?.hide)
        let codeVersion = try CodeVersion.digest(chapterFolder: "1-gpvae")
        let chapter = own == nil ? "1-gpvae" : "1-gpvae-own"
        let run = try ExperimentRun(
            chapter: chapter, profile: options.profile, config: settings,
            seeds: ["train": Seeds.derive(base: options.seed, purpose: .train, count: max(settings.seeds, settings.clinicalSeeds))],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount, gemm: Threading.gemmName), root: options.rootURL,
            codeVersion: codeVersion)
        for deviation in settings.deviations { run.recordDeviation(deviation) }

        let prepared = try run.step("data") {
            if let own { return [try own.prepared(run: run)] }
            return try settings.datasets.map { try prepare($0, settings: settings, run: run) }
        }
        if let exportSeries {
            try ImputerCheck.exportSeries(prepared[0], settings: settings, to: URL(fileURLWithPath: exportSeries))
            printToStandardError("chapter1: wrote the clinical series to \(exportSeries)\n")
            return
        }
        if let pypots {
            let runner = SequenceRunner(prepared: prepared[0], settings: settings, run: run, codeVersion: codeVersion)
            var ours: [Method: [CellResult]] = [:]
            for method in ImputerCheck.methods {
                ours[method] = try settings.trainingSeeds(for: .clinical).map { try runner.cell(method, seed: $0) }
            }
            let table = ImputerCheck.compare(ours: ours, theirs: pypots, settings: settings)
            let out = options.rootURL.appendingPathComponent("reports/imputers-check.md")
            try AtomicFile.write(Data(table.utf8), to: out)
            print(table, terminator: "")
            printToStandardError("chapter1: wrote \(out.path)\n")
            return
        }
        var results: [SequenceResults] = []
        try run.step("cells") {
            for data in prepared {
                let runner = SequenceRunner(prepared: data, settings: settings, run: run, codeVersion: codeVersion)
                var cells: [Method: [CellResult]] = [:]
                for method in data.data.methods {
                    let seeds = method.isLearned ? settings.trainingSeeds(for: data.data) : [settings.seed]
                    cells[method] = try seeds.map { try runner.cell(method, seed: $0) }
                }
                results.append(SequenceResults(prepared: data, cells: cells))
            }
        }
        let tables = ChapterTables(settings: settings, results: results, run: run)
        try run.step("tables") {
            if let own { try own.write(results[0], tables: tables) } else { try tables.write() }
        }
        try run.step("figures") { try ChapterFigures(results: results, settings: settings, run: run).write() }
        try run.finish()
        if let own {
            let page = try own.page(settings: settings, root: options.rootURL, chapter: chapter)
            printToStandardError("chapter1: wrote \(own.outputPath(root: options.rootURL).path); open \(page.path)\n")
        }
    }

    /// Builds one data set's sequences from its catalog files, recorded as inputs of the run.
    func prepare(_ data: SequenceData, settings: ChapterSettings, run: ExperimentRun) throws -> PreparedSequences {
        let catalog = try DataCatalog(root: run.root)
        let hash = SHA256Hex.digest(of: try data.catalogNames.map { try run.recordCatalogInputs(named: $0, in: catalog) }
            .joined(separator: "\n"))
        switch data {
        case .hmnist:
            let digits = try DigitImages.load(from: catalog)
            let test = Double(settings.hmnistTest) / Double(digits.count)
            let (sets, _) = try HealingMNIST.make(from: digits, validation: 0, test: test,
                                                  options: .init(seed: settings.seed))
            return PreparedSequences(data: data, train: sets.train.shuffled(seed: settings.seed).head(settings.hmnistTrain),
                                     evaluation: sets.test.shuffled(seed: settings.seed).head(settings.hmnistTest),
                                     inputHash: hash)
        case .sprites:
            // Sequence i depends only on the seed and i: the evaluation sequences start at index 1,000,000, so
            // no size of either set makes them overlap.
            let composer = SpriteComposer(sheets: try AvatarSheets.load(from: catalog))
            let options = SpriteSequences.Options(seed: settings.seed)
            return PreparedSequences(
                data: data, train: SpriteSequences(composer: composer, indices: Array(0..<settings.spritesTrain), options: options).set,
                evaluation: SpriteSequences(composer: composer, indices: Array(1_000_000..<(1_000_000 + settings.spritesTest)),
                                            options: options).set,
                inputHash: hash)
        case .own:
            preconditionFailure("a practitioner's series are prepared by OwnSeries")
        case .clinical:
            let options = ClinicalSequences.Options(seed: settings.seed)
            let records = try PatientRecords.load(from: catalog, features: options.features)
            let clinical = try ClinicalSequences(records: records, options: options)
            let train = clinical.sets.train.shuffled(seed: settings.seed)
            return PreparedSequences(data: data, train: train, evaluation: train, inputHash: hash,
                                     featureNames: options.features)
        }
    }
}

/// Everything one data set produced: every method's cells, one per training seed.
struct SequenceResults {
    var prepared: PreparedSequences
    var cells: [Method: [CellResult]]
}

extension SequenceData: ExpressibleByArgument {}
