import Foundation
import NN
import Tensor
import Testing

private final class Block: Module, Layer {
    let norm: BatchNorm
    let linear: Linear
    let extra: Tensor?
    let unused: Int = 3
    init(rng: RandomGenerator, extra: Bool) {
        norm = BatchNorm(featureCount: 2)
        linear = Linear(inputSize: 2, outputSize: 3, rng: rng)
        self.extra = extra ? Tensor([1], shape: [1], requiresGrad: true) : nil
        super.init()
    }
    func callAsFunction(_ input: Tensor) -> Tensor { linear(norm(input)) }
}

private final class Tower: Module {
    let blocks: [Block]
    let head: Sequential
    init(rng: RandomGenerator) {
        blocks = [Block(rng: rng, extra: true), Block(rng: rng, extra: false)]
        head = Sequential(Linear(inputSize: 3, outputSize: 1, rng: rng), Tanh(), Dropout(probability: 0.5, rng: rng))
        super.init()
    }
}

@Suite struct ModuleTests {
    @Test func parametersAreFoundByReflectionWithDottedNames() {
        let tower = Tower(rng: RandomGenerator(seed: 1))
        #expect(tower.namedParameters().map(\.0) == [
            "blocks.0.norm.weight", "blocks.0.norm.bias", "blocks.0.linear.weight", "blocks.0.linear.bias", "blocks.0.extra",
            "blocks.1.norm.weight", "blocks.1.norm.bias", "blocks.1.linear.weight", "blocks.1.linear.bias",
            "head.layers.0.weight", "head.layers.0.bias",
        ])
        #expect(tower.namedBuffers().map(\.0) == [
            "blocks.0.norm.runningMean", "blocks.0.norm.runningVariance",
            "blocks.1.norm.runningMean", "blocks.1.norm.runningVariance",
        ])
        #expect(tower.namedState().count == 15)
        #expect(tower.parameterCount == 2 * (2 + 2 + 6 + 3) + 1 + 3 + 1)
        #expect(tower.parameters.allSatisfy { $0.requiresGrad })
        #expect(tower.namedBuffers().allSatisfy { !$0.1.requiresGrad })
        #expect(tower.namedModules().map(\.0).contains("head.layers.2"))
    }

    @Test func modeAndGradientsPropagateToChildren() {
        let tower = Tower(rng: RandomGenerator(seed: 1))
        #expect(tower.namedModules().allSatisfy { $0.1.isTraining })
        tower.eval()
        #expect(!tower.isTraining && tower.namedModules().allSatisfy { !$0.1.isTraining })
        tower.train()
        #expect(tower.namedModules().allSatisfy { $0.1.isTraining })

        let x = Tensor([1, 2, 3, 4, 5, 7], shape: [3, 2])
        tower.head(tower.blocks[0](x)).sum().backward()
        #expect(tower.blocks[0].linear.weight.grad != nil)
        #expect(tower.head.layers.first.map { ($0 as! Linear).weight.grad != nil } == true)
        tower.zeroGrad()
        #expect(tower.parameters.allSatisfy { $0.grad == nil })

        tower.freeze()
        #expect(tower.trainableParameters.isEmpty)
        tower.freeze(false)
        #expect(tower.trainableParameters.count == 11)
    }

    @Test func sharedParametersAreListedOnce() {
        let rng = RandomGenerator(seed: 2)
        let shared = Linear(inputSize: 2, outputSize: 2, rng: rng)
        let seq = Sequential(shared, shared)
        #expect(seq.namedParameters().map(\.0) == ["layers.0.weight", "layers.0.bias"])
    }

    @Test func dropoutIsIdentityInEvalAndUnbiasedInTraining() {
        let dropout = Dropout(probability: 0.25, rng: RandomGenerator(seed: 3))
        let x = Tensor(repeating: 1, shape: [10_000])
        let y = dropout(x).scalars
        let zeros = y.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 10_000 - 0.25) < 0.02)
        #expect(y.allSatisfy { $0 == 0 || isClose($0, 1 / 0.75) })
        dropout.eval()
        #expect(dropout(x).scalars == x.scalars)
    }

    @Test func initialisationBoundsFollowPyTorch() {
        let rng = RandomGenerator(seed: 4)
        let linear = Linear(inputSize: 16, outputSize: 300, rng: rng)
        let w = linear.weight.scalars, b = linear.bias!.scalars
        #expect(w.allSatisfy { abs($0) <= 0.25 } && w.max()! > 0.24 && w.min()! < -0.24)
        #expect(b.allSatisfy { abs($0) <= 0.25 })
        let conv = Conv2d(inputChannels: 4, outputChannels: 8, kernelSize: 3, rng: rng)
        #expect(conv.weight.shape == [8, 4, 3, 3])
        #expect(conv.weight.scalars.allSatisfy { abs($0) <= 1 / 6 })
        let embedding = Embedding(count: 100, dimension: 10, rng: rng)
        let e = embedding.weight.scalars
        let mean = e.reduce(0, +) / Float(e.count)
        let variance = e.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(e.count)
        #expect(abs(mean) < 0.1 && abs(variance - 1) < 0.15)
        #expect(embedding([3, 3, 7], shape: [1, 3]).shape == [1, 3, 10])
        #expect(embedding([7]).scalars == Array(e[70..<80]))
    }
}
