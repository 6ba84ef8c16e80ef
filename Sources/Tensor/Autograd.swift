/// One recorded op: its inputs and the rule turning the output's gradient into the inputs' gradients.
final class Node {
    let op: String
    let inputs: [Tensor]
    /// Returns one gradient per input (nil where an input needs none). Must not capture the output tensor
    /// (that would be a cycle); capture `output.detached()` instead.
    let backward: (Tensor) -> [Tensor?]

    init(op: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
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

extension Tensor {
    /// Attaches a backward rule to `self` when recording and some input needs a gradient. Returns self.
    @discardableResult
    func recorded(_ op: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        requiresGrad = true
        node = Node(op: op, inputs: inputs, backward: backward)
        return self
    }

    /// Reverse-mode differentiation from this tensor. A non-scalar tensor needs an explicit `seed` gradient.
    ///
    /// Gradients are accumulated into every leaf that requires one; intermediate gradients and the recorded
    /// graph are released as soon as they are used, so a second `backward()` through the same graph is an error.
    public func backward(seed: Tensor? = nil) {
        check(requiresGrad, "backward: tensor of shape \(shape) does not require a gradient")
        let start = seed ?? {
            check(count == 1, "backward: tensor of shape \(shape) is not a scalar; pass a seed gradient")
            return Tensor(repeating: 1, shape: shape)
        }()
        check(start.shape == shape, "backward: seed shape \(start.shape) for tensor \(shape)")

        // Topological order by iterative depth-first search (sequences of GRU steps nest deeply).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard visited.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            for input in t.node?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }

        accumulate(start)
        for t in order.reversed() {
            guard let node = t.node, let g = t.grad else { continue }
            let grads = withoutGrad { node.backward(g) }
            check(grads.count == node.inputs.count, "backward: \(node.op) returned \(grads.count) gradients")
            for (input, gi) in zip(node.inputs, grads) where input.requiresGrad {
                guard let gi else { continue }
                check(gi.shape == input.shape,
                             "backward: \(node.op) gave a gradient of shape \(gi.shape) for input \(input.shape)")
                input.accumulate(gi)
            }
            t.node = nil
            t.grad = nil
        }
    }

    /// Adds `g` to the gradient. Never writes into an existing gradient buffer: it may be shared with
    /// another tensor's gradient (an `add` passes the same gradient to both inputs).
    func accumulate(_ g: Tensor) {
        guard let existing = grad else { grad = g; return }
        let out = Tensor.empty(shape)
        let a = existing.storage.pointer, b = g.storage.pointer, o = out.storage.pointer
        Threading.parallelRange(count) { s, e in for i in s..<e { o[i] = a[i] + b[i] } }
        grad = out
    }
}
