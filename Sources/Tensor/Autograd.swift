import Synchronization

/// One recorded op: its inputs, the gradients arriving at its outputs, and the rule turning those into the
/// inputs' gradients. Ops with several outputs (`unstacked`) share one node, so their backward runs once.
final class Node {
    let op: String
    private(set) var inputs: [Tensor]
    private(set) var backward: (([Tensor?]) -> [Tensor?])?
    /// Gradients of the outputs, filled while backward runs and released right after use.
    var outputGrads: [Tensor?]
    /// Marks nodes seen by the current backward pass (cheaper than a set of identifiers).
    var mark: UInt64 = 0

    init(op: String, inputs: [Tensor], outputs: Int, backward: @escaping ([Tensor?]) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
        self.outputGrads = Array(repeating: nil, count: outputs)
    }

    /// Drops the inputs and the rule once used: frees the graph's memory as backward proceeds.
    func release() {
        inputs = []
        backward = nil
        outputGrads = []
    }

    func run() -> [Tensor?]? {
        guard let backward, outputGrads.contains(where: { $0 != nil }) else { return nil }
        return backward(outputGrads)
    }
}

/// Whether ops record history. Task-local, so concurrent tests and tasks do not see each other's scopes.
public enum GradMode {
    @TaskLocal static var isEnabled = true

    public static var isRecording: Bool { isEnabled }
}

/// Runs `body` without recording history: for evaluation, sampling and weight updates.
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

/// Hands out a fresh mark per backward pass.
private let passCounter = Atomic<UInt64>(0)

extension Tensor {
    /// Attaches a backward rule to `self` when recording and some input needs a gradient. Returns self.
    @discardableResult
    func recorded(_ op: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        node = Node(op: op, inputs: inputs, outputs: 1) { grads in backward(grads[0]!) }
        outputIndex = 0
        return self
    }

    /// Attaches one shared backward rule to several outputs. Missing output gradients arrive as nil.
    static func recorded(_ op: String, outputs: [Tensor], inputs: [Tensor],
                         _ backward: @escaping ([Tensor?]) -> [Tensor?]) {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return }
        let node = Node(op: op, inputs: inputs, outputs: outputs.count, backward: backward)
        for (i, t) in outputs.enumerated() {
            t.requiresGrad = true
            t.node = node
            t.outputIndex = i
        }
    }

    /// Reverse-mode differentiation from this tensor. A non-scalar tensor needs an explicit `seed` gradient.
    ///
    /// Gradients are accumulated into every leaf that requires one; intermediate gradients and the recorded
    /// graph are released as soon as they are used, so a second `backward()` through the same graph reaches
    /// nothing.
    public func backward(seed: Tensor? = nil) {
        check(requiresGrad, "backward: tensor of shape \(shape) does not require a gradient")
        let start = seed ?? {
            check(count == 1, "backward: tensor of shape \(shape) is not a scalar; pass a seed gradient")
            return Tensor(repeating: 1, shape: shape)
        }()
        check(start.shape == shape, "backward: seed shape \(start.shape) for tensor \(shape)")
        guard let root = node else { accumulate(start); return }

        // Nodes in topological order, by iterative depth-first search (GRU steps nest deeply).
        let mark = passCounter.add(1, ordering: .relaxed).newValue
        var order: [Node] = []
        var stack: [(Node, Bool)] = [(root, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded { order.append(n); continue }
            // Mark when expanded, not when pushed: a node pushed early but reached again through a longer path
            // must be finished after that path, or its gradient is consumed before every consumer has added to it.
            guard n.mark != mark else { continue }
            n.mark = mark
            stack.append((n, true))
            for input in n.inputs {
                if let child = input.node, child.mark != mark { stack.append((child, false)) }
            }
        }

        accumulate(start)
        for n in order.reversed() {
            let inputs = n.inputs
            guard let grads = withoutGrad({ n.run() }) else { n.release(); continue }
            check(grads.count == inputs.count, "backward: \(n.op) returned \(grads.count) gradients for \(inputs.count) inputs")
            n.release()
            for (input, gi) in zip(inputs, grads) where input.requiresGrad {
                guard let gi else { continue }
                check(gi.shape == input.shape,
                      "backward: \(n.op) gave a gradient of shape \(gi.shape) for input \(input.shape)")
                input.accumulate(gi)
            }
        }
    }

    /// Adds `g` to this tensor's gradient: the leaf's `grad`, or the producing node's slot. Never writes into
    /// an existing gradient buffer: it may be shared with another tensor's gradient (`add` passes the same
    /// gradient to both inputs).
    func accumulate(_ g: Tensor) {
        let existing = node.map { $0.outputGrads.isEmpty ? nil : $0.outputGrads[outputIndex] } ?? grad
        let total: Tensor
        if let existing {
            total = Tensor.empty(shape)
            let a = existing.storage.pointer, b = g.storage.pointer, o = total.storage.pointer
            Threading.parallelRange(count) { s, e in for i in s..<e { o[i] = a[i] + b[i] } }
        } else {
            total = g
        }
        if let node {
            if !node.outputGrads.isEmpty { node.outputGrads[outputIndex] = total }
        } else {
            grad = total
        }
    }
}
