import DiffusionFeatures
import Experiment

/// The chapter's two image domains, so that no conclusion rests on one.
enum Domain: String, Codable, CaseIterable, Comparable {
    /// Flare characters labelled by body part (standing in for FFHQ-34's face parts).
    case sprites
    /// Colin27 axial slices labelled with the AAL atlas grouped into anatomical classes.
    case brain
    /// The user's own images and masks (`--images`, `--masks`); not a value of `--domains`.
    case own

    var catalogNames: [String] {
        switch self {
        case .sprites: ["flare-avatar", "flare-layers"]
        case .brain: ["colin27-slices", "mni152-slices"]
        case .own: []
        }
    }

    var title: String {
        switch self {
        case .sprites: "Character parts"
        case .brain: "Brain anatomy"
        case .own: "Your images"
        }
    }

    /// The paper's data set whose row of Table 3 this domain's column sits beside.
    var paperDataset: String? { self == .sprites ? "FFHQ-34" : nil }

    static func < (a: Domain, b: Domain) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// The representations the pixel classifier is given, in table order.
enum Representation: String, Codable, CaseIterable, Comparable {
    case ddpm, mae, vae, randomUNet = "random-unet", raw

    var title: String {
        switch self {
        case .ddpm: "DDPM (ours)"
        case .mae: "MAE"
        case .vae: "Conv. VAE (for VDVAE, ALAE)"
        case .randomUNet: "Random U-Net (control)"
        case .raw: "Raw pixels + position"
        }
    }

    /// The paper's method name in `table3_segmentation_miou.csv` that the row compares with.
    var paperMethods: [String] {
        switch self {
        case .ddpm: ["DDPM"]
        case .mae: ["MAE"]
        case .vae: ["VDVAE", "ALAE"]
        case .randomUNet, .raw: []
        }
    }

    /// Trained on the unlabelled images (and so given the same CPU time as the DDPM).
    var isTrained: Bool { [.ddpm, .mae, .vae].contains(self) }

    static func < (a: Representation, b: Representation) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Everything a run depends on, resolved from the profile (recorded with its hash in the manifest).
struct ChapterSettings: Codable {
    var profile: Profile
    var seed: UInt64
    var domains: [Domain]
    var representations: [Representation]
    /// Unlabelled images the representations learn from, labelled training images, test images.
    var poolSize: Int
    var trainImages: Int
    var testImages: Int
    var ddpm: DDPMConfiguration
    /// Optimiser steps of the DDPM, and of the rivals: as many as take about the DDPM's CPU time on the 2-core machine
    /// the kit is timed on (an AMD EPYC without AVX-512 at 2 threads, quiet: a DDPM step 1.31 s, an MAE step 0.26 s,
    /// a VAE step 0.25 s — about 5 rival steps per DDPM step, measured in the default run's own progress lines).
    var ddpmSteps: Int
    var maeSteps: Int
    var vaeSteps: Int
    /// The paper's reading: steps t and decoder blocks (0 = deepest) whose activations become features.
    var timesteps: [Int]
    var blocks: [Int]
    var classifier: PixelClassifierConfiguration
    /// Classifier runs per representation (the paper: mean ± std over 5).
    var classifierSeeds: Int
    /// The Figure 5 analogue: one (block, t) at a time, with a smaller ensemble.
    var ablationSteps: [Int]
    var ablationClassifier: PixelClassifierConfiguration
    /// Pixels of the test images that k-means clusters per block and step t (Figure 4 analogue), the steps, and the
    /// clusters sought.
    var clusterImages: Int
    var clusterSteps: [Int]
    var clusterCount: Int

    init(profile: Profile, seed: UInt64, domains: [Domain]?, representations: [Representation]?) {
        self.profile = profile
        self.seed = seed
        self.domains = domains ?? [.sprites, .brain]
        self.representations = representations ?? Representation.allCases
        poolSize = profile.choose(smoke: 64, default: 5_000, paper: 5_000)
        trainImages = profile.choose(smoke: 4, default: 20, paper: 20)
        testImages = profile.choose(smoke: 4, default: 50, paper: 50)
        var ddpm = DDPMConfiguration(unet: profile == .paper ? .wide : .small)
        ddpm.batchSize = profile.choose(smoke: 16, default: 64, paper: 64)
        self.ddpm = ddpm
        ddpmSteps = profile.choose(smoke: 6, default: 250, paper: 20_000)
        maeSteps = profile.choose(smoke: 6, default: 1_250, paper: 150_000)
        vaeSteps = profile.choose(smoke: 6, default: 1_250, paper: 100_000)
        timesteps = [50, 150, 250]
        blocks = [0, 1, 2]
        classifier = PixelClassifierConfiguration(memberCount: profile.choose(smoke: 2, default: 10, paper: 10),
                                                  maxEpochs: profile.choose(smoke: 2, default: 100, paper: 100),
                                                  minimumClassPixels: profile.choose(smoke: 1, default: 20, paper: 20))
        classifierSeeds = profile.choose(smoke: 1, default: 3, paper: 5)
        ablationSteps = profile.choose(smoke: [50, 500], default: [10, 50, 150, 250, 500, 750], paper: [10, 50, 150, 250, 500, 750, 950])
        ablationClassifier = PixelClassifierConfiguration(memberCount: profile.choose(smoke: 1, default: 3, paper: 10),
                                                          maxEpochs: classifier.maxEpochs,
                                                          minimumClassPixels: classifier.minimumClassPixels)
        clusterImages = profile.choose(smoke: 2, default: 8, paper: 20)
        clusterSteps = profile.choose(smoke: [50, 500], default: [50, 250, 650], paper: [50, 200, 400, 600, 800])
        clusterCount = profile.choose(smoke: 3, default: 8, paper: 8)
    }

    /// How this profile's runs differ from the paper's, in words (each goes into the manifest and the captions).
    var deviations: [String] {
        let unet = ddpm.unet
        var out = [
            "a DDPM trained here on \(poolSize) unlabelled \(unet.imageSize) × \(unet.imageSize) images per domain for "
                + "\(ddpmSteps) steps at batch \(ddpm.batchSize) (U-Net \(unet.channels.map(String.init).joined(separator: "/")) "
                + "channels, one residual block per level); the paper reads the released 256 × 256 guided-diffusion models "
                + "(256 channels, two blocks per level, trained for days on GPUs)",
            "features from decoder blocks \(blocks.map { "\(unet.decoderChannels[$0])@\(unet.decoderSides[$0])" }.joined(separator: ", ")) "
                + "at t = \(timesteps.map(String.init).joined(separator: ", ")) (the paper: blocks 5, 6, 7, 8, 12 of 18 at t = 50, 150, 250)",
            "\(trainImages) labelled training and \(testImages) test images per domain; classifier ensembles of "
                + "\(classifier.memberCount), \(classifierSeeds) classifier seed\(classifierSeeds == 1 ? "" : "s")",
        ]
        if representations.contains(.mae) || representations.contains(.vae) {
            out.append("rivals trained here on the same unlabelled images for about the DDPM's CPU time (MAE \(maeSteps) "
                + "steps: ViT 128 × 4 on 4 × 4 patches; convolutional VAE \(vaeSteps) steps, standing in for VDVAE and ALAE; "
                + "measured seconds in the cost table); the paper reads large published models")
        }
        if domains.contains(.sprites) {
            out.append("Flare characters (body parts, 8 classes) stand in for FFHQ-34 (34 face parts)")
        }
        if domains.contains(.brain) {
            out.append("Colin27 slices with the AAL atlas grouped into 13 classes + background: a domain the paper did not use")
        }
        return out
    }
}
