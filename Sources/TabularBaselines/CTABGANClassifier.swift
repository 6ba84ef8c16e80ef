import NN
import Tensor

/// CTAB-GAN's auxiliary model: an MLP (Linear, LeakyReLU(0.2), Dropout(0.5) per hidden layer) that predicts the
/// target's span from the rest of the encoded row. A two-class target gets one sigmoid output and binary cross
/// entropy, more classes softmax cross-entropy, a one-wide span (a regression target's scalar: CTAB-GAN+'s
/// auxiliary regressor) one output and the smooth L1 loss.
final class CTABGANClassifier: Module {
    let body: Sequential
    let output: Linear
    let target: Range<Int>
    let width: Int

    init(width: Int, target: Range<Int>, hidden: [Int], rng: RandomGenerator) {
        self.target = target
        self.width = width
        var layers: [any Layer] = []
        var size = width - target.count
        for w in hidden {
            layers += [Linear(inputSize: size, outputSize: w, rng: rng), LeakyReLU(slope: 0.2),
                       Dropout(probability: 0.5, rng: rng.derived(UInt64(layers.count)))]
            size = w
        }
        body = Sequential(layers)
        output = Linear(inputSize: size, outputSize: target.count <= 2 ? 1 : target.count, rng: rng)
        super.init()
    }

    /// The loss of predicting the target span of `rows` [B, width] from their other columns. For discrete targets
    /// the label is the span's argmax; a one-wide target is its value, with its history (as in the reference,
    /// where the generator's own scalar is the label of its rows).
    func loss(_ rows: Tensor) -> Tensor {
        let batch = rows.shape[0]
        var parts: [Tensor] = []
        if target.lowerBound > 0 { parts.append(rows.sliced(axis: 1, 0..<target.lowerBound)) }
        if target.upperBound < width { parts.append(rows.sliced(axis: 1, target.upperBound..<width)) }
        let prediction = output(body(parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 1)))
        let span = rows.sliced(axis: 1, target)
        if target.count == 1 { return smoothL1(prediction - span) }
        let values = span.scalars
        let labels = (0..<batch).map { r in
            (0..<target.count).max { values[r * target.count + $0] < values[r * target.count + $1] }!
        }
        if target.count == 2 {
            return binaryCrossEntropy(logits: prediction, targets: Tensor(labels.map(Float.init), shape: [batch, 1]))
        }
        return crossEntropy(logits: prediction, labels: labels)
    }
}

/// PyTorch's `SmoothL1Loss` (β = 1), averaged: ½d² where |d| < 1, else |d| − ½.
func smoothL1(_ difference: Tensor) -> Tensor {
    let a = difference.abs(), q = a.clamped(max: 1)
    return (q * (a - q * 0.5)).mean()
}
