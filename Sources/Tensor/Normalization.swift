extension Tensor {
    /// Group normalisation of [N, C, …] as one primitive: each sample's channels split into `groups` groups,
    /// each group normalised over its channels and positions (biased variance), then y = x̂·γ[c] + β[c].
    ///
    /// Written fused because a UNet runs it before every convolution: composed from mean/sub/div ops it cost a
    /// fifth of a training step in allocations and passes over the activations.
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Float) -> Tensor {
        check(x.rank >= 2, "groupNorm: input must be [N, C, …], got \(x.shape)")
        let (n, c) = (x.shape[0], x.shape[1])
        check(groups > 0 && c % groups == 0, "groupNorm: \(c) channels do not split into \(groups) groups")
        if let weight { check(weight.shape == [c], "groupNorm: weight \(weight.shape) for \(c) channels") }
        if let bias { check(bias.shape == [c], "groupNorm: bias \(bias.shape) for \(c) channels") }
        let spatial = x.count / Swift.max(n * c, 1), perGroup = c / groups, block = perGroup * spatial
        // Per (sample, group): mean and 1/√(var + ε), kept for the backward pass.
        var mean = [Float](repeating: 0, count: n * groups), rstd = mean
        let out = Tensor.empty(x.shape)
        let px = x.storage.pointer, po = out.storage.pointer
        let pw = weight?.storage.pointer, pb = bias?.storage.pointer
        for b in 0..<(n * groups) {
            let xs = px + b * block
            var sum = 0.0, sumSq = 0.0
            for i in 0..<block { sum += Double(xs[i]) }
            let mu = sum / Double(block)
            for i in 0..<block { let d = Double(xs[i]) - mu; sumSq += d * d }
            let r = Float(1 / (sumSq / Double(block) + Double(epsilon)).squareRoot())
            mean[b] = Float(mu); rstd[b] = r
            let m = Float(mu), group = b % groups
            for k in 0..<perGroup {
                let ch = group * perGroup + k
                let scale = r * (pw?[ch] ?? 1), shift = (pb?[ch] ?? 0) - m * scale
                let xc = xs + k * spatial, oc = po + b * block + k * spatial
                for s in 0..<spatial { oc[s] = xc[s] * scale + shift }
            }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return out.recorded("group-norm", inputs) { g in
            let pg = g.storage.pointer
            let dx = x.requiresGrad ? Tensor.empty(x.shape) : nil
            var dGamma = [Double](repeating: 0, count: c), dBeta = dGamma
            for b in 0..<(n * groups) {
                let xs = px + b * block, gs = pg + b * block
                let m = mean[b], r = rstd[b], group = b % groups
                // Σ over the block of dx̂ and dx̂·x̂, with dx̂ = dy·γ.
                var sumD = 0.0, sumDX = 0.0
                for k in 0..<perGroup {
                    let ch = group * perGroup + k, gamma = pw?[ch] ?? 1
                    var sg = 0.0, sgx = 0.0
                    for s in 0..<spatial {
                        let i = k * spatial + s
                        let xhat = (xs[i] - m) * r
                        sg += Double(gs[i]); sgx += Double(gs[i] * xhat)
                    }
                    dBeta[ch] += sg; dGamma[ch] += sgx
                    sumD += sg * Double(gamma); sumDX += sgx * Double(gamma)
                }
                guard let dx else { continue }
                let meanD = Float(sumD / Double(block)), meanDX = Float(sumDX / Double(block))
                let pd = dx.storage.pointer + b * block
                for k in 0..<perGroup {
                    let ch = group * perGroup + k, gamma = pw?[ch] ?? 1
                    for s in 0..<spatial {
                        let i = k * spatial + s
                        let xhat = (xs[i] - m) * r
                        pd[i] = r * (gs[i] * gamma - meanD - xhat * meanDX)
                    }
                }
            }
            var grads: [Tensor?] = [dx]
            if let weight { grads.append(weight.requiresGrad ? Tensor(dGamma.map(Float.init), shape: [c]) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(dBeta.map(Float.init), shape: [c]) : nil) }
            return grads
        }
    }
}
