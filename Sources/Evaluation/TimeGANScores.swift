import NN
import Tensor

/// The reference's post-hoc scores for synthetic sequences (TimeGAN `metrics/`), on tensors [N, T, D] whose values
/// are in the same (scaled) units for real and synthetic data.
public enum TimeGANScores {
    /// A GRU with hidden size ⌊dim/2⌋ (at least 1) reading the sequence, then a linear layer.
    final class Probe: Module {
        let rnn: GRU
        let head: Linear
        init(inputSize: Int, hiddenSize: Int, rng: RandomGenerator) {
            rnn = GRU(inputSize: inputSize, hiddenSize: hiddenSize, rng: rng)
            head = Linear(inputSize: hiddenSize, outputSize: 1, rng: rng)
            super.init()
        }
        /// One logit per sequence from the last hidden state, [N, 1].
        func lastStepLogit(_ x: Tensor) -> Tensor {
            let (output, _) = rnn(x)
            let t = output.shape[1]
            return head(output.sliced(axis: 1, (t - 1)..<t).squeezingDims(at: 1))
        }
        /// One sigmoid output per step, [N, T, 1].
        func perStepOutput(_ x: Tensor) -> Tensor { head(rnn(x).output).sigmoid() }
    }

    static func hiddenSize(features: Int) -> Int { Swift.max(1, features / 2) }

    static func draw(_ count: Int, from n: Int, rng: RandomGenerator) -> [Int] {
        let k = Swift.min(count, n)
        var pool = Array(0..<n)
        for i in 0..<k { pool.swapAt(i, i + rng.integer(below: n - i)) }
        return Array(pool[0..<k])
    }

    /// Discriminative score |0.5 − accuracy| of a post-hoc classifier (0 is best: real and synthetic are
    /// indistinguishable). As the reference: real and synthetic are each split 80/20 at random; a 1-layer GRU
    /// (hidden ⌊dim/2⌋) classifies from its last hidden state through a linear logit, trained with Adam on BCE
    /// with `batchSize` sequences of each class per step; accuracy at threshold 0.5 on both test parts together.
    public static func discriminative(real: Tensor, synthetic: Tensor, iterations: Int = 2000, batchSize: Int = 128,
                                      learningRate: Float = 1e-3, rng: RandomGenerator) -> Double {
        check(real.rank == 3 && synthetic.rank == 3 && real.shape[1...] == synthetic.shape[1...],
              "discriminative score: real \(real.shape) and synthetic \(synthetic.shape) do not match")
        let dim = real.shape[2]
        let model = Probe(inputSize: dim, hiddenSize: hiddenSize(features: dim), rng: rng.derived(1))
        let optimizer = Adam(for: model, learningRate: learningRate)
        let split = rng.derived(2)
        func divide(_ x: Tensor) -> (train: Tensor, test: Tensor) {
            let order = split.permutation(x.shape[0])
            let cut = Int((Double(x.shape[0]) * 0.8).rounded(.down))
            return (x.gathering(Array(order[..<cut])), x.gathering(Array(order[cut...])))
        }
        let r = divide(real), s = divide(synthetic)
        let batches = rng.derived(3)
        for _ in 0..<iterations {
            let xr = r.train.gathering(draw(batchSize, from: r.train.shape[0], rng: batches))
            let xs = s.train.gathering(draw(batchSize, from: s.train.shape[0], rng: batches))
            let lr = model.lastStepLogit(xr), ls = model.lastStepLogit(xs)
            let loss = binaryCrossEntropy(logits: lr, targets: Tensor(repeating: 1, shape: lr.shape))
                + binaryCrossEntropy(logits: ls, targets: Tensor(zeros: ls.shape))
            model.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        let (realLogits, fakeLogits) = withoutGrad { (model.lastStepLogit(r.test).scalars, model.lastStepLogit(s.test).scalars) }
        let correct = realLogits.filter { $0 > 0 }.count + fakeLogits.filter { $0 <= 0 }.count
        let accuracy = Double(correct) / Double(realLogits.count + fakeLogits.count)
        return Swift.abs(0.5 - accuracy)
    }

    /// Predictive score ("train on synthetic, test on real"): a 1-layer GRU (hidden ⌊dim/2⌋) with a per-step
    /// linear + sigmoid output reads the first dim − 1 features at steps 1…T−1 and predicts the last feature at
    /// steps 2…T. It is trained with Adam on the mean absolute error over `train` and scored as the mean over the
    /// `test` sequences of each sequence's MAE (lower is better).
    public static func predictive(train: Tensor, test: Tensor, iterations: Int = 5000, batchSize: Int = 128,
                                  learningRate: Float = 1e-3, rng: RandomGenerator) -> Double {
        check(train.rank == 3 && test.rank == 3 && train.shape[1...] == test.shape[1...],
              "predictive score: train \(train.shape) and test \(test.shape) do not match")
        let (t, dim) = (train.shape[1], train.shape[2])
        check(dim >= 2 && t >= 2, "predictive score: needs at least 2 features and 2 steps, got \(train.shape)")
        func inputs(_ x: Tensor) -> Tensor { x.sliced(axis: 1, 0..<(t - 1)).sliced(axis: 2, 0..<(dim - 1)) }
        func targets(_ x: Tensor) -> Tensor { x.sliced(axis: 1, 1..<t).sliced(axis: 2, (dim - 1)..<dim) }
        let model = Probe(inputSize: dim - 1, hiddenSize: hiddenSize(features: dim), rng: rng.derived(1))
        let optimizer = Adam(for: model, learningRate: learningRate)
        let batches = rng.derived(3)
        for _ in 0..<iterations {
            let x = train.gathering(draw(batchSize, from: train.shape[0], rng: batches))
            let loss = l1Loss(predicted: model.perStepOutput(inputs(x)), expected: targets(x))
            model.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        let errors = withoutGrad { (model.perStepOutput(inputs(test)) - targets(test)).abs() }.scalars
        let n = test.shape[0], perSequence = t - 1
        var total = 0.0
        for i in 0..<n {
            var s = 0.0
            for j in 0..<perSequence { s += Double(errors[i * perSequence + j]) }
            total += s / Double(perSequence)
        }
        return total / Double(n)
    }

    /// Runs a score `repeats` times with independent generators (derived streams 0, 1, …) and returns each value.
    public static func repeated(_ repeats: Int, rng: RandomGenerator, _ score: (RandomGenerator) -> Double) -> [Double] {
        (0..<repeats).map { score(rng.derived(UInt64(1000 + $0))) }
    }
}
