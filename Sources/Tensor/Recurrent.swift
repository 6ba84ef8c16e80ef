import CKernels

extension Tensor {
    /// One GRU step as a single primitive (PyTorch's gate order r, z, n):
    ///
    ///     [a_r, a_z, a_n] = gates,  [g_r, g_z, g_n] = h·W_hhᵀ + b_hh
    ///     r = σ(a_r + g_r),  z = σ(a_z + g_z),  n = tanh(a_n + r ⊙ g_n),  h' = (1 − z) ⊙ n + z ⊙ h
    ///
    /// `gates` [N, 3H] holds the input projections W_ih·x + b_ih; `hidden` is [N, H]; `weightHH` [3H, H];
    /// `biasHH` [3H]. Fusing the step matters because a GRU runs many small steps: as a dozen separate ops
    /// the per-op overhead cost more than the arithmetic (TimeGAN trains four 3-layer GRUs).
    public static func gruCell(gates: Tensor, hidden: Tensor, weightHH: Tensor, biasHH: Tensor) -> Tensor {
        check(hidden.rank == 2, "gruCell: hidden must be [N, H], got \(hidden.shape)")
        let (n, h) = (hidden.shape[0], hidden.shape[1])
        check(gates.shape == [n, 3 * h], "gruCell: gates \(gates.shape) are not [\(n), \(3 * h)] for hidden \(hidden.shape)")
        check(weightHH.shape == [3 * h, h] && biasHH.shape == [3 * h],
              "gruCell: weightHH \(weightHH.shape) / biasHH \(biasHH.shape) do not match hidden size \(h)")
        // Recurrent projections g = h·W_hhᵀ + b_hh, kept for the backward pass.
        let g = Tensor.empty([n, 3 * h])
        let pg = g.storage.pointer, pb = biasHH.storage.pointer
        for i in 0..<n { (pg + i * 3 * h).update(from: pb, count: 3 * h) }
        sgemm(hidden.storage.pointer, weightHH.storage.pointer, pg, m: n, n: 3 * h, k: h,
              transposeA: false, transposeB: true, beta: 1)
        // r, z and n per element; saved for the backward pass as [N, 3H].
        let act = Tensor.empty([n, 3 * h])
        let out = Tensor.empty([n, h])
        let pa = gates.storage.pointer, ps = act.storage.pointer, ph = hidden.storage.pointer, po = out.storage.pointer
        for i in 0..<n {
            let a = pa + i * 3 * h, gr = pg + i * 3 * h, s = ps + i * 3 * h
            for j in 0..<(2 * h) { s[j] = a[j] + gr[j] }
            kit_sigmoid(s, s, 2 * h)
            for j in 0..<h { s[2 * h + j] = a[2 * h + j] + s[j] * gr[2 * h + j] }
            kit_tanh(s + 2 * h, s + 2 * h, h)
            let hp = ph + i * h, o = po + i * h
            for j in 0..<h {
                let z = s[h + j], c = s[2 * h + j]
                o[j] = c + z * (hp[j] - c)
            }
        }
        return out.recorded("gru-cell", [gates, hidden, weightHH, biasHH]) { dOut in
            // Read the saved buffers through their tensors, so the closure keeps them alive.
            let ps = act.storage.pointer, pg = g.storage.pointer, ph = hidden.storage.pointer
            // Pre-activation gradients d[a_r, a_z, a_n] (= dgates) and the recurrent ones dg (n-part scaled by r).
            let dGates = Tensor.empty([n, 3 * h]), dRec = Tensor.empty([n, 3 * h])
            let pd = dOut.storage.pointer, pdg = dGates.storage.pointer, pdr = dRec.storage.pointer
            for i in 0..<n {
                let s = ps + i * 3 * h, gr = pg + i * 3 * h, hp = ph + i * h, d = pd + i * h
                let da = pdg + i * 3 * h, dr = pdr + i * 3 * h
                for j in 0..<h {
                    let r = s[j], z = s[h + j], c = s[2 * h + j]
                    let dc = d[j] * (1 - z)
                    let dz = d[j] * (hp[j] - c)
                    let dan = dc * (1 - c * c)
                    let dar = dan * gr[2 * h + j] * r * (1 - r)
                    let daz = dz * z * (1 - z)
                    da[j] = dar; da[h + j] = daz; da[2 * h + j] = dan
                    dr[j] = dar; dr[h + j] = daz; dr[2 * h + j] = dan * r
                }
            }
            var grads: [Tensor?] = [gates.requiresGrad ? dGates : nil, nil, nil, nil]
            if hidden.requiresGrad {
                // dh = z ⊙ dOut + dRec·W_hh
                let dh = Tensor.empty([n, h])
                let pdh = dh.storage.pointer
                for i in 0..<n {
                    for j in 0..<h { pdh[i * h + j] = ps[i * 3 * h + h + j] * pd[i * h + j] }
                }
                sgemm(pdr, weightHH.storage.pointer, pdh, m: n, n: h, k: 3 * h,
                      transposeA: false, transposeB: false, beta: 1)
                grads[1] = dh
            }
            if weightHH.requiresGrad {
                let dw = Tensor.empty([3 * h, h])
                sgemm(pdr, ph, dw.storage.pointer, m: 3 * h, n: h, k: n, transposeA: true, transposeB: false)
                grads[2] = dw
            }
            if biasHH.requiresGrad { grads[3] = dRec.sum(axes: [0]) }
            return grads
        }
    }
}

extension Tensor {
    /// A whole GRU layer as one primitive: `gruCell` applied at every step t = 0, 1, …, T − 1 from
    /// `initialHidden`, returning every step's hidden state [N, T, H].
    ///
    /// `gates` [N, T, 3H] holds every step's input projections (one GEMM for the whole sequence). The recurrence
    /// runs in C, batch rows split across threads in fixed blocks (rows are independent, so the numbers do not
    /// depend on the thread count); the backward pass runs through time the same way and then forms the
    /// recurrent weights' gradient as one GEMM over all N·T steps instead of T small ones.
    public static func gruSequence(gates: Tensor, initialHidden: Tensor, weightHH: Tensor, biasHH: Tensor) -> Tensor {
        check(initialHidden.rank == 2, "gruSequence: initialHidden must be [N, H], got \(initialHidden.shape)")
        let (n, h) = (initialHidden.shape[0], initialHidden.shape[1])
        check(gates.rank == 3 && gates.shape[0] == n && gates.shape[2] == 3 * h,
              "gruSequence: gates \(gates.shape) are not [\(n), T, \(3 * h)] for hidden \(initialHidden.shape)")
        check(weightHH.shape == [3 * h, h] && biasHH.shape == [3 * h],
              "gruSequence: weightHH \(weightHH.shape) / biasHH \(biasHH.shape) do not match hidden size \(h)")
        let steps = gates.shape[1]
        // W_hhᵀ and b_hh with rows padded to a multiple of 8 floats, the C kernel's vector width.
        let ldt = (3 * h + 7) / 8 * 8
        let wt = Tensor(zeros: [h, ldt]), bias = Tensor(zeros: [ldt])
        let pw = weightHH.storage.pointer, pwt = wt.storage.pointer
        for j in 0..<(3 * h) { for k in 0..<h { pwt[k * ldt + j] = pw[j * h + k] } }
        bias.storage.pointer.update(from: biasHH.storage.pointer, count: 3 * h)
        let out = Tensor.empty([n, steps, h]), act = Tensor.empty([n, steps, 3 * h]), gn = Tensor.empty([n, steps, h])
        let blocks = RowBlocks(rows: n)
        Threading.parallelBlocks(blocks.count) { b in
            let (r0, r1) = blocks.range(b)
            kit_gru_forward(gates.storage.pointer, initialHidden.storage.pointer, wt.storage.pointer, ldt,
                            bias.storage.pointer, out.storage.pointer, act.storage.pointer, gn.storage.pointer,
                            r0, r1, steps, h)
        }
        return out.recorded("gru-sequence", [gates, initialHidden, weightHH, biasHH]) { dOut in
            let dGates = Tensor.empty([n, steps, 3 * h]), dRec = Tensor.empty([n, steps, 3 * h])
            let dh0 = Tensor.empty([n, h])
            let ldw = (h + 7) / 8 * 8
            let w = Tensor(zeros: [3 * h, ldw])
            let pw = weightHH.storage.pointer, ppw = w.storage.pointer
            for j in 0..<(3 * h) { (ppw + j * ldw).update(from: pw + j * h, count: h) }
            Threading.parallelBlocks(blocks.count) { b in
                let (r0, r1) = blocks.range(b)
                kit_gru_backward(dOut.storage.pointer, act.storage.pointer, gn.storage.pointer, out.storage.pointer,
                                 initialHidden.storage.pointer, w.storage.pointer, ldw, dGates.storage.pointer,
                                 dRec.storage.pointer, dh0.storage.pointer, r0, r1, steps, h)
            }
            var grads: [Tensor?] = [gates.requiresGrad ? dGates : nil, initialHidden.requiresGrad ? dh0 : nil, nil, nil]
            if weightHH.requiresGrad {
                // dW_hh = Σ over rows and steps of dRecᵀ · h_prev, h_prev the state each step started from.
                let previous = Tensor.empty([n, steps, h])
                let pp = previous.storage.pointer, po = out.storage.pointer, p0 = initialHidden.storage.pointer
                for i in 0..<n {
                    (pp + i * steps * h).update(from: p0 + i * h, count: h)
                    (pp + (i * steps + 1) * h).update(from: po + i * steps * h, count: (steps - 1) * h)
                }
                let dw = Tensor.empty([3 * h, h])
                sgemm(dRec.storage.pointer, pp, dw.storage.pointer, m: 3 * h, n: h, k: n * steps,
                      transposeA: true, transposeB: false)
                grads[2] = dw
            }
            if biasHH.requiresGrad { grads[3] = dRec.reshaped([n * steps, 3 * h]).sum(axes: [0]) }
            return grads
        }
    }
}

/// Batch rows cut into blocks of a fixed size, a function of the row count only (never of the thread count).
struct RowBlocks {
    let rows: Int
    static let size = 16
    var count: Int { (rows + Self.size - 1) / Self.size }
    func range(_ i: Int) -> (Int, Int) { (i * Self.size, Swift.min((i + 1) * Self.size, rows)) }
}
