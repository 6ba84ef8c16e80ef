import Foundation
import NN
import Tensor

/// |a − b| ≤ tolerance, elementwise.
func isClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance }
}

func isClose(_ a: Float, _ b: Float, tolerance: Float = 1e-5) -> Bool { Swift.abs(a - b) <= tolerance }

/// A module holding one parameter (for optimizer and EMA tests).
final class Holder: Module {
    let value: Tensor
    init(_ values: [Float]) {
        value = Tensor(values, shape: [values.count], requiresGrad: true)
        super.init()
    }
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Bit patterns of every value of `model`'s state, for exact comparisons.
func stateBits(_ model: Module) -> [String: [UInt32]] {
    Dictionary(uniqueKeysWithValues: model.namedState().map { ($0.0, $0.1.scalars.map(\.bitPattern)) })
}

/// A small MLP used by several tests.
final class MLP: Module, Layer {
    let layers: [Linear]
    init(sizes: [Int], rng: RandomGenerator) {
        layers = zip(sizes, sizes.dropFirst()).map { Linear(inputSize: $0, outputSize: $1, rng: rng) }
        super.init()
    }
    func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        for (i, layer) in layers.enumerated() {
            x = layer(x)
            if i < layers.count - 1 { x = x.tanh() }
        }
        return x
    }
}
