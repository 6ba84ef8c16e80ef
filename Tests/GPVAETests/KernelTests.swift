import Foundation
import Testing
@testable import GPVAE
import Tensor

/// Kernel matrices against values worked out by hand for T = 3 (row 0: entries at distance 0, 1, 2).
@Test func kernelMatricesMatchHandComputedValues() throws {
    func row0(_ k: GPKernel) throws -> [Double] { Array(try k.matrix(length: 3)[0..<3]) }
    let cases: [(GPKernel, [Double])] = [
        // σ/(1 + d²/ℓ²) + 0.001·δ: 1.001, 1/1.25, 1/2.
        (GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2), [1.001, 0.8, 0.5]),
        // σ = 2 scales the kernel, not the jitter.
        (GPKernel(kind: .cauchy, sigma: 2, lengthScale: 2), [2.001, 1.6, 1.0]),
        // exp(−d²/ℓ²): 1, e^{−1/4}, e^{−1}.
        (GPKernel(kind: .rbf, lengthScale: 2), [1, 0.7788007830714049, 0.36787944117144233]),
        // exp(−d/√ℓ) with ℓ = 4: 1, e^{−1/2}, e^{−1}.
        (GPKernel(kind: .matern, lengthScale: 4), [1, 0.6065306597126334, 0.36787944117144233]),
        (GPKernel(kind: .diffusion, lengthScale: 0.3), [1, 0.3, 0]),
    ]
    for (kernel, expected) in cases {
        let got = try row0(kernel)
        for (g, e) in zip(got, expected) { #expect(Swift.abs(g - e) < 1e-12, "\(kernel.kind): \(got) vs \(expected)") }
        let k = try kernel.matrix(length: 3)
        for i in 0..<3 { for j in 0..<3 { #expect(k[i * 3 + j] == k[j * 3 + i]) } }
    }
    #expect(try GPKernel(kind: .diffusion, lengthScale: 0.3).matrix(length: 3)[4] == 1)
}

@Test func kernelsRejectBadSettings() {
    #expect(throws: GPVAEError.self) { try GPKernel(kind: .diffusion, lengthScale: 0.5).matrix(length: 4) }
    #expect(throws: GPVAEError.self) { try GPKernel(kind: .cauchy, lengthScale: 0).matrix(length: 4) }
    #expect(throws: GPVAEError.self) { try GPKernel(kind: .cauchy, sigma: -1).matrix(length: 4) }
    // Five channels over four scales would leave the last group empty (the reference asserts the same).
    #expect(throws: GPVAEError.self) { try GPKernel().prior(latent: 5, length: 4, scales: 4) }
}

@Test func kernelScalesHalveTheLengthScalePerGroup() throws {
    // Five channels, two scales: groups of ⌈5/2⌉ = 3 (ℓ) and 2 (ℓ/2).
    let prior = try GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2).prior(latent: 5, length: 4, scales: 2)
    #expect(prior.groups == 5)
    let full = try GPKernel(kind: .cauchy, sigma: 1, lengthScale: 2).prior(latent: 1, length: 4)
    let half = try GPKernel(kind: .cauchy, sigma: 1, lengthScale: 1).prior(latent: 1, length: 4)
    for c in 0..<3 { #expect(prior.logDeterminants[c] == full.logDeterminants[0]) }
    for c in 3..<5 { #expect(prior.logDeterminants[c] == half.logDeterminants[0]) }
    #expect(full.logDeterminants[0] != half.logDeterminants[0])
}

@Test func denseRBFPriorFactorsOrFailsClearly() throws {
    // RBF without jitter is nearly singular but still positive definite in Double for T = 10, ℓ = 2.
    _ = try GPKernel(kind: .rbf, lengthScale: 2).prior(latent: 1, length: 10)
    #expect(throws: GPVAEError.self) { try GPKernel(kind: .rbf, lengthScale: 50).prior(latent: 1, length: 40) }
}
