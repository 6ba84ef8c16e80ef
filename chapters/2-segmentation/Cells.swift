import Datasets
import DiffusionFeatures
import Evaluation
import Experiment
import Foundation
import NN
import Tensor

/// One domain ready for the experiment: unlabelled images for the representations, labelled training and test
/// images for the pixel classifier, and the hash that identifies all three (for cache keys).
struct PreparedDomain {
    var domain: Domain
    var title: String
    var pool: SegmentationImages
    var train: SegmentationImages
    var test: SegmentationImages
    var inputHash: String
    /// Further images to segment with the DDPM's classifier (a user's unlabelled and held-out images).
    var extra: SegmentationImages? = nil

    var classCount: Int { train.classNames.count }
    var dataHash: String { SHA256Hex.digest(of: [inputHash, pool.sha256, train.sha256, test.sha256].joined(separator: "\n")) }
}

/// What training a representation cost and how its loss went (the loss every `lossEvery` steps).
struct TrainingRecord: Codable {
    var steps: Int
    var seconds: Double
    var losses: [Double]
    var lossEvery: Int
}

/// One classifier run on one representation's features: the test set's confusion matrix and a preview.
struct SegmentationCell: Codable {
    var representation: Representation
    var seed: UInt64
    var confusion: ConfusionMatrix
    var epochs: [Int]
    var seconds: Double
    /// Majority labels and ensemble disagreement of the first `previewCount` test images.
    var previewLabels: [Int]
    var previewDisagreement: [Float]
    /// The labels of `PreparedDomain.extra`, when there are such images.
    var extraLabels: [Int]?

    var meanIoU: Double { confusion.meanIoU(absentClasses: .zero) }
    static let previewCount = 6
}

/// mIoU of one (decoder block, t) pair: the Figure 5 analogue.
struct AblationCell: Codable {
    var block: Int
    var timestep: Int
    var meanIoU: Double
}

/// k-means of one decoder block's pixel features at one step t on a few test images, and how well the clusters
/// match the true parts: the Figure 4 analogue.
struct ClusterCell: Codable {
    var block: Int
    var timestep: Int
    var assignments: [Int]
    var nmi: Double
}

/// Trains and reads the representations of one domain, every step cached by content.
struct DomainRunner {
    let prepared: PreparedDomain
    let settings: ChapterSettings
    let run: ExperimentRun
    let codeVersion: String

    var label: String { prepared.domain.rawValue }

    struct ModelKey<Configuration: Encodable>: Encodable {
        var configuration: Configuration
        var steps: Int
        var pool: String
    }

    /// Loads `model`'s weights from the cache or trains it (and stores weights and record). Returns the record
    /// and the digest that names these weights (classifier cells built on them key on it).
    func trained(_ model: Module, name: String, configuration: some Encodable, steps: Int, seed: UInt64,
                 train: (Experiment.Progress) throws -> TrainingRecord) throws -> (TrainingRecord, String) {
        let key = try CacheKey(name: "\(name)-\(label)", codeVersion: codeVersion,
                               config: ModelKey(configuration: configuration, steps: steps, pool: prepared.dataHash),
                               seed: seed)
        let weights = run.cache.url(for: key).deletingPathExtension().appendingPathExtension("safetensors")
        if let record: TrainingRecord = run.cache.load(key), (try? model.load(from: weights)) != nil {
            return (record, key.digest)
        }
        let progress = Experiment.Progress(total: steps, label: "\(label) \(name) train")
        let record = try train(progress)
        progress.finish()
        try model.save(to: weights)
        try run.cache.store(record, for: key)
        return (record, key.digest)
    }

    /// Runs `body(step, loss)` bookkeeping for a training loop: a progress line and a thinned loss curve.
    static func recorder(steps: Int, progress: Experiment.Progress) -> (every: Int, record: (Int, Float) -> Void, losses: () -> [Double]) {
        let every = Swift.max(steps / 200, 1)
        final class Box { var losses: [Double] = [] }
        let box = Box()
        return (every, { step, loss in
            progress.update(step: step, loss: Double(loss))
            if (step - 1) % every == 0 { box.losses.append(Double(loss)) }
        }, { box.losses })
    }

    /// The trained DDPM of this domain.
    func ddpm() throws -> (DDPM, TrainingRecord, String) {
        let seed = Seeds.derive(base: settings.seed, purpose: .train, index: 0)
        let ddpm = DDPM(configuration: ddpmConfiguration, seed: seed)
        let pool = prepared.pool.tensor(Array(0..<prepared.pool.count))
        let (record, digest) = try trained(ddpm.network, name: "ddpm", configuration: ddpmConfiguration, steps: settings.ddpmSteps,
                                 seed: seed) { progress in
            let log = Self.recorder(steps: settings.ddpmSteps, progress: progress)
            let started = ContinuousClock.now
            try ddpm.train(on: pool, steps: settings.ddpmSteps, seed: seed, progress: log.record)
            return TrainingRecord(steps: settings.ddpmSteps, seconds: Experiment.seconds(ContinuousClock.now - started),
                                  losses: log.losses(), lossEvery: log.every)
        }
        ddpm.network.eval()
        return (ddpm, record, digest)
    }

    /// Trains (or loads) a rival with the shared bookkeeping.
    func rival<Model: Module>(_ model: Model, name: String, configuration: some Encodable, steps: Int,
                              train: (Model, Int, UInt64, (Int, Float) -> Void) throws -> Void) throws -> (Model, TrainingRecord, String) {
        let seed = Seeds.derive(base: settings.seed, purpose: .train, index: 0)
        let (record, digest) = try trained(model, name: name, configuration: configuration, steps: steps, seed: seed) { progress in
            let log = Self.recorder(steps: steps, progress: progress)
            let started = ContinuousClock.now
            try train(model, steps, seed, log.record)
            return TrainingRecord(steps: steps, seconds: Experiment.seconds(ContinuousClock.now - started),
                                  losses: log.losses(), lossEvery: log.every)
        }
        model.eval()
        return (model, record, digest)
    }

    func maskedAutoencoder() throws -> (MaskedAutoencoder, TrainingRecord, String) {
        var configuration = MaskedAutoencoderConfiguration(imageSize: prepared.train.height,
                                                           imageChannels: prepared.train.channels)
        configuration.batchSize = settings.ddpm.batchSize
        let pool = prepared.pool.tensor(Array(0..<prepared.pool.count))
        return try rival(MaskedAutoencoder(configuration: configuration, seed: settings.seed), name: "mae",
                         configuration: configuration, steps: settings.maeSteps) { model, steps, seed, progress in
            try model.train(on: pool, steps: steps, seed: seed, progress: progress)
        }
    }

    func variationalAutoencoder() throws -> (ConvolutionalVAE, TrainingRecord, String) {
        var configuration = ConvolutionalVAEConfiguration(imageSize: prepared.train.height,
                                                          imageChannels: prepared.train.channels,
                                                          channels: settings.ddpm.unet.channels, groups: settings.ddpm.unet.groups)
        configuration.batchSize = settings.ddpm.batchSize
        let pool = prepared.pool.tensor(Array(0..<prepared.pool.count))
        return try rival(ConvolutionalVAE(configuration: configuration, seed: settings.seed), name: "vae",
                         configuration: configuration, steps: settings.vaeSteps) { model, steps, seed, progress in
            try model.train(on: pool, steps: steps, seed: seed, progress: progress)
        }
    }

    /// The same U-Net with its initial weights: how much of the DDPM's result comes from training at all.
    func randomUNet() -> DDPM {
        DDPM(configuration: ddpmConfiguration, seed: Seeds.derive(base: settings.seed, purpose: .train, index: 0))
    }

    /// The profile's DDPM for this domain's channel count (the brain slices are grey).
    var ddpmConfiguration: DDPMConfiguration {
        var configuration = settings.ddpm
        configuration.unet.imageChannels = prepared.train.channels
        configuration.unet.imageSize = prepared.train.height
        return configuration
    }

    struct CellKey: Encodable {
        var representation: String
        var model: String
        var classifier: PixelClassifierConfiguration
        var data: String
        var extra: String?
    }

    /// Trains the pixel classifier on `source`'s features of the training images and scores it on the test images.
    func segmentation(_ representation: Representation, source: PixelFeatureSource, modelDigest: String,
                      seed: UInt64) throws -> SegmentationCell {
        let key = try CacheKey(name: "segmentation-\(label)-\(representation.rawValue)", codeVersion: codeVersion,
                               config: CellKey(representation: representation.rawValue, model: modelDigest,
                                               classifier: settings.classifier, data: prepared.dataHash,
                                               extra: prepared.extra?.sha256),
                               seed: seed)
        return try run.cache.cached(key: key) {
            let started = ContinuousClock.now
            let progress = Experiment.Progress(total: settings.classifier.memberCount, label: "\(label) \(representation.rawValue) classifier")
            let ensemble = try PixelClassifierEnsemble.train(
                source: source, images: prepared.train.tensor(Array(0..<prepared.train.count)),
                masks: prepared.train.masks!, classCount: prepared.classCount, configuration: settings.classifier,
                seed: seed) { member, _, loss in progress.update(step: member + 1, loss: Double(loss)) }
            progress.finish()
            let result = ensemble.segment(source: source, images: prepared.test.tensor(Array(0..<prepared.test.count)))
            var confusion = ConfusionMatrix(classCount: prepared.classCount)
            confusion.add(truth: prepared.test.masks!.map(Int.init), predicted: result.labels)
            let preview = Swift.min(SegmentationCell.previewCount, prepared.test.count) * prepared.test.height * prepared.test.width
            let extra = prepared.extra.map { ensemble.segment(source: source, images: $0.tensor(Array(0..<$0.count))).labels }
            return SegmentationCell(representation: representation, seed: seed, confusion: confusion,
                                    epochs: ensemble.epochs, seconds: Experiment.seconds(ContinuousClock.now - started),
                                    previewLabels: Array(result.labels.prefix(preview)),
                                    previewDisagreement: Array(result.disagreement.prefix(preview)), extraLabels: extra)
        }
    }

    /// mIoU of the DDPM's features from one decoder block at one step, with the smaller ablation ensemble.
    func ablation(ddpm: DDPM, modelDigest: String, block: Int, timestep: Int) throws -> AblationCell {
        struct Key: Encodable { var block: Int; var timestep: Int; var model: String; var classifier: PixelClassifierConfiguration; var data: String }
        let seed = Seeds.derive(base: settings.seed, purpose: .evaluator, index: 0)
        let key = try CacheKey(name: "ablation-\(label)", codeVersion: codeVersion,
                               config: Key(block: block, timestep: timestep, model: modelDigest,
                                           classifier: settings.ablationClassifier, data: prepared.dataHash), seed: seed)
        return try run.cache.cached(key: key) {
            let source = try DiffusionFeatureSource(name: "DDPM", ddpm: ddpm, timesteps: [timestep], blocks: [block])
            let ensemble = try PixelClassifierEnsemble.train(
                source: source, images: prepared.train.tensor(Array(0..<prepared.train.count)),
                masks: prepared.train.masks!, classCount: prepared.classCount,
                configuration: settings.ablationClassifier, seed: seed)
            let result = ensemble.segment(source: source, images: prepared.test.tensor(Array(0..<prepared.test.count)))
            var confusion = ConfusionMatrix(classCount: prepared.classCount)
            confusion.add(truth: prepared.test.masks!.map(Int.init), predicted: result.labels)
            return AblationCell(block: block, timestep: timestep, meanIoU: confusion.meanIoU())
        }
    }

    /// k-means on each decoder block's features at each of the cluster steps over the first test images.
    func clusters(ddpm: DDPM) throws -> [ClusterCell] {
        let count = Swift.min(settings.clusterImages, prepared.test.count)
        let images = prepared.test.tensor(Array(0..<count))
        let truth = prepared.test.masks!.prefix(count * prepared.test.height * prepared.test.width).map(Int.init)
        let pairs = settings.clusterSteps.flatMap { t in settings.ddpm.unet.decoderChannels.indices.map { (t, $0) } }
        return try pairs.enumerated().map { index, pair in
            let (timestep, block) = pair
            let source = try DiffusionFeatureSource(name: "DDPM", ddpm: ddpm, timesteps: [timestep], blocks: [block])
            let features = source.features(of: images, firstIndex: 0)
            let d = source.featureCount, plane = prepared.test.height * prepared.test.width
            var points = [Float](repeating: 0, count: count * plane * d)
            features.withBuffer { f in
                for i in 0..<count { for j in 0..<d { for p in 0..<plane { points[(i * plane + p) * d + j] = f[(i * d + j) * plane + p] } } }
            }
            let fit = KMeans.fit(points: points, dimension: d, clusterCount: settings.clusterCount,
                                 seed: Seeds.derive(base: settings.seed, purpose: .evaluator, index: index))
            return ClusterCell(block: block, timestep: timestep, assignments: fit.assignments,
                               nmi: MutualInformation.normalized(fit.assignments, truth))
        }
    }
}
