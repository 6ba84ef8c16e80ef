import Tensor

/// One GRU layer's weights, in PyTorch's layout and gate order (r, z, n):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// `weightIH` is [3H, inputSize] and `weightHH` is [3H, H], rows stacked r, z, n; all four tensors start
/// U(−1/√H, 1/√H).
public final class GRUCell: Module {
    public let weightIH: Tensor
    public let weightHH: Tensor
    public let biasIH: Tensor
    public let biasHH: Tensor

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightHH.shape[1] }

    public init(inputSize: Int, hiddenSize: Int, rng: RandomGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        weightIH = Initialization.uniform([3 * hiddenSize, inputSize], bound: bound, rng: rng)
        weightHH = Initialization.uniform([3 * hiddenSize, hiddenSize], bound: bound, rng: rng)
        biasIH = Initialization.uniform([3 * hiddenSize], bound: bound, rng: rng)
        biasHH = Initialization.uniform([3 * hiddenSize], bound: bound, rng: rng)
        super.init()
    }

    /// The input projections W_i· x + b_i· for inputs of any leading shape ([…, inputSize] → […, 3H]).
    public func projectInput(_ input: Tensor) -> Tensor {
        Tensor.linear(input, weight: weightIH, bias: biasIH)
    }

    /// One step from an already projected input `gates` ([N, 3H]) and the previous hidden state ([N, H]),
    /// through the core's fused `gruCell` primitive.
    public func step(projectedInput gates: Tensor, hidden: Tensor) -> Tensor {
        Tensor.gruCell(gates: gates, hidden: hidden, weightHH: weightHH, biasHH: biasHH)
    }

    /// One step from a raw input [N, inputSize] and hidden state [N, H].
    public func callAsFunction(_ input: Tensor, hidden: Tensor) -> Tensor {
        step(projectedInput: projectInput(input), hidden: hidden)
    }
}

/// A stack of GRU layers over batch-first sequences: input [N, T, inputSize] → outputs [N, T, H] (the last
/// layer's hidden state at every step) and the final hidden state of every layer, [layers, N, H].
///
/// Each layer's input projections for all T steps are one GEMM; the recurrence is one `gruSequence` primitive.
public final class GRU: Module {
    public let layers: [GRUCell]

    public var hiddenSize: Int { layers[0].hiddenSize }
    public var inputSize: Int { layers[0].inputSize }

    public init(inputSize: Int, hiddenSize: Int, layerCount: Int = 1, rng: RandomGenerator) {
        check(layerCount >= 1, "GRU: needs at least one layer")
        layers = (0..<layerCount).map { i in
            GRUCell(inputSize: i == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize, rng: rng)
        }
        super.init()
    }

    /// Runs the stack. `initialHidden` is [layers, N, H] (zeros when nil).
    public func callAsFunction(_ input: Tensor, initialHidden: Tensor? = nil) -> (output: Tensor, hidden: Tensor) {
        check(input.rank == 3 && input.shape[2] == inputSize,
                     "GRU: input \(input.shape) is not [N, T, \(inputSize)]")
        let (n, steps, h) = (input.shape[0], input.shape[1], hiddenSize)
        check(steps > 0, "GRU: empty sequence")
        if let initialHidden {
            check(initialHidden.shape == [layers.count, n, h],
                         "GRU: initial hidden \(initialHidden.shape) is not [\(layers.count), \(n), \(h)]")
        }
        var x = input
        var finals: [Tensor] = []
        for (l, cell) in layers.enumerated() {
            let state = initialHidden.map { $0.sliced(axis: 0, l..<(l + 1)).reshaped([n, h]) } ?? Tensor(zeros: [n, h])
            x = Tensor.gruSequence(gates: cell.projectInput(x), initialHidden: state, weightHH: cell.weightHH,
                                   biasHH: cell.biasHH)
            finals.append(x.sliced(axis: 1, (steps - 1)..<steps).reshaped([n, h]))
        }
        return (x, Tensor.stack(finals, axis: 0))
    }
}
