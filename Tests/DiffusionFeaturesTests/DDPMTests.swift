import DiffusionFeatures
import Testing
import Tensor

/// A U-Net small enough to train in a test: two levels, 8 and 16 channels, attention at 4×4.
let tinyUNet = UNetConfiguration(imageSize: 8, imageChannels: 3, channels: [8, 16], attentionResolutions: [4],
                                 groups: 4, timeEmbedding: 16)

/// Images with structure a denoiser can learn: a bright square on a dark field, at one of four places.
func squares(_ count: Int, side: Int = 8) -> Tensor {
    var values = [Float](repeating: -1, count: count * 3 * side * side)
    for n in 0..<count {
        let x0 = (n % 2) * side / 2, y0 = (n / 2 % 2) * side / 2
        for c in 0..<3 {
            for y in y0..<(y0 + side / 2) {
                for x in x0..<(x0 + side / 2) { values[((n * 3 + c) * side + y) * side + x] = c == n % 3 ? 1 : 0.2 }
            }
        }
    }
    return Tensor(values, shape: [count, 3, side, side])
}

@Test func unetShapesFollowTheConfiguration() {
    let model = DenoisingUNet(configuration: tinyUNet, rng: RandomGenerator(seed: 1))
    let (noise, blocks) = model.forward(Tensor(zeros: [2, 3, 8, 8]), timesteps: [3, 900])
    #expect(noise.shape == [2, 3, 8, 8])
    #expect(blocks.map(\.shape) == [[2, 16, 4, 4], [2, 8, 8, 8]])
    #expect(tinyUNet.decoderChannels == [16, 8] && tinyUNet.decoderSides == [4, 8])
    #expect(UNetConfiguration.small.problems.isEmpty && UNetConfiguration.wide.problems.isEmpty)
    var bad = tinyUNet
    bad.channels = [8, 18]
    #expect(!bad.problems.isEmpty)
}

@Test func noisingFollowsTheClosedForm() {
    let ddpm = DDPM(configuration: DDPMConfiguration(unet: tinyUNet), seed: 0)
    let x = Tensor([Float](repeating: 1, count: 3 * 64), shape: [1, 3, 8, 8])
    let noise = Tensor([Float](repeating: 2, count: 3 * 64), shape: [1, 3, 8, 8])
    let t = 499
    let abar = ddpm.schedule.alphasCumulative[t]
    let expected = Float(abar.squareRoot() + 2 * (1 - abar).squareRoot())
    let got = ddpm.noised(x, timesteps: [t], noise: noise).scalars
    #expect(got.allSatisfy { abs($0 - expected) < 1e-5 })
    #expect(abs(ddpm.schedule.betas[0] - 1e-4) < 1e-12 && abs(ddpm.schedule.betas[999] - 0.02) < 1e-12)
}

@Test func ddpmTrainingLowersTheLossAndRepeatsForASeed() throws {
    let images = squares(16)
    let config = DDPMConfiguration(unet: tinyUNet, learningRate: 2e-3, batchSize: 8)
    func trained() throws -> (DDPM, [Float]) {
        let ddpm = DDPM(configuration: config, seed: 7)
        var losses: [Float] = []
        try ddpm.train(on: images, steps: 120, seed: 3) { _, loss in losses.append(loss) }
        return (ddpm, losses)
    }
    let (a, lossesA) = try trained()
    let (b, lossesB) = try trained()
    #expect(lossesA == lossesB)
    #expect(a.network.parameters.map(\.scalars) == b.network.parameters.map(\.scalars))
    let early = lossesA.prefix(10).reduce(0, +) / 10, late = lossesA.suffix(10).reduce(0, +) / 10
    #expect(late < 0.5 * early, "loss \(early) → \(late)")
    #expect(throws: DiffusionFeaturesError.self) { try a.train(on: Tensor(zeros: [2, 1, 8, 8]), steps: 1, seed: 0) }
}

@Test func diffusionFeaturesHaveTheDeclaredShapeAndIgnoreTheBatchSplit() throws {
    let ddpm = DDPM(configuration: DDPMConfiguration(unet: tinyUNet), seed: 2)
    let source = try DiffusionFeatureSource(name: "DDPM", ddpm: ddpm, timesteps: [50, 150], blocks: [0, 1])
    #expect(source.featureCount == 2 * (16 + 8))
    let images = squares(4)
    let whole = source.features(of: images, firstIndex: 0)
    #expect(whole.shape == [4, 48, 8, 8])
    let halves = Tensor.concat([source.features(of: images.sliced(axis: 0, 0..<2), firstIndex: 0),
                                source.features(of: images.sliced(axis: 0, 2..<4), firstIndex: 2)], axis: 0)
    let gap = zip(whole.scalars, halves.scalars).map { abs($0 - $1) }.max()!
    #expect(gap < 1e-4)
    #expect(source.features(of: images, firstIndex: 0).scalars == whole.scalars)
    #expect(throws: DiffusionFeaturesError.self) { try DiffusionFeatureSource(name: "x", ddpm: ddpm, timesteps: [1000], blocks: [0]) }
    #expect(throws: DiffusionFeaturesError.self) { try DiffusionFeatureSource(name: "x", ddpm: ddpm, timesteps: [5], blocks: [2]) }
}

@Test func rawPixelsCarryValuesAndPosition() {
    let out = RawPixelSource(channels: 3).features(of: squares(1), firstIndex: 0)
    #expect(out.shape == [1, 5, 8, 8])
    let v = out.scalars
    #expect(v[3 * 64 + 0] == -1 && v[3 * 64 + 7] == 1)     // x runs left to right
    #expect(v[4 * 64 + 0] == -1 && v[4 * 64 + 56] == 1)    // y runs top to bottom
    #expect(v[0] == 1)                                      // the square's red channel at the origin
}
