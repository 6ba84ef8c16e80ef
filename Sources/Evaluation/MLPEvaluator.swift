import Datasets
import NN
import Tensor

/// The reference's second downstream model (TabDDPM `scripts/eval_mlp.py`): an MLP on quantile-normalised numerics
/// and one-hot categoricals, trained on `train`, early-stopped on `validation`, scored on `test`.
///
/// Numerics go through the training split's `QuantileTransformer` (TabDDPM's quantile count), categoricals become
/// one-hot blocks with the data set's levels. The network is Linear → ReLU blocks (`hiddenSizes`) and a linear
/// head: one logit per class with softmax cross-entropy, or one output on the standardised target with MSE
/// (standardised by the training mean and standard deviation, undone for prediction). AdamW with minibatches of
/// `batchSize` shuffled each epoch; after every epoch the validation loss is measured and the best weights are
/// kept, stopping after `patience` epochs without improvement. The reference tunes these settings per data set;
/// the defaults here are fixed.
public struct MLPEvaluator: TabularEvaluator {
    public var hiddenSizes: [Int]
    public var learningRate: Float
    public var weightDecay: Float
    public var batchSize: Int
    public var maxEpochs: Int
    public var patience: Int

    public init(hiddenSizes: [Int] = [256, 256], learningRate: Float = 1e-3, weightDecay: Float = 1e-5,
                batchSize: Int = 256, maxEpochs: Int = 200, patience: Int = 16) {
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.patience = patience
    }

    /// Inputs [rows, features] for the network, built from the training split.
    struct Encoder {
        let quantiles: QuantileTransformer
        let cardinalities: [Int]
        var width: Int { quantiles.quantiles.count + cardinalities.reduce(0, +) }

        init(fitting train: TabularFrame) {
            quantiles = QuantileTransformer(fitting: train.numeric,
                                            quantileCount: QuantileTransformer.tabDDPMQuantileCount(rowCount: train.rowCount))
            cardinalities = train.cardinalities
        }

        func encode(_ frame: TabularFrame) -> Tensor {
            let n = frame.rowCount, w = width
            var values = [Float](repeating: 0, count: n * w)
            for (f, column) in quantiles.transform(frame.numeric).enumerated() {
                for (i, v) in column.enumerated() { values[i * w + f] = Float(v) }
            }
            var offset = quantiles.quantiles.count
            for (f, codes) in frame.categorical.enumerated() {
                for (i, c) in codes.enumerated() { values[i * w + offset + c] = 1 }
                offset += cardinalities[f]
            }
            return Tensor(values, shape: [n, w])
        }
    }

    public func score(train: TabularFrame, validation: TabularFrame, test: TabularFrame, seed: UInt64) throws -> TabularScore {
        try TabularEvaluation.checkCompatible([("training", train), ("validation", validation), ("test", test)])
        guard batchSize >= 1, maxEpochs >= 1, patience >= 1, !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 >= 1 }) else {
            throw TabularEvaluationError.invalidConfig(
                "MLP evaluator needs batchSize, maxEpochs, patience ≥ 1 and non-empty positive hiddenSizes, got "
                + "batch \(batchSize), epochs \(maxEpochs), patience \(patience), hidden \(hiddenSizes)")
        }
        let encoder = Encoder(fitting: train)
        let classification = train.isClassification
        let outputs = classification ? train.classCount : 1
        let mean = train.y.reduce(0, +) / Double(train.rowCount)
        let variance = train.y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(train.rowCount)
        let std = variance > 0 ? variance.squareRoot() : 1
        func targets(_ frame: TabularFrame) -> Tensor {
            Tensor(frame.y.map { Float(($0 - mean) / std) }, shape: [frame.rowCount, 1])
        }

        let rng = RandomGenerator(seed: seed)
        let initRNG = rng.derived(1), order = rng.derived(2)
        var layers: [any Layer] = []
        var width = encoder.width
        for size in hiddenSizes {
            layers += [Linear(inputSize: width, outputSize: size, rng: initRNG), ReLU()]
            width = size
        }
        layers.append(Linear(inputSize: width, outputSize: outputs, rng: initRNG))
        let model = Sequential(layers)
        let optimizer = AdamW(for: model, learningRate: learningRate, weightDecay: weightDecay)

        let x = encoder.encode(train), xValidation = encoder.encode(validation)
        func loss(_ input: Tensor, _ frame: TabularFrame, rows: [Int]? = nil) -> Tensor {
            let out = model(input)
            if classification {
                let labels = frame.labels
                return crossEntropy(logits: out, labels: rows.map { $0.map { labels[$0] } } ?? labels)
            }
            let y = targets(frame)
            return meanSquaredError(predicted: out, expected: rows.map { y.gathering($0) } ?? y)
        }

        var best = Float.infinity
        var bestWeights = model.parameters.map { $0.copy() }
        var sinceBest = 0
        for _ in 0..<maxEpochs {
            let permutation = order.permutation(train.rowCount)
            for start in stride(from: 0, to: train.rowCount, by: batchSize) {
                let rows = Array(permutation[start..<min(start + batchSize, train.rowCount)])
                let l = loss(x.gathering(rows), train, rows: rows)
                model.zeroGrad()
                l.backward()
                optimizer.step()
            }
            let current = withoutGrad { loss(xValidation, validation).item }
            if current < best {
                best = current
                bestWeights = model.parameters.map { $0.copy() }
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= patience { break }
            }
        }
        for (p, saved) in zip(model.parameters, bestWeights) { p.assign(saved) }

        let out = withoutGrad { model(encoder.encode(test)) }.scalars
        if classification {
            let predicted = (0..<test.rowCount).map { i in
                var top = 0
                for k in 1..<outputs where out[i * outputs + k] > out[i * outputs + top] { top = k }
                return top
            }
            return TabularEvaluation.score(classes: predicted, on: test)
        }
        return TabularEvaluation.score(values: out.map { Double($0) * std + mean }, on: test)
    }
}
