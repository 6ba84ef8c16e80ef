import ArgumentParser
import Datasets
import DiffusionFeatures
import Experiment
import Foundation
import Tensor

/// `make chapter2`: few-label segmentation from a DDPM's decoder features, against rival representations learned
/// from the same unlabelled images, on two domains (Flare character parts and Colin27 brain anatomy).
///
/// Steps, in order: `data` (render and slice the images), `representations` (train the DDPM and its rivals per
/// domain, weights cached), `segmentation` (the pixel-classifier ensemble on each representation, Table 3
/// analogue), `ablation` (one decoder block and one step t at a time, Figure 5 analogue), `clusters` (k-means per
/// decoder block, Figure 4 analogue), `tables`, `figures`.
@main
struct Chapter2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter2",
        abstract: "Label-efficient segmentation from a DDPM's features, against MAE, a VAE, a random U-Net and raw pixels.")

    @OptionGroup var options: ChapterOptions

    @Option(help: "Domains to run (comma-separated): sprites, brain.", transform: OptionValue.list(of: Domain.self))
    var domains: [Domain]?

    @Option(help: "Your own images: a folder of PNGs of one size (runs instead of the domains; needs --masks).")
    var images: String?

    @Option(help: "Masks for some of --images: PNGs of the same names holding class indices (palette or grey levels).")
    var masks: String?

    @Option(help: "Class names for --masks, in index order (comma-separated); default: class 0, class 1, ….",
            transform: { text in text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces) } })
    var classes: [String]?

    @Option(help: "Representations to compare (comma-separated): ddpm, mae, vae, random-unet, raw; the DDPM always runs.",
            transform: OptionValue.list(of: Representation.self))
    var representations: [Representation]?

    func validate() throws {
        if domains?.contains(.own) == true { throw ValidationError("--domains: use --images and --masks for your own images") }
        if (images == nil) != (masks == nil) { throw ValidationError("--images and --masks go together") }
        if images != nil, domains != nil { throw ValidationError("--images and --domains cannot be combined") }
        if images == nil, classes != nil { throw ValidationError("--classes needs --images and --masks") }
        if let classes, classes.contains(where: \.isEmpty) || Set(classes).count != classes.count || classes.count < 2 {
            throw ValidationError("--classes: give at least two distinct, non-empty names, got '\(classes.joined(separator: ","))'")
        }
    }

    func run() throws {
        Threading.setThreadCount(options.threads)
        var chosen = representations ?? Representation.allCases
        if !chosen.contains(.ddpm) { chosen.insert(.ddpm, at: 0) }
        // Read and check the user's images before anything is written.
        let own = try images.map { try OwnImages.load(images: $0, masks: masks!, classes: classes) }
        let settings = ChapterSettings(profile: options.profile, seed: options.seed,
                                       domains: own == nil ? domains : [.own], representations: chosen.sorted())
        let codeVersion = try CodeVersion.digest(chapterFolder: "2-segmentation")
        let chapter = own == nil ? "2-segmentation" : "2-segmentation-own"
        let run = try ExperimentRun(
            chapter: chapter, profile: options.profile, config: settings,
            seeds: ["train": [Seeds.derive(base: options.seed, purpose: .train, index: 0)],
                    "classifier": Seeds.derive(base: options.seed, purpose: .train, count: settings.classifierSeeds)],
            blas: .init(core: Threading.blasCoreName, threads: Threading.threadCount, gemm: Threading.gemmName), root: options.rootURL,
            codeVersion: codeVersion)
        for deviation in settings.deviations { run.recordDeviation(deviation) }

        let prepared = try run.step("data") {
            if let own { return [try own.prepare(settings: settings, run: run)] }
            return try settings.domains.map { try prepare($0, settings: settings, run: run) }
        }
        var results: [DomainResults] = []
        for data in prepared {
            let runner = DomainRunner(prepared: data, settings: settings, run: run, codeVersion: codeVersion)
            let models = try run.step("representations-\(data.domain.rawValue)") { try Representations(runner: runner) }
            let cells = try run.step("segmentation-\(data.domain.rawValue)") {
                try settings.representations.map { representation in
                    let (source, digest) = models.source(representation)
                    return try Seeds.derive(base: settings.seed, purpose: .train, count: settings.classifierSeeds).map {
                        try runner.segmentation(representation, source: source, modelDigest: digest, seed: $0)
                    }
                }
            }
            let ablation = try run.step("ablation-\(data.domain.rawValue)") {
                try settings.ddpm.unet.decoderChannels.indices.flatMap { block in
                    try settings.ablationSteps.map {
                        try runner.ablation(ddpm: models.ddpm, modelDigest: models.ddpmDigest, block: block, timestep: $0)
                    }
                }
            }
            let clusters = try run.step("clusters-\(data.domain.rawValue)") { try runner.clusters(ddpm: models.ddpm) }
            results.append(DomainResults(prepared: data, training: models.records,
                                         cells: Dictionary(uniqueKeysWithValues: zip(settings.representations, cells)),
                                         ablation: ablation, clusters: clusters))
        }
        let peak = ResidentMemory.peakBytes
        if let peak { print("chapter2: peak resident memory \(peak >> 20) MiB") }
        try run.step("tables") { try ChapterTables(settings: settings, results: results, peakBytes: peak, run: run).write() }
        try run.step("figures") { try ChapterFigures(settings: settings, results: results, run: run).write() }
        try run.finish()
        if let own, let entry = results.first {
            let folder = try own.writeMasks(entry, root: options.rootURL)
            let page = try OwnImagesPage(own: own, settings: settings).write(root: options.rootURL, chapter: chapter)
            printToStandardError("chapter2: predicted masks in \(folder.path); open \(page.path)\n")
        }
    }

    /// Renders or slices one domain's images from its catalog files, recorded as inputs of the run.
    func prepare(_ domain: Domain, settings: ChapterSettings, run: ExperimentRun) throws -> PreparedDomain {
        let catalog = try DataCatalog(root: run.root)
        let hash = SHA256Hex.digest(of: try domain.catalogNames.map { try run.recordCatalogInputs(named: $0, in: catalog) }
            .joined(separator: "\n"))
        switch domain {
        case .own:
            preconditionFailure("own images are prepared by OwnImages")
        case .sprites:
            let parts = PartImages(composer: SpriteComposer(sheets: try AvatarSheets.load(from: catalog)),
                                   options: .init(seed: settings.seed))
            return PreparedDomain(domain: domain, title: domain.title,
                                  pool: parts.render(PartImages.poolIndices(settings.poolSize), name: "sprites pool"),
                                  train: parts.render(PartImages.trainIndices(settings.trainImages), name: "sprites train"),
                                  test: parts.render(PartImages.testIndices(settings.testImages), name: "sprites test"),
                                  inputHash: hash)
        case .brain:
            let brain = try BrainSlices.load(from: catalog)
            let side = settings.ddpm.unet.imageSize
            let tests = brain.testSlices
            let count = Swift.min(settings.testImages, tests.count)
            let chosenTests = (0..<count).map { tests[($0 * tests.count + tests.count / 2) / count] }
            return PreparedDomain(domain: domain, title: domain.title,
                                  pool: brain.images(brain.poolSlices, side: side, name: "brain pool")
                                      .augmented(count: settings.poolSize, maxShift: 2, seed: settings.seed),
                                  train: brain.images(brain.trainSlices(settings.trainImages), side: side, name: "brain train"),
                                  test: brain.images(chosenTests, side: side, name: "brain test"),
                                  inputHash: hash)
        }
    }
}

/// The trained representations of one domain and the feature source each gives the classifier.
struct Representations {
    let ddpm: DDPM
    let ddpmDigest: String
    let random: DDPM
    var rivals: [Representation: (PixelFeatureSource, String)] = [:]
    var records: [Representation: TrainingRecord] = [:]
    let settings: ChapterSettings
    let channels: Int

    init(runner: DomainRunner) throws {
        settings = runner.settings
        channels = runner.prepared.train.channels
        let (ddpm, record, digest) = try runner.ddpm()
        self.ddpm = ddpm
        ddpmDigest = digest
        records[.ddpm] = record
        random = runner.randomUNet()
        if settings.representations.contains(.mae) {
            let (model, record, digest) = try runner.maskedAutoencoder()
            rivals[.mae] = (MaskedAutoencoderFeatures(model: model), digest)
            records[.mae] = record
        }
        if settings.representations.contains(.vae) {
            let (model, record, digest) = try runner.variationalAutoencoder()
            rivals[.vae] = (ConvolutionalVAEFeatures(model: model), digest)
            records[.vae] = record
        }
    }

    /// The feature source of `representation` and the digest of the weights behind it.
    func source(_ representation: Representation) -> (PixelFeatureSource, String) {
        switch representation {
        case .ddpm:
            return (try! DiffusionFeatureSource(name: "DDPM", ddpm: ddpm, timesteps: settings.timesteps, blocks: settings.blocks), ddpmDigest)
        case .randomUNet:
            return (try! DiffusionFeatureSource(name: "random U-Net", ddpm: random, timesteps: settings.timesteps,
                                                blocks: settings.blocks), "random-\(settings.seed)")
        case .mae, .vae:
            return rivals[representation]!
        case .raw:
            return (RawPixelSource(channels: channels), "raw")
        }
    }
}

/// Everything one domain produced.
struct DomainResults {
    var prepared: PreparedDomain
    var training: [Representation: TrainingRecord]
    var cells: [Representation: [SegmentationCell]]
    var ablation: [AblationCell]
    var clusters: [ClusterCell]
}

extension Domain: ExpressibleByArgument {}
extension Representation: ExpressibleByArgument {}
