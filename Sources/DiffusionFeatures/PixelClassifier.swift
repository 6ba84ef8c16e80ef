import Foundation
import NN
import Tensor

/// The reference's pixel classifier ("interpreter", from DatasetGAN) and how it is trained. Defaults are the
/// reference's: 10 members, Adam 1e-3, batch 64 pixels, at most 100 epochs, early stop after epoch 3 once the
/// batch loss has not improved for 50 iterations, classes thinner than 20 pixels in an image ignored there.
public struct PixelClassifierConfiguration: Codable, Hashable, Sendable {
    public var memberCount: Int
    /// Hidden widths; nil takes the reference's rule (128, 32 below 30 classes; 256, 128 from 30 on).
    public var hiddenSizes: [Int]?
    public var learningRate: Float
    public var batchSize: Int
    public var maxEpochs: Int
    public var earlyStoppingPatience: Int
    public var minimumClassPixels: Int
    /// Training features held in memory at most (the reference holds every pixel's features of every image and
    /// needs 88–210 GB); the kit refuses beforehand rather than swap.
    public var featureBudgetBytes: Int
    /// Images whose features are computed at once when streaming.
    public var imagesPerBatch: Int

    public init(memberCount: Int = 10, hiddenSizes: [Int]? = nil, learningRate: Float = 1e-3, batchSize: Int = 64,
                maxEpochs: Int = 100, earlyStoppingPatience: Int = 50, minimumClassPixels: Int = 20,
                featureBudgetBytes: Int = 1 << 30, imagesPerBatch: Int = 8) {
        self.memberCount = memberCount
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.earlyStoppingPatience = earlyStoppingPatience
        self.minimumClassPixels = minimumClassPixels
        self.featureBudgetBytes = featureBudgetBytes
        self.imagesPerBatch = imagesPerBatch
    }

    func hidden(classCount: Int) -> [Int] { hiddenSizes ?? (classCount < 30 ? [128, 32] : [256, 128]) }
}

/// A segmentation of some images: the majority label per pixel and the ensemble's disagreement there (the
/// Jensen–Shannon divergence of the members' softmax outputs: entropy of the mean minus mean entropy, in nats).
public struct Segmentation: Equatable, Sendable {
    public var labels: [Int]
    public var disagreement: [Float]
}

/// One member: Linear → ReLU → BatchNorm per hidden width, then a linear layer to the classes; weights N(0, 0.02).
final class PixelMLP: Module {
    let layers: [Linear]
    let norms: [BatchNorm]

    init(inputSize: Int, hidden: [Int], classCount: Int, rng: RandomGenerator) {
        let sizes = [inputSize] + hidden + [classCount]
        layers = (0..<(sizes.count - 1)).map { i in
            Linear(weight: Initialization.normal([sizes[i + 1], sizes[i]], std: 0.02, rng: rng),
                   bias: Tensor(zeros: [sizes[i + 1]]))
        }
        norms = hidden.map { BatchNorm(featureCount: $0) }
        super.init()
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for i in norms.indices { h = norms[i](layers[i](h).relu()) }
        return layers[layers.count - 1](h)
    }
}

/// The ensemble of small MLPs trained on the pixels of a few labelled images, all on the same features, differing
/// in initialisation and shuffling only. Features are standardised with the training pixels' statistics.
public final class PixelClassifierEnsemble {
    public let configuration: PixelClassifierConfiguration
    public let classCount: Int
    let members: [PixelMLP]
    let mean: [Float], scale: [Float]
    /// Epochs each member trained before it stopped.
    public let epochs: [Int]

    init(configuration: PixelClassifierConfiguration, classCount: Int, members: [PixelMLP], mean: [Float],
         scale: [Float], epochs: [Int]) {
        self.configuration = configuration
        self.classCount = classCount
        self.members = members
        self.mean = mean
        self.scale = scale
        self.epochs = epochs
    }

    /// Trains on `images` `[N, C, H, W]` with `masks` (N·H·W labels in 0..<classCount, row-major per image).
    /// `progress` gets (member, epoch, loss).
    public static func train(source: PixelFeatureSource, images: Tensor, masks: [UInt8], classCount: Int,
                             configuration: PixelClassifierConfiguration, seed: UInt64,
                             progress: (Int, Int, Float) -> Void = { _, _, _ in }) throws -> PixelClassifierEnsemble {
        let n = images.shape[0], plane = images.shape[2] * images.shape[3], d = source.featureCount
        guard n > 0, masks.count == n * plane else {
            throw DiffusionFeaturesError.invalidInput("pixel classifier: \(masks.count) mask labels for \(n) images of \(plane) pixels")
        }
        if let bad = masks.first(where: { Int($0) >= classCount }) {
            throw DiffusionFeaturesError.invalidInput("pixel classifier: label \(bad) outside the \(classCount) classes")
        }
        let kept = keptPixels(masks, images: n, plane: plane, minimum: configuration.minimumClassPixels)
        let bytes = kept.count * d * MemoryLayout<Float>.size
        guard bytes <= configuration.featureBudgetBytes else {
            throw DiffusionFeaturesError.invalidInput("pixel classifier: \(kept.count) training pixels × \(d) features need "
                + "\(bytes >> 20) MiB, over the budget of \(configuration.featureBudgetBytes >> 20) MiB; use fewer images, "
                + "blocks or steps")
        }
        guard kept.count >= configuration.batchSize else {
            throw DiffusionFeaturesError.invalidInput("pixel classifier: only \(kept.count) labelled pixels, fewer than one batch")
        }
        // Gather the kept pixels' features row by row, streaming the images a few at a time.
        var rows = [Float](repeating: 0, count: kept.count * d)
        var labels = [Int](repeating: 0, count: kept.count)
        var cursor = 0
        for start in stride(from: 0, to: n, by: configuration.imagesPerBatch) {
            let end = Swift.min(start + configuration.imagesPerBatch, n)
            let features = source.features(of: images.sliced(axis: 0, start..<end), firstIndex: start)
            features.withBuffer { f in
                while cursor < kept.count, kept[cursor] < end * plane {
                    let pixel = kept[cursor], image = pixel / plane - start, p = pixel % plane
                    for j in 0..<d { rows[cursor * d + j] = f[(image * d + j) * plane + p] }
                    labels[cursor] = Int(masks[pixel])
                    cursor += 1
                }
            }
        }
        let (mean, scale) = standardize(&rows, count: kept.count, dimension: d)
        let hidden = configuration.hidden(classCount: classCount)
        let root = RandomGenerator(seed: seed)
        var members: [PixelMLP] = [], epochs: [Int] = []
        for m in 0..<configuration.memberCount {
            let rng = root.derived(UInt64(m))
            let model = PixelMLP(inputSize: d, hidden: hidden, classCount: classCount, rng: rng.derived(0))
            let used = try trainMember(model, rows: rows, labels: labels, dimension: d, configuration: configuration,
                                       shuffle: rng.derived(1)) { progress(m, $0, $1) }
            model.eval()
            members.append(model)
            epochs.append(used)
        }
        return PixelClassifierEnsemble(configuration: configuration, classCount: classCount, members: members,
                                       mean: mean, scale: scale, epochs: epochs)
    }

    /// Pixels to learn from: in each image, drop those of a class that covers fewer than `minimum` pixels there.
    static func keptPixels(_ masks: [UInt8], images: Int, plane: Int, minimum: Int) -> [Int] {
        var kept: [Int] = []
        for i in 0..<images {
            var counts = [Int](repeating: 0, count: 256)
            for p in 0..<plane { counts[Int(masks[i * plane + p])] += 1 }
            for p in 0..<plane where counts[Int(masks[i * plane + p])] >= minimum { kept.append(i * plane + p) }
        }
        return kept
    }

    /// Standardises the columns of `rows` in place and returns their means and inverse deviations.
    static func standardize(_ rows: inout [Float], count: Int, dimension d: Int) -> ([Float], [Float]) {
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for r in 0..<count {
            for j in 0..<d { let v = Double(rows[r * d + j]); mean[j] += v; square[j] += v * v }
        }
        var scale = [Float](repeating: 1, count: d)
        for j in 0..<d {
            mean[j] /= Double(Swift.max(count, 1))
            let variance = Swift.max(square[j] / Double(Swift.max(count, 1)) - mean[j] * mean[j], 0)
            scale[j] = variance > 1e-12 ? Float(1 / variance.squareRoot()) : 1
        }
        let m = mean.map(Float.init)
        for r in 0..<count { for j in 0..<d { rows[r * d + j] = (rows[r * d + j] - m[j]) * scale[j] } }
        return (m, scale)
    }

    /// The reference's loop: shuffled full batches (the last partial one dropped), and after epoch 3 a stop once
    /// the batch loss has not beaten its best for `earlyStoppingPatience` iterations. Returns the epochs run.
    static func trainMember(_ model: PixelMLP, rows: [Float], labels: [Int], dimension d: Int,
                            configuration c: PixelClassifierConfiguration, shuffle: RandomGenerator,
                            progress: (Int, Float) -> Void) throws -> Int {
        let optimizer = Adam(for: model, learningRate: c.learningRate)
        model.train()
        let count = labels.count
        var best = Float.infinity, stale = 0
        var batch = [Float](repeating: 0, count: c.batchSize * d)
        for epoch in 0..<c.maxEpochs {
            let order = shuffle.permutation(count)
            var last: Float = 0
            for start in stride(from: 0, through: count - c.batchSize, by: c.batchSize) {
                var targets: [Int] = []
                for (i, row) in order[start..<(start + c.batchSize)].enumerated() {
                    for j in 0..<d { batch[i * d + j] = rows[row * d + j] }
                    targets.append(labels[row])
                }
                let loss = crossEntropy(logits: model(Tensor(batch, shape: [c.batchSize, d])), labels: targets)
                last = loss.item
                guard last.isFinite else { throw DiffusionFeaturesError.nonFiniteLoss(model: "pixel classifier", step: epoch) }
                loss.backward()
                optimizer.step()
                model.zeroGrad()
                if epoch > 3 {
                    if last < best { best = last; stale = 0 } else { stale += 1 }
                    if stale > c.earlyStoppingPatience { progress(epoch + 1, last); return epoch + 1 }
                }
            }
            progress(epoch + 1, last)
        }
        return c.maxEpochs
    }

    /// Segments `images` a few at a time (features never held for more than `imagesPerBatch` images): the
    /// members' majority vote per pixel (ties to the lowest class) and their disagreement.
    public func segment(source: PixelFeatureSource, images: Tensor) -> Segmentation {
        let n = images.shape[0], plane = images.shape[2] * images.shape[3], d = mean.count
        var labels: [Int] = [], disagreement: [Float] = []
        labels.reserveCapacity(n * plane)
        disagreement.reserveCapacity(n * plane)
        for start in stride(from: 0, to: n, by: configuration.imagesPerBatch) {
            let end = Swift.min(start + configuration.imagesPerBatch, n), b = end - start
            let features = source.features(of: images.sliced(axis: 0, start..<end), firstIndex: start)
            var rows = [Float](repeating: 0, count: b * plane * d)
            features.withBuffer { f in
                for i in 0..<b {
                    for j in 0..<d {
                        let m = mean[j], s = scale[j]
                        for p in 0..<plane { rows[(i * plane + p) * d + j] = (f[(i * d + j) * plane + p] - m) * s }
                    }
                }
            }
            let x = Tensor(rows, shape: [b * plane, d])
            let probabilities = withoutGrad { members.map { $0(x).softmax(axis: 1).scalars } }
            let vote = Self.vote(probabilities, classCount: classCount)
            labels += vote.labels
            disagreement += vote.disagreement
        }
        return Segmentation(labels: labels, disagreement: disagreement)
    }

    /// The members' softmax outputs (`probabilities[m]`: rows × classes) → each row's majority vote of the members'
    /// argmaxes (ties to the lowest class, as `torch.mode`) and the Jensen–Shannon disagreement: the entropy of
    /// the mean prediction minus the mean of the members' entropies.
    static func vote(_ probabilities: [[Float]], classCount: Int) -> Segmentation {
        let rows = (probabilities.first?.count ?? 0) / classCount, members = Float(probabilities.count)
        var labels: [Int] = [], disagreement: [Float] = []
        for r in 0..<rows {
            var votes = [Int](repeating: 0, count: classCount)
            var average = [Float](repeating: 0, count: classCount)
            var entropy: Float = 0
            for p in probabilities {
                var top = 0
                for k in 0..<classCount {
                    let q = p[r * classCount + k]
                    average[k] += q / members
                    if q > 0 { entropy -= q * log(q) / members }
                    if q > p[r * classCount + top] { top = k }
                }
                votes[top] += 1
            }
            var winner = 0
            for k in 1..<classCount where votes[k] > votes[winner] { winner = k }
            labels.append(winner)
            let mixed = average.reduce(Float(0)) { $1 > 0 ? $0 - $1 * log($1) : $0 }
            disagreement.append(Swift.max(mixed - entropy, 0))
        }
        return Segmentation(labels: labels, disagreement: disagreement)
    }
}
