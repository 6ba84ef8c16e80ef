import Foundation
import NN
import Tensor
import Testing

@Suite struct LearningTests {
    /// y = sin(3x) on [−1, 1]: the best straight line leaves MSE ≈ 0.12; an MLP gets well below it.
    @Test func mlpFitsNonlinearRegression() {
        let rng = RandomGenerator(seed: 1)
        let n = 256
        let xs = (0..<n).map { -1 + 2 * Float($0) / Float(n - 1) }
        let x = Tensor(xs, shape: [n, 1]), y = Tensor(xs.map { Foundation.sin(3 * $0) }, shape: [n, 1])

        // Least-squares line, for the bar to beat.
        let ys = y.scalars
        let mx: Float = xs.reduce(0, +) / Float(n), my: Float = ys.reduce(0, +) / Float(n)
        var sxy: Float = 0, sxx: Float = 0
        for (a, b) in zip(xs, ys) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        let slope = sxy / sxx
        var linearMSE: Float = 0
        for (a, b) in zip(xs, ys) { let r = b - (my + slope * (a - mx)); linearMSE += r * r / Float(n) }
        #expect(linearMSE > 0.05)

        let model = MLP(sizes: [1, 32, 32, 1], rng: rng)
        let adam = Adam(for: model, learningRate: 1e-2)
        var loss: Float = .infinity
        for _ in 0..<400 {
            model.zeroGrad()
            let l = meanSquaredError(predicted: model(x), expected: y)
            l.backward()
            adam.step()
            loss = l.item
        }
        let final = withoutGrad { meanSquaredError(predicted: model(x), expected: y).item }
        #expect(final < 2e-3 && final < linearMSE / 20, "MLP MSE \(final) (last step \(loss)), linear \(linearMSE)")
    }

    /// Output the input from two steps ago (±1 inputs): needs memory, so only the recurrence can solve it.
    @Test func gruLearnsDelayedCopy() {
        let rng = RandomGenerator(seed: 2)
        let (batch, steps, delay) = (64, 8, 2)
        let gru = GRU(inputSize: 1, hiddenSize: 12, rng: rng)
        let readout = Linear(inputSize: 12, outputSize: 1, rng: rng)
        let model = Sequential([readout])
        let adam = Adam(parameters: gru.parameters + model.parameters, learningRate: 2e-2)

        func sample(_ data: RandomGenerator) -> (Tensor, Tensor, [Float]) {
            let bits = data.bernoulli([batch, steps, 1], probability: 0.5).scalars.map { $0 * 2 - 1 }
            var target = [Float](repeating: 0, count: batch * steps)
            for b in 0..<batch { for t in delay..<steps { target[b * steps + t] = bits[b * steps + t - delay] } }
            return (Tensor(bits, shape: [batch, steps, 1]), Tensor(target, shape: [batch, steps, 1]), target)
        }
        let data = RandomGenerator(seed: 3)
        for _ in 0..<150 {
            let (x, y, _) = sample(data)
            let (h, _) = gru(x)
            adam.zeroGrad()
            meanSquaredError(predicted: readout(h), expected: y).backward()
            adam.step()
        }
        let (x, _, target) = sample(RandomGenerator(seed: 99))
        let prediction = withoutGrad { readout(gru(x).output) }.scalars
        var correct = 0, total = 0
        for b in 0..<batch {
            for t in delay..<steps {
                total += 1
                if (prediction[b * steps + t] > 0) == (target[b * steps + t] > 0) { correct += 1 }
            }
        }
        let accuracy = Double(correct) / Double(total)
        #expect(accuracy >= 0.95, "delayed-copy accuracy \(accuracy)")
    }

    /// 8×8 images holding one horizontal or one vertical bar at a random position, plus Gaussian noise.
    @Test func convNetTellsBarOrientationsApart() {
        let rng = RandomGenerator(seed: 4)
        func images(_ count: Int, _ data: RandomGenerator) -> (Tensor, Tensor) {
            let noise = data.normal([count, 1, 8, 8], std: 0.3).scalars
            var pixels = noise, labels = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let vertical = data.integer(below: 2) == 1, at = data.integer(below: 8)
                labels[i] = vertical ? 1 : 0
                for k in 0..<8 {
                    let (r, c) = vertical ? (k, at) : (at, k)
                    pixels[i * 64 + r * 8 + c] += 1
                }
            }
            return (Tensor(pixels, shape: [count, 1, 8, 8]), Tensor(labels, shape: [count, 1]))
        }
        let conv1 = Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: 1, rng: rng)
        let conv2 = Conv2d(inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, rng: rng)
        let head = Linear(inputSize: 4, outputSize: 1, rng: rng)
        let net = Sequential(conv1, ReLU(), conv2, ReLU(), Lambda { $0.mean(axes: [2, 3]) }, head)
        let adam = Adam(for: net, learningRate: 2e-2)
        let data = RandomGenerator(seed: 5)
        for _ in 0..<120 {
            let (x, y) = images(32, data)
            net.zeroGrad()
            binaryCrossEntropy(logits: net(x), targets: y).backward()
            adam.step()
        }
        let (x, y) = images(200, RandomGenerator(seed: 6))
        let logits = withoutGrad { net(x) }.scalars
        let correct = zip(logits, y.scalars).filter { ($0 > 0) == ($1 > 0.5) }.count
        #expect(Double(correct) / 200 >= 0.9, "bar accuracy \(Double(correct) / 200)")
    }

    /// The training loop from `Optimizer`'s documentation, shortened: loss goes down and the EMA weights load back.
    @Test func documentedTrainingLoop() throws {
        let rng = RandomGenerator(seed: 7)
        let model = Sequential(Linear(inputSize: 2, outputSize: 64, rng: rng), SiLU(),
                               Linear(inputSize: 64, outputSize: 1, rng: rng))
        let optimizer = AdamW(for: model, learningRate: 1e-2)
        let schedule = LearningRateSchedule.cosine(peak: 1e-2, warmupSteps: 10, totalSteps: 200, minimum: 1e-3)
        let ema = ExponentialMovingAverage(of: model, decay: 0.9)
        let x = rng.uniform([128, 2], low: -1, high: 1)
        let y = (x.sliced(axis: 1, 0..<1) * x.sliced(axis: 1, 1..<2)) * 2
        var losses: [Float] = []
        for step in 0..<200 {
            model.zeroGrad()
            let loss = meanSquaredError(predicted: model(x), expected: y)
            loss.backward()
            clipGradientNorm(of: model, maxNorm: 1)
            optimizer.learningRate = schedule(step)
            optimizer.step()
            ema.update()
            losses.append(loss.item)
        }
        #expect(losses.last! < losses.first! / 10, "loss \(losses.first!) → \(losses.last!)")

        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ema.safetensors")
        let averaged = Sequential(Linear(inputSize: 2, outputSize: 64, rng: rng), SiLU(),
                                  Linear(inputSize: 64, outputSize: 1, rng: rng))
        ema.copy(into: averaged)
        try averaged.save(to: url, metadata: ["steps": "200"])
        let restored = Sequential(Linear(inputSize: 2, outputSize: 64, rng: rng), SiLU(),
                                  Linear(inputSize: 64, outputSize: 1, rng: rng))
        #expect(try restored.load(from: url) == ["steps": "200"])
        let emaLoss = withoutGrad { meanSquaredError(predicted: restored(x), expected: y).item }
        #expect(emaLoss < losses.first! / 10)
    }
}
