import Foundation
import NN
import Tensor
import Testing

private func withGradient(_ model: Holder, _ g: [Float]) {
    model.value.setGrad(Tensor(g, shape: [g.count]))
}

@Suite struct OptimizerTests {
    @Test func sgdStepsMatchHandComputation() {
        // Plain: p − lr·g.
        let plain = Holder([1, 2])
        let sgd = SGD(for: plain, learningRate: 0.1)
        withGradient(plain, [0.5, -1]); sgd.step()
        #expect(isClose(plain.value.scalars, [0.95, 2.1]))

        // Momentum 0.9: b₁ = g, b₂ = 0.9g + g = 1.9g.
        let heavy = Holder([1, 2])
        let momentum = SGD(for: heavy, learningRate: 0.1, momentum: 0.9)
        withGradient(heavy, [0.5, -1]); momentum.step()
        withGradient(heavy, [0.5, -1]); momentum.step()
        #expect(isClose(heavy.value.scalars, [0.855, 2.29]))

        // Nesterov: d = g + 0.9·b = 1.9g at the first step.
        let nesterovModel = Holder([1, 2])
        let nesterov = SGD(for: nesterovModel, learningRate: 0.1, momentum: 0.9, nesterov: true)
        withGradient(nesterovModel, [0.5, -1]); nesterov.step()
        #expect(isClose(nesterovModel.value.scalars, [0.905, 2.19]))

        // L2 decay 0.1: g + 0.1p = [0.6, −0.8].
        let decayed = Holder([1, 2])
        let wd = SGD(for: decayed, learningRate: 0.1, weightDecay: 0.1)
        withGradient(decayed, [0.5, -1]); wd.step()
        #expect(isClose(decayed.value.scalars, [0.94, 2.08]))
    }

    @Test func parametersWithoutGradientsAreSkipped() {
        let a = Holder([1]), b = Tensor([5], shape: [1], requiresGrad: true)
        let sgd = SGD(parameters: [a.value, b], learningRate: 1)
        withGradient(a, [1])
        sgd.step()
        #expect(a.value.item == 0 && b.item == 5)
        #expect(sgd.states.count == 1)
    }

    /// At step 1, m̂ = g and v̂ = g², so Adam moves every coordinate by lr·sign(g). Step 2 with g₂ = [0.25, 1]:
    /// m = 0.9·0.05 + 0.1·0.25, v = 0.999·0.00025 + 0.001·0.0625, bias corrections 1 − 0.9², 1 − 0.999².
    @Test func adamStepsMatchHandComputation() {
        let model = Holder([1, 2])
        let adam = Adam(for: model, learningRate: 0.01)
        withGradient(model, [0.5, -1]); adam.step()
        #expect(isClose(model.value.scalars, [0.99, 2.01], tolerance: 1e-6))
        withGradient(model, [0.25, 1]); adam.step()
        #expect(isClose(model.value.scalars, [0.980_678_2, 2.009_473_7], tolerance: 1e-6))
        #expect(adam.state(of: model.value)?.stepCount == 2)

        // Classic L2 (λ = 1) changes the gradient's sign for the second coordinate: g + p = [1.5, 1].
        let l2 = Holder([1, 2])
        let adamL2 = Adam(for: l2, learningRate: 0.01, weightDecay: 1)
        withGradient(l2, [0.5, -1]); adamL2.step()
        #expect(isClose(l2.value.scalars, [0.99, 1.99], tolerance: 1e-6))

        // AdamW: p ← p − lr·λ·p − lr·sign(g) = p·(1 − 0.001) ∓ 0.01.
        let w = Holder([1, 2])
        let adamW = AdamW(for: w, learningRate: 0.01, weightDecay: 0.1)
        withGradient(w, [0.5, -1]); adamW.step()
        #expect(isClose(w.value.scalars, [0.989, 2.008], tolerance: 1e-6))
    }

    @Test func clippingScalesToTheMaximumNormWithoutTouchingOldBuffers() {
        let a = Tensor([0, 0], shape: [2], requiresGrad: true), b = Tensor([0], shape: [1], requiresGrad: true)
        let c = Tensor([0], shape: [1], requiresGrad: true)  // no gradient: counts as zero
        let ga = Tensor([3, 4], shape: [2]), gb = Tensor([12], shape: [1])
        a.setGrad(ga); b.setGrad(gb)
        let norm = clipGradientNorm([a, b, c], maxNorm: 6.5)
        #expect(isClose(norm, 13))
        #expect(isClose(a.grad!.scalars, [1.5, 2], tolerance: 1e-5) && isClose(b.grad!.item, 6, tolerance: 1e-5))
        #expect(isClose(gradientNorm([a, b, c]), 6.5, tolerance: 1e-5))
        #expect(ga.scalars == [3, 4] && gb.scalars == [12])  // the old gradient tensors are untouched
        #expect(c.grad == nil)

        // Below the maximum nothing changes (the same gradient object stays).
        let before = a.grad!
        #expect(isClose(clipGradientNorm([a, b], maxNorm: 100), 6.5, tolerance: 1e-5))
        #expect(a.grad! === before)
    }

    @Test func clippingSharedGradientBuffers() {
        // An `add` hands the same gradient tensor to both inputs: clipping one must not change the other.
        let x = Tensor([1, 2], shape: [2], requiresGrad: true), y = Tensor([3, 4], shape: [2], requiresGrad: true)
        ((x + y) * 10).sum().backward()
        clipGradientNorm([x], maxNorm: 1)
        #expect(isClose(gradientNorm([x]), 1, tolerance: 1e-5))
        #expect(y.grad!.scalars == [10, 10])
    }

    @Test(arguments: [
        (LearningRateSchedule.constant(0.1), [0, 5, 1000], [Float(0.1), 0.1, 0.1]),
        (.linearDecay(initial: 1, final: 0, steps: 10), [0, 5, 10, 20], [1, 0.5, 0, 0]),
        (.linearDecay(initial: 0.2, final: 0.1, steps: 4), [1, 3], [0.175, 0.125]),
        (.cosine(peak: 1, warmupSteps: 2, totalSteps: 12, minimum: 0), [0, 1, 2, 7, 12, 100], [0.5, 1, 1, 0.5, 0, 0]),
        (.cosine(peak: 2, warmupSteps: 0, totalSteps: 4, minimum: 1), [0, 1, 2, 4], [2, 1.853_553_4, 1.5, 1]),
        (.step(initial: 1, gamma: 0.5, every: 3), [0, 2, 3, 6, 9], [1, 1, 0.5, 0.25, 0.125]),
    ])
    func schedules(_ schedule: LearningRateSchedule, steps: [Int], expected: [Float]) {
        #expect(isClose(steps.map { schedule($0) }, expected, tolerance: 1e-6))
    }

    @Test func emaAfterTwoUpdates() {
        let model = Holder([1])
        let ema = ExponentialMovingAverage(of: model, decay: 0.9)
        model.value.assign(Tensor([2], shape: [1])); ema.update()
        #expect(isClose(ema.shadow[0].1.item, 1.1))
        model.value.assign(Tensor([4], shape: [1])); ema.update()
        #expect(isClose(ema.shadow[0].1.item, 1.39))  // 0.9·1.1 + 0.1·4
        #expect(ema.updateCount == 2)

        let evaluationCopy = Holder([0])
        ema.copy(into: evaluationCopy)
        #expect(isClose(evaluationCopy.value.item, 1.39))
        ema.swap()
        #expect(isClose(model.value.item, 1.39) && ema.shadow[0].1.item == 4)
        ema.swap()
        #expect(model.value.item == 4 && isClose(ema.shadow[0].1.item, 1.39))
    }

    @Test func emaCopiesBuffers() {
        let bn = BatchNorm(featureCount: 1)
        let ema = ExponentialMovingAverage(of: bn, decay: 0.5)
        _ = bn(Tensor([1, 3], shape: [2, 1]))
        ema.update()
        let shadow = Dictionary(uniqueKeysWithValues: ema.shadow)
        #expect(isClose(shadow["runningMean"]!.item, 0.2))  // copied: 0.1·2, not averaged with 0
        #expect(shadow["weight"]!.item == 1)
    }
}
