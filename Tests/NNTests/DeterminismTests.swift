import NN
import Tensor
import Testing

/// 20 Adam steps of an MLP on a 4096×64 batch, large enough that elementwise kernels split across threads and
/// OpenBLAS parallelises the GEMMs. Returns the bit patterns of every parameter.
private func trainedParameterBits(threads: Int) -> [String: [UInt32]] {
    Threading.setThreadCount(threads)
    let rng = RandomGenerator(seed: 42)
    let model = MLP(sizes: [64, 64, 64, 1], rng: rng)
    let x = rng.normal([4096, 64])
    let y = (x.sliced(axis: 1, 0..<1) * x.sliced(axis: 1, 1..<2)).sin()
    let adam = Adam(for: model, learningRate: 1e-3)
    for _ in 0..<20 {
        model.zeroGrad()
        meanSquaredError(predicted: model(x), expected: y).backward()
        adam.step()
    }
    return stateBits(model)
}

@Suite(.serialized) struct DeterminismTests {
    @Test func trainingIsBitIdenticalAcrossRunsAndThreadCounts() {
        let original = Threading.threadCount
        defer { Threading.setThreadCount(original) }
        let first = trainedParameterBits(threads: 2)
        let second = trainedParameterBits(threads: 2)
        let single = trainedParameterBits(threads: 1)
        #expect(first.count == 6)
        #expect(first == second)
        #expect(first == single)
        // And the run did move the parameters.
        let initial = stateBits(MLP(sizes: [64, 64, 64, 1], rng: RandomGenerator(seed: 42)))
        #expect(initial != first)
    }
}
