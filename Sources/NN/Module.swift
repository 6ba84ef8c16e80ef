import Tensor

/// A neural-network building block: a class whose stored properties are its parameters, buffers and children.
///
/// Nothing is registered by hand. `namedParameters()` walks the stored properties by `Mirror` reflection (the
/// MLX approach) and collects, in declaration order:
/// - `Tensor` and `Tensor?` properties: parameters, unless their name is in `bufferNames`, which makes them
///   buffers (state that is saved and loaded but not trained, such as BatchNorm's running statistics);
/// - `Module` properties and optionals: children, whose entries get the property name as a dotted prefix;
/// - arrays of tensors or modules: one entry per element, named by its index (`layers.0.weight`).
///
/// Anything else (sizes, flags, closures, random generators, dictionaries) is ignored, so a layer must not
/// keep constant tensors in stored properties; keep them as `[Float]` or rebuild them in the forward pass.
open class Module {
    /// Training mode (dropout active, batch statistics in BatchNorm) or evaluation mode. Set it with
    /// `train(_:)`/`eval()`, which propagate to every child.
    public private(set) var isTraining = true

    public init() {}

    /// Names of the `Tensor` properties of this class that are buffers rather than trainable parameters.
    open var bufferNames: Set<String> { [] }

    // MARK: Reflection

    enum Entry {
        case parameter(Tensor)
        case buffer(Tensor)
        case module(Module)
    }

    /// Calls `body` for every entry below this module, depth first in declaration order.
    func walk(prefix: String, visited: inout Set<ObjectIdentifier>, _ body: (String, Entry) -> Void) {
        guard visited.insert(ObjectIdentifier(self)).inserted else { return }
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != Module.self {
            mirrors.append(m)
            mirror = m.superclassMirror
        }
        let buffers = bufferNames
        // Base classes' properties first, as they were declared first.
        for m in mirrors.reversed() {
            for child in m.children {
                guard let label = child.label.map(Self.propertyName) else { continue }
                visit(child.value, path: prefix + label, isBuffer: buffers.contains(label), visited: &visited, body)
            }
        }
    }

    private func visit(_ value: Any, path: String, isBuffer: Bool, visited: inout Set<ObjectIdentifier>,
                       _ body: (String, Entry) -> Void) {
        if let t = value as? Tensor {
            body(path, isBuffer ? .buffer(t) : .parameter(t))
        } else if let m = value as? Module {
            guard !visited.contains(ObjectIdentifier(m)) else { return }
            body(path, .module(m))
            m.walk(prefix: path + ".", visited: &visited, body)
        } else {
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .collection?:
                for (i, child) in mirror.children.enumerated() {
                    visit(child.value, path: "\(path).\(i)", isBuffer: isBuffer, visited: &visited, body)
                }
            case .optional?:
                if let child = mirror.children.first {
                    visit(child.value, path: path, isBuffer: isBuffer, visited: &visited, body)
                }
            default:
                break
            }
        }
    }

    /// `lazy var x` is stored as `$__lazy_storage_$_x` and a wrapped property as `_x`; report them as `x`.
    private static func propertyName(_ label: String) -> String {
        if label.hasPrefix("$__lazy_storage_$_") { return String(label.dropFirst("$__lazy_storage_$_".count)) }
        if label.hasPrefix("_") { return String(label.dropFirst()) }
        return label
    }

    private func entries() -> [(String, Entry)] {
        var out: [(String, Entry)] = []
        var visited = Set<ObjectIdentifier>()
        walk(prefix: "", visited: &visited) { out.append(($0, $1)) }
        return out
    }

    // MARK: Parameters, buffers, children

    /// Every parameter with its dotted path, in declaration order (a parameter shared by two children is
    /// listed once, under its first path).
    public func namedParameters() -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return entries().compactMap { name, entry in
            if case .parameter(let t) = entry, seen.insert(ObjectIdentifier(t)).inserted { return (name, t) }
            return nil
        }
    }

    /// The parameters without names.
    public var parameters: [Tensor] { namedParameters().map(\.1) }

    /// The parameters that currently require a gradient (not frozen).
    public var trainableParameters: [Tensor] { parameters.filter(\.requiresGrad) }

    /// Every buffer with its dotted path.
    public func namedBuffers() -> [(String, Tensor)] {
        entries().compactMap { name, entry in
            if case .buffer(let t) = entry { return (name, t) }
            return nil
        }
    }

    /// Parameters and buffers together: everything a checkpoint holds, in declaration order.
    public func namedState() -> [(String, Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return entries().compactMap { name, entry in
            switch entry {
            case .parameter(let t), .buffer(let t):
                return seen.insert(ObjectIdentifier(t)).inserted ? (name, t) : nil
            case .module:
                return nil
            }
        }
    }

    /// Every descendant module with its dotted path (not including `self`).
    public func namedModules() -> [(String, Module)] {
        entries().compactMap { name, entry in
            if case .module(let m) = entry { return (name, m) }
            return nil
        }
    }

    /// Total number of parameter values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Drops every parameter's gradient.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// Stops (or resumes) gradient tracking for every parameter; optimizers skip parameters without gradients.
    public func freeze(_ frozen: Bool = true) {
        for p in parameters { p.requiresGrad = !frozen }
    }

    // MARK: Modes

    /// Switches this module and all its descendants to training (`true`) or evaluation (`false`) mode.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, m) in namedModules() { m.isTraining = on }
    }

    /// Evaluation mode: dropout is the identity and BatchNorm uses its running statistics.
    public func eval() { train(false) }
}

/// A module with one tensor input and one tensor output, so it can sit in a `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) -> Tensor
}

extension Tensor {
    /// A new trainable parameter holding `values` (copied), for layer initialisers.
    static func trainableCopy(_ values: Tensor) -> Tensor {
        let p = values.copy()
        p.requiresGrad = true
        return p
    }
}
