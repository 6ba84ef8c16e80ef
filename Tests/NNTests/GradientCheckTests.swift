import NN
import Tensor
import Testing

/// Every layer's gradient (inputs and parameters) against central differences.
enum LayerCase: String, CaseIterable, Sendable {
    case linear, linearNoBias, linear3d, conv1d, conv2d, convTranspose2d, layerNorm, groupNorm
    case batchNorm1d, batchNorm1dSequence, batchNorm2d, batchNormEval, dropout, embedding, gruCell, gru
    case sinusoidal, attention, sequential, relu, leakyRelu, silu, gelu, sigmoid, tanh, softplus

    /// The inputs to check and the function of them (the layer's parameters are among the inputs).
    func make() -> (inputs: [Tensor], f: ([Tensor]) -> Tensor) {
        let rng = RandomGenerator(seed: 11)
        func input(_ shape: [Int]) -> Tensor { rng.normal(shape) }
        func layer(_ l: some Layer, _ shape: [Int]) -> ([Tensor], ([Tensor]) -> Tensor) {
            let x = input(shape)
            return ([x] + l.parameters, { _ in l(x) })
        }
        func activation(_ l: some Layer) -> ([Tensor], ([Tensor]) -> Tensor) {
            // Keep away from kinks: finite differences across a kink are meaningless.
            let x = Tensor([-2.1, -0.7, -0.2, 0.3, 0.9, 1.7, 2.5, -1.3], shape: [2, 4])
            return ([x], { ins in l(ins[0]) })
        }
        switch self {
        case .linear: return layer(Linear(inputSize: 3, outputSize: 4, rng: rng), [2, 3])
        case .linearNoBias: return layer(Linear(inputSize: 3, outputSize: 2, bias: false, rng: rng), [2, 3])
        case .linear3d: return layer(Linear(inputSize: 3, outputSize: 2, rng: rng), [2, 2, 3])
        case .conv1d:
            return layer(Conv1d(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, rng: rng), [2, 2, 5])
        case .conv2d:
            return layer(Conv2d(inputChannels: 2, outputChannels: 2, kernelSize: 3, stride: 2, padding: 1, rng: rng),
                         [1, 2, 5, 5])
        case .convTranspose2d:
            return layer(ConvTranspose2d(inputChannels: 2, outputChannels: 2, kernelSize: 3, stride: 2, padding: 1,
                                         rng: rng), [1, 2, 3, 3])
        case .layerNorm:
            let l = LayerNorm(size: 5)
            for p in l.parameters { p.assign(input(p.shape)) }
            return layer(l, [3, 5])
        case .groupNorm:
            let l = GroupNorm(groups: 2, channels: 4)
            for p in l.parameters { p.assign(input(p.shape)) }
            return layer(l, [2, 4, 2, 2])
        case .batchNorm1d:
            let l = BatchNorm(featureCount: 3)
            for p in l.parameters { p.assign(input(p.shape)) }
            return layer(l, [5, 3])
        case .batchNorm1dSequence: return layer(BatchNorm1d(featureCount: 2), [3, 2, 4])
        case .batchNorm2d: return layer(BatchNorm2d(featureCount: 2), [2, 2, 3, 3])
        case .batchNormEval:
            let l = BatchNorm(featureCount: 3)
            l.runningMean.assign(Tensor([0.5, -1, 2], shape: [3]))
            l.runningVariance.assign(Tensor([2, 0.5, 1.5], shape: [3]))
            l.eval()
            return layer(l, [4, 3])
        case .dropout:
            let x = input([4, 6])
            // A fresh generator per call gives the same mask every time.
            return ([x], { ins in Dropout(probability: 0.3, rng: RandomGenerator(seed: 5))(ins[0]) })
        case .embedding:
            let e = Embedding(count: 5, dimension: 3, rng: rng)
            return (e.parameters, { _ in e([4, 1, 4, 0], shape: [2, 2]) })
        case .gruCell:
            let cell = GRUCell(inputSize: 3, hiddenSize: 4, rng: rng)
            let x = input([2, 3]), h = input([2, 4])
            return ([x, h] + cell.parameters, { _ in cell(x, hidden: h) })
        case .gru:
            // Three steps, two layers, with an initial hidden state: both outputs.
            let gru = GRU(inputSize: 2, hiddenSize: 3, layerCount: 2, rng: rng)
            let x = input([2, 3, 2]), h0 = input([2, 2, 3])
            return ([x, h0] + gru.parameters, { _ in
                let (out, hidden) = gru(x, initialHidden: h0)
                return Tensor.concat([out.reshaped([-1]), hidden.reshaped([-1])])
            })
        case .sinusoidal:
            let t = Tensor([0.5, 3, 7.25], shape: [3])
            return ([t], { ins in sinusoidalEmbedding(ins[0], dimension: 7, maxPeriod: 100) })
        case .attention:
            let a = SelfAttention2d(channels: 4, groups: 2, rng: rng)
            return layer(a, [1, 4, 2, 3])
        case .sequential:
            let s = Sequential(Linear(inputSize: 3, outputSize: 4, rng: rng), SiLU(),
                               LayerNorm(size: 4), Linear(inputSize: 4, outputSize: 2, rng: rng), Softplus())
            return layer(s, [3, 3])
        case .relu: return activation(ReLU())
        case .leakyRelu: return activation(LeakyReLU(slope: 0.1))
        case .silu: return activation(SiLU())
        case .gelu: return activation(GELU())
        case .sigmoid: return activation(Sigmoid())
        case .tanh: return activation(Tanh())
        case .softplus: return activation(Softplus())
        }
    }
}

/// Every loss's gradient with respect to every differentiable argument.
enum LossCase: String, CaseIterable, Sendable {
    case mse, mseSum, l1, bce, bceLarge, crossEntropy, crossEntropyIgnore, crossEntropy3d
    case gaussianLogVariance, gaussianVariance, bernoulli, klPair, klStandard

    func make() -> (inputs: [Tensor], f: ([Tensor]) -> Tensor) {
        let rng = RandomGenerator(seed: 12)
        let a = rng.normal([3, 4]), b = rng.normal([3, 4]), c = rng.normal([3, 4]), d = rng.normal([3, 4])
        let probabilities = rng.uniform([3, 4])
        switch self {
        case .mse: return ([a, b], { meanSquaredError(predicted: $0[0], expected: $0[1]) })
        case .mseSum: return ([a, b], { meanSquaredError(predicted: $0[0], expected: $0[1], reduction: .sum) })
        case .l1:
            let target = a + Tensor([0.5, -0.5, 0.25, -0.25], shape: [4])  // no zero differences
            return ([a], { l1Loss(predicted: $0[0], expected: target) })
        case .bce: return ([a, probabilities], { binaryCrossEntropy(logits: $0[0], targets: $0[1]) })
        case .bceLarge:
            let logits = a * 30
            return ([logits], { binaryCrossEntropy(logits: $0[0], targets: probabilities, reduction: .none) })
        case .crossEntropy: return ([a], { NN.crossEntropy(logits: $0[0], labels: [0, 3, 2]) })
        case .crossEntropyIgnore: return ([a], { NN.crossEntropy(logits: $0[0], labels: [1, -100, 3]) })
        case .crossEntropy3d:
            let logits = rng.normal([2, 2, 3])
            return ([logits], { NN.crossEntropy(logits: $0[0], labels: [0, 2, 1, 7], ignoreIndex: 7, reduction: .none) })
        case .gaussianLogVariance:
            return ([a, b, c * 0.5], { gaussianNLL($0[0], mean: $0[1], logVariance: $0[2]) })
        case .gaussianVariance:
            let variance = probabilities + 0.5
            return ([a, b, variance], { gaussianNLL($0[0], mean: $0[1], variance: $0[2], reduction: .mean) })
        case .bernoulli: return ([a], { bernoulliNLL(logits: $0[0], targets: probabilities) })
        case .klPair:
            return ([a, b * 0.5, c, d * 0.5], {
                gaussianKL(mean1: $0[0], logVariance1: $0[1], mean2: $0[2], logVariance2: $0[3])
            })
        case .klStandard: return ([a, b * 0.5], { gaussianKL(mean: $0[0], logVariance: $0[1], reduction: .none) })
        }
    }
}

@Suite struct GradientCheckTests {
    @Test(arguments: LayerCase.allCases)
    func layerGradients(_ c: LayerCase) {
        let (inputs, f) = c.make()
        let result = checkGradients(of: inputs, f)
        #expect(result.maxRelativeError < 1e-2, "\(c): \(result)")
    }

    @Test(arguments: LossCase.allCases)
    func lossGradients(_ c: LossCase) {
        let (inputs, f) = c.make()
        let result = checkGradients(of: inputs, f)
        #expect(result.maxRelativeError < 1e-2, "\(c): \(result)")
    }
}
