import Foundation
import GAN
import Tensor
import Testing

@Suite struct TrainingTests {
    @Test func trainedDiscriminatorApproachesTheOptimalOne() {
        let grid = Grid1D(lower: -6, upper: 6, count: 241)
        let pData = GaussianMixture1D([Gaussian1D(mean: -1.5, std: 0.6), Gaussian1D(mean: 1.5, std: 0.6)])
        let pG = Gaussian1D(mean: 0.5, std: 1.2)
        let settings = DiscriminatorTraining(hidden: 32, steps: 600, batch: 512, learningRate: 1e-2,
                                             evaluationSamples: 4000)
        let r = trainDiscriminator1D(pData: pData, pG: pG, grid: grid, settings: settings,
                                     rng: RandomGenerator(seed: 0))
        #expect(r.maxGap < 0.1, "max |D − D*| = \(r.maxGap) where p_data + p_g ≥ 5% of its max")
        // V(D, G) ≤ C(G) for any D; a well-trained D comes close.
        #expect(r.valueGrid <= r.criterion + 1e-9)
        #expect(Swift.abs(r.valueMonteCarlo - r.criterion) < 0.05)
        #expect(r.losses.allSatisfy { $0.isFinite })
    }

    @Test func ringGANTrainsAndCountsModes() {
        var c = RingGANConfig()
        c.hidden = 32
        c.batch = 64
        c.steps = 150
        c.snapshotSteps = [0, 150]
        c.snapshotSamples = 128
        c.gridResolution = 8
        c.arrowCount = 8
        c.evaluationSamples = 256
        let r = trainRingGAN(c, rng: RandomGenerator(seed: 0))
        #expect(r.discriminatorLoss.count == 150)
        #expect((r.discriminatorLoss + r.generatorLoss).allSatisfy { $0.isFinite })
        // Early on the discriminator separates real from fake.
        let early = 10..<60
        #expect(r.meanDReal[early].reduce(0, +) > r.meanDFake[early].reduce(0, +))
        #expect(r.snapshots.map(\.step) == [0, 150])
        #expect(r.snapshots[0].discriminator.count == 8 && r.snapshots[0].discriminator[0].count == 8)
        #expect(r.snapshots[1].arrowGradients.contains { $0.norm > 0 })
        // Deterministic: the same seed gives the same losses.
        let again = trainRingGAN(c, rng: RandomGenerator(seed: 0))
        #expect(again.generatorLoss == r.generatorLoss)
    }

    @Test func coverageCountsModes() {
        let ring = GaussianRing(modes: 8, radius: 2, modeStd: 0.05)
        let all = ring.sample(800, rng: RandomGenerator(seed: 1)).scalars
        let points = stride(from: 0, to: all.count, by: 2).map { Point2(Double(all[$0]), Double(all[$0 + 1])) }
        let full = ring.coverage(of: points, minimumFraction: 0.02)
        #expect(full.modesCovered == 8)
        #expect(full.highQualityFraction > 0.98)
        let collapsed = ring.coverage(of: Array(repeating: Point2(2, 0), count: 100) + [Point2(0, 0)],
                                      minimumFraction: 0.02)
        #expect(collapsed.modesCovered == 1)
    }
}
