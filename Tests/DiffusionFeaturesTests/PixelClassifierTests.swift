@testable import DiffusionFeatures
import Evaluation
import Foundation
import Testing
import Tensor

/// Images whose label is a function of colour (red square = 1, green = 2, the dark field = 0) with noise, so a
/// pixel classifier on raw pixels must reach nearly perfect IoU.
func colourLabelled(_ count: Int, seed: UInt64) -> (Tensor, [UInt8]) {
    let side = 8, rng = RandomGenerator(seed: seed)
    let jitter = rng.normal([count * 3 * side * side], std: 0.05).scalars
    var values = [Float](repeating: -0.8, count: count * 3 * side * side)
    var masks = [UInt8](repeating: 0, count: count * side * side)
    for n in 0..<count {
        let cls = 1 + n % 2, x0 = n % 4, y0 = (n / 4) % 4
        for y in y0..<(y0 + 4) {
            for x in x0..<(x0 + 4) {
                masks[n * side * side + y * side + x] = UInt8(cls)
                values[((n * 3 + cls - 1) * side + y) * side + x] = 0.9
            }
        }
    }
    for i in values.indices { values[i] += jitter[i] }
    return (Tensor(values, shape: [count, 3, side, side]), masks)
}

@Test func ensembleLearnsColourLabelsAndRepeats() throws {
    let (train, trainMasks) = colourLabelled(8, seed: 1)
    let (test, testMasks) = colourLabelled(6, seed: 2)
    let source = RawPixelSource(channels: 3)
    let config = PixelClassifierConfiguration(memberCount: 3, maxEpochs: 30, minimumClassPixels: 4, imagesPerBatch: 3)
    let ensemble = try PixelClassifierEnsemble.train(source: source, images: train, masks: trainMasks, classCount: 3,
                                                     configuration: config, seed: 5)
    let result = ensemble.segment(source: source, images: test)
    var confusion = ConfusionMatrix(classCount: 3)
    confusion.add(truth: testMasks.map(Int.init), predicted: result.labels)
    #expect(confusion.meanIoU() > 0.95, "mIoU \(confusion.meanIoU())")
    #expect(result.disagreement.allSatisfy { $0 >= 0 })
    #expect(result.labels.count == 6 * 64)
    let again = try PixelClassifierEnsemble.train(source: source, images: train, masks: trainMasks, classCount: 3,
                                                  configuration: config, seed: 5).segment(source: source, images: test)
    #expect(again == result)
}

@Test func classifierRejectsBadLabelsAndBudgets() {
    let (train, masks) = colourLabelled(2, seed: 1)
    let source = RawPixelSource(channels: 3)
    #expect(throws: DiffusionFeaturesError.self) {
        try PixelClassifierEnsemble.train(source: source, images: train, masks: masks, classCount: 2,
                                          configuration: .init(memberCount: 1), seed: 0)
    }
    #expect(throws: DiffusionFeaturesError.self) {
        try PixelClassifierEnsemble.train(source: source, images: train, masks: masks, classCount: 3,
                                          configuration: .init(memberCount: 1, featureBudgetBytes: 100), seed: 0)
    }
}

@Test func majorityVoteAndDisagreementByHand() {
    // Three members, two pixels, three classes. Pixel 0: argmaxes 2, 2, 0 → 2. Pixel 1: argmaxes 0, 1, 2 (a
    // three-way tie) → the lowest class, 0. Members that agree exactly have zero disagreement.
    let members: [[Float]] = [[0.1, 0.2, 0.7, 0.6, 0.3, 0.1],
                              [0.2, 0.1, 0.7, 0.2, 0.5, 0.3],
                              [0.5, 0.2, 0.3, 0.1, 0.1, 0.8]]
    let result = PixelClassifierEnsemble.vote(members, classCount: 3)
    #expect(result.labels == [2, 0])
    func h(_ p: [Float]) -> Float { p.reduce(0) { $1 > 0 ? $0 - $1 * log($1) : $0 } }
    let mean: [Float] = [0.8 / 3, 0.5 / 3, 1.7 / 3]
    let expected = h(mean) - (h([0.1, 0.2, 0.7]) + h([0.2, 0.1, 0.7]) + h([0.5, 0.2, 0.3])) / 3
    #expect(abs(result.disagreement[0] - expected) < 1e-5)
    let same = PixelClassifierEnsemble.vote([[0.2, 0.8], [0.2, 0.8]], classCount: 2)
    #expect(same.labels == [1] && abs(same.disagreement[0]) < 1e-6)
}
