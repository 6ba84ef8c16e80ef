// Solves with upper-bidiagonal matrices, batched: the O(T) core of the banded Gaussian posterior.
//
// A system is B = diag(d) + superdiag(s): B[t, t] = d[t], B[t, t + 1] = s[t]. The last axis of `diagonal` holds
// the T diagonal entries and the last axis of `superdiagonal` the T − 1 entries above it; every leading index is
// one independent system. Each system is computed in Double on its own, so results do not depend on how the
// systems are split over threads.

extension Tensor {
    /// Solves B·x = r (or Bᵀ·x = r when `transposed`) for every system: back- (forward-) substitution, O(T).
    ///
    /// `diagonal` and `rhs` are [..., T], `superdiagonal` is [..., T − 1]. Gradients reach all three.
    public static func bidiagonalSolve(diagonal: Tensor, superdiagonal: Tensor, rhs: Tensor,
                                       transposed: Bool = false) -> Tensor {
        let (systems, t) = bidiagonalShape("bidiagonalSolve", diagonal, superdiagonal)
        check(rhs.shape == diagonal.shape, "bidiagonalSolve: right-hand side \(rhs.shape) for diagonal \(diagonal.shape)")
        let out = Tensor.empty(rhs.shape)
        let pd = diagonal.storage.pointer, ps = superdiagonal.storage.pointer
        let pr = rhs.storage.pointer, po = out.storage.pointer
        Threading.parallelItems(systems, work: systems * t * 8) { start, end in
            for n in start..<end {
                solveBidiagonal(pd + n * t, ps + n * (t - 1), pr + n * t, po + n * t, length: t, transposed: transposed)
            }
        }
        let x = out.detached()
        return out.recorded("bidiagonal-solve", [diagonal, superdiagonal, rhs]) { g in
            // r̄ = B⁻ᵀx̄ (B⁻¹x̄ when transposed); B̄ = −r̄xᵀ (−x r̄ᵀ when transposed), kept on the two bands.
            let rbar = Tensor.empty(g.shape)
            let dbar = Tensor.empty(diagonal.shape), sbar = Tensor.empty(superdiagonal.shape)
            let pg = g.storage.pointer, prb = rbar.storage.pointer, px = x.storage.pointer
            let pdb = dbar.storage.pointer, psb = sbar.storage.pointer
            Threading.parallelItems(systems, work: systems * t * 8) { start, end in
                for n in start..<end {
                    let xr = px + n * t, rb = prb + n * t
                    solveBidiagonal(pd + n * t, ps + n * (t - 1), pg + n * t, rb, length: t, transposed: !transposed)
                    for i in 0..<t { pdb[n * t + i] = -rb[i] * xr[i] }
                    for i in 0..<(t - 1) {
                        psb[n * (t - 1) + i] = transposed ? -xr[i] * rb[i + 1] : -rb[i] * xr[i + 1]
                    }
                }
            }
            return [dbar, sbar, rbar]
        }
    }

    /// ‖B⁻¹·R‖²_F for every system: the trace term tr(K⁻¹Σ) of a Gaussian KL, with Σ = (BBᵀ)⁻¹ and R = L⁻ᵀ for
    /// K = LLᵀ. `factors` is [G, T, M] (constant, no gradient); system n uses factor n mod G, so with systems laid
    /// out [batch, channel] and G channels each channel gets its own. O(T·M) per system, no dense inverse.
    public static func bidiagonalInverseFrobenius(diagonal: Tensor, superdiagonal: Tensor, factors: Tensor) -> Tensor {
        let (systems, t) = bidiagonalShape("bidiagonalInverseFrobenius", diagonal, superdiagonal)
        check(factors.rank == 3 && factors.shape[1] == t && factors.shape[0] > 0 && systems % factors.shape[0] == 0,
              "bidiagonalInverseFrobenius: factors \(factors.shape) for \(systems) systems of length \(t)")
        let groups = factors.shape[0], m = factors.shape[2]
        let leading = Array(diagonal.shape.dropLast())
        let out = Tensor.empty(leading)
        let pd = diagonal.storage.pointer, ps = superdiagonal.storage.pointer
        let pf = factors.storage.pointer, po = out.storage.pointer
        let work = systems * t * m * 4
        Threading.parallelItems(systems, work: work) { start, end in
            var x = [Double](repeating: 0, count: t * m)
            for n in start..<end {
                po[n] = Float(inverseTimes(pd + n * t, ps + n * (t - 1), pf + (n % groups) * t * m,
                                           length: t, columns: m, into: &x))
            }
        }
        return out.recorded("bidiagonal-inverse-frobenius", [diagonal, superdiagonal]) { g in
            // f = ‖X‖², X = B⁻¹R: X̄ = 2ḡX, Y = B⁻ᵀX̄, B̄ = −YXᵀ on the two bands.
            let dbar = Tensor.empty(diagonal.shape), sbar = Tensor.empty(superdiagonal.shape)
            let pg = g.storage.pointer, pdb = dbar.storage.pointer, psb = sbar.storage.pointer
            Threading.parallelItems(systems, work: work) { start, end in
                var x = [Double](repeating: 0, count: t * m), y = [Double](repeating: 0, count: t * m)
                for n in start..<end {
                    let d = pd + n * t, s = ps + n * (t - 1)
                    _ = inverseTimes(d, s, pf + (n % groups) * t * m, length: t, columns: m, into: &x)
                    let scale = 2 * Double(pg[n])
                    for i in 0..<t {
                        let inv = 1 / Double(d[i])
                        for j in 0..<m {
                            let carry = i > 0 ? Double(s[i - 1]) * y[(i - 1) * m + j] : 0
                            y[i * m + j] = (scale * x[i * m + j] - carry) * inv
                        }
                    }
                    for i in 0..<t {
                        var diag = 0.0, upper = 0.0
                        for j in 0..<m {
                            diag += y[i * m + j] * x[i * m + j]
                            if i + 1 < t { upper += y[i * m + j] * x[(i + 1) * m + j] }
                        }
                        pdb[n * t + i] = Float(-diag)
                        if i + 1 < t { psb[n * (t - 1) + i] = Float(-upper) }
                    }
                }
            }
            return [dbar, sbar]
        }
    }

    /// (systems, T) after checking that the bands fit together.
    private static func bidiagonalShape(_ op: String, _ diagonal: Tensor, _ superdiagonal: Tensor) -> (Int, Int) {
        check(diagonal.rank >= 1 && diagonal.shape.last! >= 1, "\(op): diagonal must be [..., T] with T ≥ 1, got \(diagonal.shape)")
        let t = diagonal.shape.last!
        check(superdiagonal.shape == Array(diagonal.shape.dropLast()) + [t - 1],
              "\(op): superdiagonal \(superdiagonal.shape) does not fit diagonal \(diagonal.shape) (needs T − 1 = \(t - 1))")
        return (diagonal.count / t, t)
    }
}

/// One system: B·x = r by back-substitution, or Bᵀ·x = r by forward substitution.
private func solveBidiagonal(_ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                             _ x: UnsafeMutablePointer<Float>, length t: Int, transposed: Bool) {
    if transposed {
        var previous = 0.0
        for i in 0..<t {
            let carry = i > 0 ? Double(s[i - 1]) * previous : 0
            previous = (Double(r[i]) - carry) / Double(d[i])
            x[i] = Float(previous)
        }
    } else {
        var next = 0.0
        for i in stride(from: t - 1, through: 0, by: -1) {
            let carry = i + 1 < t ? Double(s[i]) * next : 0
            next = (Double(r[i]) - carry) / Double(d[i])
            x[i] = Float(next)
        }
    }
}

/// X = B⁻¹R (T×M, row-major, into `x`) by back-substitution on all columns at once; returns ‖X‖²_F.
private func inverseTimes(_ d: UnsafePointer<Float>, _ s: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                          length t: Int, columns m: Int, into x: inout [Double]) -> Double {
    var total = 0.0
    for i in stride(from: t - 1, through: 0, by: -1) {
        let inv = 1 / Double(d[i]), up = i + 1 < t ? Double(s[i]) : 0
        for j in 0..<m {
            let carry = i + 1 < t ? up * x[(i + 1) * m + j] : 0
            let v = (Double(r[i * m + j]) - carry) * inv
            x[i * m + j] = v
            total += v * v
        }
    }
    return total
}
