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
