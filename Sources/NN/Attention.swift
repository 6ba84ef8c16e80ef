import Foundation
import Tensor

/// The single-head spatial self-attention block of the DDPM UNet, on [N, C, H, W]:
/// GroupNorm → 1×1 projections q, k, v → softmax(q·kᵀ/√C) over the H·W positions → 1×1 output projection →
/// residual add. The 1×1 convolutions are `Linear` layers over the channel axis (the same weights as a
/// [C, C, 1, 1] convolution).
public final class SelfAttention2d: Module, Layer {
    public let norm: GroupNorm
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let output: Linear
    public let channels: Int

    /// `zeroOutput` zero-initialises the output projection so the block starts as the identity (DDPM's choice);
    /// otherwise all four projections get PyTorch's default initialisation.
    public init(channels: Int, groups: Int = 32, zeroOutput: Bool = false, rng: RandomGenerator) {
        self.channels = channels
        norm = GroupNorm(groups: groups, channels: channels)
        query = Linear(inputSize: channels, outputSize: channels, rng: rng)
        key = Linear(inputSize: channels, outputSize: channels, rng: rng)
        value = Linear(inputSize: channels, outputSize: channels, rng: rng)
        output = Linear(inputSize: channels, outputSize: channels, rng: rng)
        if zeroOutput {
            output.weight.assign(Tensor(zeros: output.weight.shape))
            output.bias?.assign(Tensor(zeros: [channels]))
        }
        super.init()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        check(input.rank == 4 && input.shape[1] == channels,
                     "SelfAttention2d: input \(input.shape) is not [N, \(channels), H, W]")
        let (n, c, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let h = norm(input).reshaped([n, c, height * width]).transposed()  // [N, HW, C]
        let q = query(h), k = key(h), v = value(h)
        let weights = (q.matmul(k, transposeB: true) * (1 / Float(c).squareRoot())).softmax(axis: -1)  // [N, HW, HW]
        let attended = output(weights.matmul(v))  // [N, HW, C]
        return input + attended.transposed().reshaped([n, c, height, width])
    }
}
