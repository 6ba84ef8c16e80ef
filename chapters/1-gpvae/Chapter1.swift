import ArgumentParser
import Datasets
import Experiment
import Foundation
import Tensor

/// `make chapter1`: GP-VAE against the paper's imputation baselines on real sequences with gaps — Healing MNIST
/// rebuilt from real digits (Table 1) and PBC's sequential labs standing in for PhysioNet 2012 (Table 2).
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

    @Option(help: "Data sets to run (comma-separated): hmnist, clinical.", transform: OptionValue.list(of: SequenceData.self))
    var datasets: [SequenceData]?

    func run() throws {
        Threading.setThreadCount(options.threads)
        let settings = ChapterSettings(profile: options.profile, seed: options.seed, datasets: datasets)
        let codeVersion = try CodeVersion.digest(chapterFolder: "1-gpvae")
        let run = try ExperimentRun(
            chapter: "1-gpvae", profile: options.profile, config: settings,
            seeds: ["train": Seeds.derive(base: options.seed, purpose: .train, count: max(settings.seeds, settings.clinicalSeeds))],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount), root: options.rootURL,
            codeVersion: codeVersion)
        for deviation in settings.deviations { run.recordDeviation(deviation) }

        let prepared = try run.step("data") { try settings.datasets.map { try prepare($0, settings: settings, run: run) } }
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
        try run.step("tables") { try ChapterTables(settings: settings, results: results, run: run).write() }
        try run.step("figures") { try ChapterFigures(results: results, run: run).write() }
        try run.finish()
    }

    /// Builds one data set's sequences from its catalog files, recorded as inputs of the run.
    func prepare(_ data: SequenceData, settings: ChapterSettings, run: ExperimentRun) throws -> PreparedSequences {
        let catalog = try DataCatalog(root: run.root)
        switch data {
        case .hmnist:
            let digits = try DigitImages.load(from: catalog)
            let hash = try run.recordCatalogInputs(named: data.catalogName, in: catalog)
            let test = Double(settings.hmnistTest) / Double(digits.count)
            let (sets, _) = try HealingMNIST.make(from: digits, validation: 0, test: test,
                                                  options: .init(seed: settings.seed))
            return PreparedSequences(data: data, train: sets.train.shuffled(seed: settings.seed).head(settings.hmnistTrain),
                                     evaluation: sets.test.shuffled(seed: settings.seed).head(settings.hmnistTest),
                                     inputHash: hash)
        case .clinical:
            let options = ClinicalSequences.Options(seed: settings.seed)
            let records = try PatientRecords.load(from: catalog, features: options.features)
            let hash = try run.recordCatalogInputs(named: data.catalogName, in: catalog)
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
