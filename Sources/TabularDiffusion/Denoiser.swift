import NN
import Tensor

/// TabDDPM's denoiser ("MLPDiffusion"): the noisy row is projected to the embedding width and added to the
/// time embedding (and, for classification, SiLU of the class embedding); an MLP of Linear → ReLU blocks then
/// maps it to one output per input column — ε for the numeric part, x₀ logits for each categorical block.
public final class TabularDenoiser: Module {
    public let inputProjection: Linear
    public let timeHidden: Linear
    public let timeOutput: Linear
    public let labelEmbedding: Embedding?
    public let blocks: [Linear]
    public let head: Linear
    public let embeddingWidth: Int

    /// `widths`: the hidden layers (the reference's d_layers: first, repeated middle, last).
    public init(inputWidth: Int, widths: [Int], classCount: Int, embeddingWidth: Int = 128, rng: RandomGenerator) {
        self.embeddingWidth = embeddingWidth
        inputProjection = Linear(inputSize: inputWidth, outputSize: embeddingWidth, rng: rng.derived(1))
        timeHidden = Linear(inputSize: embeddingWidth, outputSize: embeddingWidth, rng: rng.derived(2))
        timeOutput = Linear(inputSize: embeddingWidth, outputSize: embeddingWidth, rng: rng.derived(3))
        labelEmbedding = classCount > 0 ? Embedding(count: classCount, dimension: embeddingWidth, rng: rng.derived(4)) : nil
        var blocks: [Linear] = []
        var width = embeddingWidth
        for (i, w) in widths.enumerated() {
            blocks.append(Linear(inputSize: width, outputSize: w, rng: rng.derived(10 + UInt64(i))))
            width = w
        }
        self.blocks = blocks
        head = Linear(inputSize: width, outputSize: inputWidth, rng: rng.derived(5))
        super.init()
    }

    /// `x`: [rows, inputWidth]; `timesteps`: one step index per row; `labels`: class per row (classification).
    public func callAsFunction(_ x: Tensor, timesteps: [Int], labels: [Int]?) -> Tensor {
        // When sampling, every row has the same step: embed it once and let the sum broadcast.
        let steps = timesteps.allSatisfy { $0 == timesteps.first } ? Array(timesteps.prefix(1)) : timesteps
        let t = Tensor(steps.map(Float.init), shape: [steps.count])
        var embedding = timeOutput(timeHidden(sinusoidalEmbedding(t, dimension: embeddingWidth, cosineFirst: true)).silu())
        if let labelEmbedding, let labels { embedding = embedding + labelEmbedding(labels).silu() }
        var h = inputProjection(x) + embedding
        for block in blocks { h = block(h).relu() }
        return head(h)
    }
}
