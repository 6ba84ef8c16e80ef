@testable import DiffusionFeatures
import Testing
import Tensor

let tinyMAE = MaskedAutoencoderConfiguration(imageSize: 8, imageChannels: 3, patchSize: 2, width: 16, depth: 2, heads: 2,
                                             decoderWidth: 8, decoderDepth: 1, featureBlocks: [0, 1], learningRate: 3e-3,
                                             batchSize: 8)
let tinyVAE = ConvolutionalVAEConfiguration(imageSize: 8, imageChannels: 3, channels: [8, 16], latentChannels: 4, groups: 4,
                                            learningRate: 3e-3, batchSize: 8)

func lossFalls(_ losses: [Float], by factor: Float) -> Bool {
    let early = losses.prefix(10).reduce(0, +) / 10, late = losses.suffix(10).reduce(0, +) / 10
    return late < factor * early
}

@Test func maeHidesTheConfiguredShareAndLearns() throws {
    let model = MaskedAutoencoder(configuration: tinyMAE, seed: 1)
    let kept = model.visibleTokens(batch: 3, rng: RandomGenerator(seed: 2))
    #expect(kept.allSatisfy { $0.count == 4 && Set($0).count == 4 })   // 16 tokens, 75 % hidden
    #expect(kept[0] != kept[1])
    var losses: [Float] = []
    try model.train(on: squares(16), steps: 150, seed: 3) { losses.append($1) }
    #expect(lossFalls(losses, by: 0.7), "\(losses.prefix(3)) … \(losses.suffix(3))")
    let again = MaskedAutoencoder(configuration: tinyMAE, seed: 1)
    var lossesAgain: [Float] = []
    try again.train(on: squares(16), steps: 150, seed: 3) { lossesAgain.append($1) }
    #expect(losses == lossesAgain)
}

@Test func maeFeaturesHaveTheDeclaredShapeAndIgnoreTheBatchSplit() {
    let source = MaskedAutoencoderFeatures(model: MaskedAutoencoder(configuration: tinyMAE, seed: 1))
    let images = squares(4)
    let whole = source.features(of: images, firstIndex: 0)
    #expect(whole.shape == [4, 32, 8, 8] && source.featureCount == 32)
    let halves = Tensor.concat([source.features(of: images.sliced(axis: 0, 0..<2), firstIndex: 0),
                                source.features(of: images.sliced(axis: 0, 2..<4), firstIndex: 2)], axis: 0)
    #expect(zip(whole.scalars, halves.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
}

@Test func normalisedPatchTargetsHaveZeroMeanAndUnitVariance() {
    let rows = Tensor([1, 2, 3, 6, 5, 5, 5, 5], shape: [2, 4])
    let v = MaskedAutoencoder.normalizedPatches(rows).scalars
    #expect(abs(v[0..<4].reduce(0, +)) < 1e-5 && abs(v[0..<4].map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-3)
    #expect(v[4..<8].allSatisfy { $0 == 0 })   // a flat patch stays 0, not NaN
}

@Test func vaeLearnsAndItsFeaturesFollowTheDecoder() throws {
    let model = ConvolutionalVAE(configuration: tinyVAE, seed: 1)
    var losses: [Float] = []
    try model.train(on: squares(16), steps: 150, seed: 3) { losses.append($1) }
    #expect(lossFalls(losses, by: 0.5), "\(losses.prefix(3)) … \(losses.suffix(3))")
    let source = ConvolutionalVAEFeatures(model: model)
    let images = squares(4)
    let whole = source.features(of: images, firstIndex: 0)
    #expect(whole.shape == [4, 24, 8, 8] && source.featureCount == 24)
    let half = source.features(of: images.sliced(axis: 0, 2..<4), firstIndex: 2).scalars
    #expect(zip(half, whole.scalars[(2 * 24 * 64)...]).allSatisfy { abs($0 - $1) < 1e-4 })
}
