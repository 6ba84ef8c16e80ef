import Evaluation
import Experiment
import TabularBaselines
import TabularDiffusion

/// A data set of the chapter: the catalog name, the paper's code when the paper used the same data, and the
/// reference's tuned TabDDPM settings for it (or for the set it stands in for).
struct DatasetSpec: Codable, Equatable {
    var name: String
    /// The paper's `dataset_code` (AD, DI) when this is the paper's own data; nil for stand-ins and own CSVs.
    var paperCode: String?
    /// The paper's data set this one stands in for, if any (labelled in every table).
    var standsInFor: String?
    /// The reference's tuned config (exp/<set>/ddpm_cb_best/config.toml) for this set or the one it replaces.
    var paper: TabDDPMConfig
    /// Synthetic rows the reference samples, as a multiple of the training rows.
    var paperSampleMultiple: Double
    /// CTAB-GAN(+)'s mixed, general and integer columns from the reference's `CTAB-GAN-Plus/columns.json` for the
    /// paper's own sets; nil: `CTABGANColumns.inferred(from:)` on the training split.
    var ctabganColumns: CTABGANColumns? = nil

    static let catalog: [DatasetSpec] = [
        DatasetSpec(name: "adult", paperCode: "AD", standsInFor: nil,
                    paper: .init(timesteps: 100, widths: [256, 1024, 1024, 1024, 1024, 256], learningRate: 2.01e-3),
                    paperSampleMultiple: 216_000 / 26_048,
                    // The reference also lists education (a categorical, which stays one-hot) as general.
                    ctabganColumns: CTABGANColumns(mixed: [.init(name: "capital-gain", specialValues: [0]),
                                                           .init(name: "capital-loss", specialValues: [0])],
                                                   general: ["age", "fnlwgt"],
                                                   integer: ["age", "fnlwgt", "education-num", "hours-per-week"])),
        DatasetSpec(name: "diabetes", paperCode: "DI", standsInFor: nil,
                    paper: .init(timesteps: 1000, widths: [128, 512], learningRate: 1.15e-5),
                    paperSampleMultiple: 500.0 / 491,
                    ctabganColumns: CTABGANColumns(mixed: [.init(name: "triceps", specialValues: [0]),
                                                           .init(name: "insulin", specialValues: [0])],
                                                   integer: ["pregnant", "glucose", "pressure", "mass", "age"])),
        DatasetSpec(name: "telco-churn", paperCode: nil, standsInFor: "churn2",
                    paper: .init(timesteps: 100, widths: [512, 1024, 1024, 1024, 1024, 512], learningRate: 8.06e-4),
                    paperSampleMultiple: 26_000.0 / 6_400),
        DatasetSpec(name: "ames-housing", paperCode: nil, standsInFor: "house",
                    paper: .init(timesteps: 1000, widths: [128, 512, 512, 512, 512, 256], learningRate: 1.39e-3),
                    paperSampleMultiple: 116_000.0 / 14_581),
        DatasetSpec(name: "shuttle", paperCode: nil, standsInFor: "higgs-small",
                    paper: .init(timesteps: 1000, widths: [256, 1024, 1024, 1024, 1024, 512], learningRate: 1.05e-3),
                    paperSampleMultiple: 502_000.0 / 62_751),
    ]
}

/// The generators the chapter compares. `real` is the real training data itself (the "Real" row).
enum ModelKind: String, Codable, CaseIterable {
    case tabddpm, tvae, ctgan, ctabgan, ctabganPlus = "ctabgan-plus", smote, real

    /// The name in the paper's tables.
    var paperName: String {
        switch self {
        case .tabddpm: "TabDDPM"
        case .tvae: "TVAE"
        case .ctgan: "CTGAN"
        case .ctabgan: "CTABGAN"
        case .ctabganPlus: "CTABGAN+"
        case .smote: "SMOTE"
        case .real: "Real"
        }
    }
}

/// Everything a chapter run depends on, resolved from the profile (recorded with its hash in the manifest).
struct ChapterSettings: Codable {
    var profile: Profile
    var seed: UInt64
    var datasets: [DatasetSpec]
    var models: [ModelKind]
    /// Synthetic data sets drawn per trained model (paper: 5).
    var samples: Int
    /// Evaluator seeds per synthetic data set (paper: 10).
    var evaluatorSeeds: Int
    /// Random-search trials to tune the evaluator on real data (paper: 100 Optuna trials on 5 folds).
    var tuningTrials: Int
    /// Synthetic rows per sample as a multiple of the training rows; nil uses the reference's per-set multiple.
    var sampleMultiple: Double?
    /// Cap on synthetic rows per sample (nil: none).
    var maxSampleRows: Int?
    /// TabDDPM settings that replace the reference's per-set config in the cheaper profiles (nil: the paper's).
    var tabddpm: TabDDPMConfig?
    /// Steps and batch used with the reference's per-set configs.
    var tabddpmSteps: Int
    var tabddpmBatch: Int
    /// The baselines' budgets are optimizer steps (see `TVAEConfig.steps`), the same on every table.
    var tvae: TVAEConfig
    var ctgan: CTGANConfig
    var ctabgan: CTABGANConfig
    var ctabganPlus: CTABGANConfig
    var smote: SMOTESettings
    /// Configurations each generator tries on the validation split before its cell is scored: the same budget for
    /// every generator (1: the profile's configuration, untuned).
    var generatorTrials: Int
    /// The paper's profile gives CTAB-GAN(+) the reference's own trial count (35) instead of `generatorTrials`.
    var ctabganTrials: Int
    /// Re-train TabDDPM on the cheapest data set with categorical columns (batch × input width), each reference quirk switched, to show its effect.
    var ablations: Bool

    init(profile: Profile, seed: UInt64, datasets names: [String]?, models: [ModelKind]?) throws {
        self.profile = profile
        self.seed = seed
        let all = DatasetSpec.catalog
        let defaultNames: [String]
        switch profile {
        case .smoke: defaultNames = ["diabetes"]
        case .default: defaultNames = Self.defaultProfileDatasets
        case .paper: defaultNames = all.map(\.name)
        }
        datasets = try (names ?? defaultNames).map { name in
            guard let spec = all.first(where: { $0.name == name }) else {
                throw KitError.unknownValue(option: "--datasets", value: name, allowed: all.map(\.name))
            }
            return spec
        }
        self.models = models ?? ModelKind.allCases
        switch profile {
        case .smoke:
            samples = 1; evaluatorSeeds = 2; tuningTrials = 2; sampleMultiple = 1; maxSampleRows = 2_000
            tabddpm = TabDDPMConfig(timesteps: 50, widths: [128, 128], learningRate: 2e-3, steps: 300, batchSize: 256,
                                    logOneHotInput: false)
            tabddpmSteps = 300; tabddpmBatch = 256
            tvae = TVAEConfig(steps: 300); ctgan = CTGANConfig(steps: 300); smote = SMOTESettings()
            ctabgan = Self.cheapCTABGAN(.ctabgan, steps: 300, batch: 500)
            ctabganPlus = Self.cheapCTABGAN(.ctabganPlus, steps: 300, batch: 500)
            generatorTrials = 1; ctabganTrials = 1
            ablations = false
        case .default:
            samples = 3; evaluatorSeeds = 3; tuningTrials = 8; sampleMultiple = 1; maxSampleRows = 20_000
            tabddpm = TabDDPMConfig(timesteps: 100, widths: [256, 256, 256], learningRate: 2e-3, steps: 2_000, batchSize: 1_024,
                                    logOneHotInput: false)
            tabddpmSteps = 2_000; tabddpmBatch = 1_024
            tvae = TVAEConfig(steps: 2_000); ctgan = CTGANConfig(steps: 2_000); smote = SMOTESettings()
            ctabgan = Self.cheapCTABGAN(.ctabgan, steps: 600, batch: 256)
            ctabganPlus = Self.cheapCTABGAN(.ctabganPlus, steps: 600, batch: 256)
            generatorTrials = 3; ctabganTrials = 3
            ablations = true
        case .paper:
            samples = 5; evaluatorSeeds = 10; tuningTrials = 100; sampleMultiple = nil; maxSampleRows = nil
            tabddpm = nil
            tabddpmSteps = 30_000; tabddpmBatch = 4_096
            tvae = TVAEConfig(steps: 20_000, batchSize: 256); ctgan = CTGANConfig(steps: 10_000); smote = SMOTESettings()
            ctabgan = CTABGANConfig(variant: .ctabgan, steps: 10_000); ctabganPlus = CTABGANConfig(variant: .ctabganPlus, steps: 10_000)
            generatorTrials = 50; ctabganTrials = 35
            ablations = true
        }
    }

    /// The default profile's data sets: the two whose reference configurations (tuned TabDDPM, CTAB-GAN(+) column
    /// roles) exist, so every generator tuned on both fits in an hour on 2 cores; the other catalog sets take
    /// `--datasets` (about 2 hours more for the three at 2 threads, `chapter3 --plan` has each cell's cost).
    static let defaultProfileDatasets = ["adult", "diabetes"]

    /// The reference's networks narrowed for the cheaper profiles: 16 channels (tab-ddpm's tuned CTAB-GAN+ on
    /// diabetes uses 16; upstream's default is 64) and a [128, 128] classifier (default 4 × 256). Their steps cost
    /// 5–7× a CTGAN step on adult on this machine (`chapter3 --plan`: convolutions over padded row images, and
    /// CTAB-GAN+'s penalty takes three more critic passes), hence fewer steps and a smaller batch at the default profile.
    static func cheapCTABGAN(_ variant: CTABGANConfig.Variant, steps: Int, batch: Int) -> CTABGANConfig {
        CTABGANConfig(variant: variant, steps: steps, batchSize: batch, channels: 16, classifierSizes: [128, 128])
    }

    /// Configurations `model` tries on the validation split.
    func trials(for model: ModelKind) -> Int {
        model == .ctabgan || model == .ctabganPlus ? ctabganTrials : generatorTrials
    }

    /// The TabDDPM settings for one data set.
    func tabddpmConfig(for spec: DatasetSpec, trainRows: Int) -> TabDDPMConfig {
        if let tabddpm { return tabddpm }
        var config = spec.paper
        config.steps = tabddpmSteps
        config.batchSize = spec.name == "wilt" ? 256 : tabddpmBatch
        return config
    }

    /// Rows per synthetic sample for a training set of `trainRows`.
    func sampleRows(for spec: DatasetSpec, trainRows: Int) -> Int {
        let rows = Int((Double(trainRows) * (sampleMultiple ?? spec.paperSampleMultiple)).rounded())
        return max(1, min(rows, maxSampleRows ?? .max))
    }

    /// How this profile departs from the paper's protocol, one sentence each (shown beside the numbers).
    var deviations: [String] {
        var out: [String] = []
        if let tabddpm {
            out.append("TabDDPM: \(tabddpm.steps) steps (paper 30,000), batch \(tabddpm.batchSize) (paper 4,096), "
                + "T = \(tabddpm.timesteps) and MLP \(tabddpm.widths.map(String.init).joined(separator: "-")) "
                + "with learning rate \(tabddpm.learningRate) for every data set (paper: tuned per data set)")
            if !tabddpm.logOneHotInput {
                out.append("TabDDPM sees categories as plain one-hot vectors, not the reference's log one-hot: with this few "
                    + "steps the log one-hot input does not converge (measured on adult at 2,000 steps: macro-F1 0.43, a constant "
                    + "predictor's level, against 0.78 with one-hot); the quirk-ablation table re-runs the reference's choice")
            }
        }
        if profile == .default && datasets.map(\.name) == Self.defaultProfileDatasets {
            out.append("data sets: adult and diabetes, the two with the reference's tuned configurations, so the run fits in an "
                + "hour on 2 cores; telco-churn, ames-housing and shuttle run with --datasets (paper: 16 data sets in Table 4)")
        }
        if samples != 5 || evaluatorSeeds != 10 {
            out.append("\(samples) synthetic sample\(samples == 1 ? "" : "s") × \(evaluatorSeeds) evaluator seeds (paper 5 × 10)")
        }
        if let sampleMultiple {
            out.append("synthetic sets of \(sampleMultiple == 1 ? "the training set's size" : "\(sampleMultiple)× the training rows")"
                + (maxSampleRows.map { ", at most \($0) rows" } ?? "") + " (paper: tuned, 0.25–2× the training rows)")
        }
        out.append("TVAE: \(tvae.steps) optimizer steps at batch \(tvae.batchSize) on every table (tab-ddpm's TVAE: 20,000 steps at "
            + "batch 256 on diabetes, 30,000 at 4,096 on adult; sdv's default 300 epochs are 300·⌈rows/500⌉ steps)")
        out.append("CTGAN: \(ctgan.steps) generator steps at batch \(ctgan.batchSize) on every table (tab-ddpm never ran CTGAN; "
            + "sdv's default 300 epochs are 300·max(rows/500, 1) steps)")
        for config in [ctabgan, ctabganPlus] {
            out.append("\(config.variant == .ctabgan ? "CTAB-GAN" : "CTAB-GAN+"): \(config.steps) generator steps at batch "
                + "\(config.batchSize) (at most the training rows), \(config.channels) channels, classifier "
                + "\(config.classifierSizes.map(String.init).joined(separator: "-")) (tab-ddpm: 10,000 steps at a tuned batch of 512–2,048 "
                + "clamped to the training rows, i.e. full batches of 491 on diabetes and 2,048 on adult; upstream: 64 channels, "
                + "classifier 256-256-256-256)")
        }
        out.append("CTAB-GAN(+) column roles: the reference's columns.json for adult and diabetes (mixed columns with their zeros, "
            + "general columns, integer columns); on other tables a numeric column with ≥ 10 distinct values whose most common value "
            + "holds ≥ 10% of the rows is mixed with that value, whole-number columns are rounded, and none is general or logged")
        if generatorTrials > 1 {
            out.append("tuning: each generator (TabDDPM, TVAE, CTGAN, CTAB-GAN, CTAB-GAN+, SMOTE) tries \(generatorTrials) configurations"
                + (ctabganTrials == generatorTrials ? "" : " (CTAB-GAN and CTAB-GAN+: \(ctabganTrials))") + " (its profile "
                + "configuration and random draws from its search space, same step budget) and keeps the one "
                + "whose synthetic set scores best on the real validation split (paper: Optuna, 50 trials for TabDDPM and TVAE, "
                + "35 for CTAB-GAN(+), on a re-split of train ∪ validation)")
        } else {
            out.append("tuning: none at this profile; every generator runs its profile configuration (paper: Optuna on the validation score)")
        }
        out.append("evaluator: the kit's CatBoost-style gradient boosting, tuned by \(tuningTrials) random-search trials "
            + "on the real validation split (paper: CatBoost, 100 Optuna trials on 5 folds)")
        out.append("splits: our own seeded 70/15/15 stratified split (the paper's fixed splits are in a Dropbox archive); "
            + "adult: UCI's separate test file is not in the package, so its test rows come from the training file")
        return out
    }
}
