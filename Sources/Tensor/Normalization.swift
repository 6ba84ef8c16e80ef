import CKernels

/// What a fused normalisation applies to its affine output.
public enum NormalizationActivation: Sendable {
    case identity
    case silu
}

extension Tensor {
    /// Group normalisation of [N, C, …] as one primitive: each sample's channels split into `groups` groups,
    /// each group normalised over its channels and positions (biased variance), then y = x̂·γ[c] + β[c], and
    /// `activation` applied to that.
    ///
    /// Written fused because a UNet runs it, then SiLU, before every convolution: composed from mean/sub/div ops it
    /// cost a fifth of a training step in allocations and passes over the activations. The (sample, group) blocks
    /// are shared among threads; each is computed whole by one thread (CKernels' `kit_group_norm_*`), and γ's and
    /// β's gradients are summed over samples in order, so no result depends on the thread count.
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Float,
                                 activation: NormalizationActivation = .identity) -> Tensor {
        check(x.rank >= 2, "groupNorm: input must be [N, C, …], got \(x.shape)")
        let (n, c) = (x.shape[0], x.shape[1])
        check(groups > 0 && c % groups == 0, "groupNorm: \(c) channels do not split into \(groups) groups")
        if let weight { check(weight.shape == [c], "groupNorm: weight \(weight.shape) for \(c) channels") }
        if let bias { check(bias.shape == [c], "groupNorm: bias \(bias.shape) for \(c) channels") }
        let spatial = x.count / Swift.max(n * c, 1), perGroup = c / groups, block = perGroup * spatial
        let blocks = n * groups, silu: Int32 = activation == .silu ? 1 : 0
        // Per (sample, group): mean and 1/√(var + ε), kept for the backward pass.
        let statistics = Storage(uninitializedCount: 2 * Swift.max(blocks, 1))
        let mean = statistics.pointer, rstd = mean + blocks
        let out = Tensor.empty(x.shape)
        let px = x.storage.pointer, po = out.storage.pointer
        let pw = weight?.storage.pointer, pb = bias?.storage.pointer
        Threading.parallelItems(blocks, work: x.count) { start, end in
            for b in start..<end {
                let first = (b % groups) * perGroup
                kit_group_norm_forward(px + b * block, po + b * block, perGroup, spatial, pw.map { $0 + first },
                                       pb.map { $0 + first }, epsilon, silu, mean + b, rstd + b)
            }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let name = activation == .silu ? "group-norm-silu" : "group-norm"
        return out.recorded(name, inputs) { g in
            let pg = g.storage.pointer, mean = statistics.pointer, rstd = mean + blocks
            let dx = x.requiresGrad ? Tensor.empty(x.shape) : nil
            // Per (sample, channel) sums of the gradient before the affine map, then summed over samples in order.
            var dBetaParts = [Double](repeating: 0, count: n * c), dGammaParts = dBetaParts
            dBetaParts.withUnsafeMutableBufferPointer { dBeta in
                dGammaParts.withUnsafeMutableBufferPointer { dGamma in
                    let pdb = dBeta.baseAddress!, pdg = dGamma.baseAddress!
                    Threading.parallelItems(blocks, work: 2 * x.count) { start, end in
                        for b in start..<end {
                            let first = (b % groups) * perGroup
                            kit_group_norm_backward(px + b * block, pg + b * block, dx.map { $0.storage.pointer + b * block },
                                                    perGroup, spatial, pw.map { $0 + first }, pb.map { $0 + first },
                                                    mean[b], rstd[b], silu, pdb + b * perGroup, pdg + b * perGroup)
                        }
                    }
                }
            }
            func sampleSums(_ parts: [Double]) -> Tensor {
                var sums = [Double](repeating: 0, count: c)
                for sample in 0..<n { for ch in 0..<c { sums[ch] += parts[sample * c + ch] } }
                return Tensor(sums.map(Float.init), shape: [c])
            }
            var grads: [Tensor?] = [dx]
            if let weight { grads.append(weight.requiresGrad ? sampleSums(dGammaParts) : nil) }
            if let bias { grads.append(bias.requiresGrad ? sampleSums(dBetaParts) : nil) }
            return grads
        }
    }

    /// Batch normalisation of [N, C, …] in training mode as one primitive: each channel normalised over the batch
    /// and all positions (biased variance), then y = x̂·γ[c] + β[c]. Returns the batch mean and biased variance per
    /// channel for the running estimates.
    ///
    /// Fused for the same reason as `groupNorm`: composed, CTAB-GAN's BatchNorms cost a third of its step.
    public static func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?,
                                 epsilon: Float) -> (output: Tensor, mean: [Float], variance: [Float]) {
        check(x.rank >= 2, "batchNorm: input must be [N, C, …], got \(x.shape)")
        let (n, c) = (x.shape[0], x.shape[1])
        if let weight { check(weight.shape == [c], "batchNorm: weight \(weight.shape) for \(c) channels") }
        if let bias { check(bias.shape == [c], "batchNorm: bias \(bias.shape) for \(c) channels") }
        let spatial = x.count / Swift.max(n * c, 1), count = Double(n * spatial)
        var mean = [Float](repeating: 0, count: c), variance = mean, rstd = mean
        let out = Tensor.empty(x.shape)
        let px = x.storage.pointer, po = out.storage.pointer
        let pw = weight?.storage.pointer, pb = bias?.storage.pointer
        for ch in 0..<c {
            var sum = 0.0, sumSq = 0.0
            for b in 0..<n { let xs = px + (b * c + ch) * spatial; for s in 0..<spatial { sum += Double(xs[s]) } }
            let mu = sum / count
            for b in 0..<n {
                let xs = px + (b * c + ch) * spatial
                for s in 0..<spatial { let d = Double(xs[s]) - mu; sumSq += d * d }
            }
            let v = sumSq / count, r = Float(1 / (v + Double(epsilon)).squareRoot())
            mean[ch] = Float(mu); variance[ch] = Float(v); rstd[ch] = r
            let scale = r * (pw?[ch] ?? 1), shift = (pb?[ch] ?? 0) - Float(mu) * scale
            for b in 0..<n {
                let xs = px + (b * c + ch) * spatial, os = po + (b * c + ch) * spatial
                for s in 0..<spatial { os[s] = xs[s] * scale + shift }
            }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let output = out.recorded("batch-norm", inputs) { g in
            let pg = g.storage.pointer
            let dx = x.requiresGrad ? Tensor.empty(x.shape) : nil
            var dGamma = [Float](repeating: 0, count: c), dBeta = dGamma
            for ch in 0..<c {
                let m = mean[ch], r = rstd[ch], gamma = pw?[ch] ?? 1
                var sg = 0.0, sgx = 0.0
                for b in 0..<n {
                    let xs = px + (b * c + ch) * spatial, gs = pg + (b * c + ch) * spatial
                    for s in 0..<spatial { sg += Double(gs[s]); sgx += Double(gs[s] * ((xs[s] - m) * r)) }
                }
                dBeta[ch] = Float(sg); dGamma[ch] = Float(sgx)
                guard let dx else { continue }
                let meanD = Float(sg / count) * gamma, meanDX = Float(sgx / count) * gamma
                for b in 0..<n {
                    let xs = px + (b * c + ch) * spatial, gs = pg + (b * c + ch) * spatial
                    let pd = dx.storage.pointer + (b * c + ch) * spatial
                    for s in 0..<spatial { pd[s] = r * (gs[s] * gamma - meanD - (xs[s] - m) * r * meanDX) }
                }
            }
            var grads: [Tensor?] = [dx]
            if let weight { grads.append(weight.requiresGrad ? Tensor(dGamma, shape: [c]) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(dBeta, shape: [c]) : nil) }
            return grads
        }
        return (output, mean, variance)
    }

    /// Layer normalisation as one primitive: each run of the last `normalizedCount` values (flattened) normalised
    /// (biased variance), then y = x̂·γ[k] + β[k] with an elementwise γ, β of `normalizedCount` values.
    public static func layerNorm(_ x: Tensor, normalizedCount k: Int, weight: Tensor?, bias: Tensor?,
                                 epsilon: Float) -> Tensor {
        check(k > 0 && x.count % k == 0, "layerNorm: \(x.shape) does not end in runs of \(k) values")
        if let weight { check(weight.count == k, "layerNorm: weight \(weight.shape) for runs of \(k) values") }
        if let bias { check(bias.count == k, "layerNorm: bias \(bias.shape) for runs of \(k) values") }
        let rows = x.count / k
        var mean = [Float](repeating: 0, count: rows), rstd = mean
        let out = Tensor.empty(x.shape)
        let px = x.storage.pointer, po = out.storage.pointer
        let pw = weight?.storage.pointer, pb = bias?.storage.pointer
        for row in 0..<rows {
            let xs = px + row * k, os = po + row * k
            let (m, r) = standardization(xs, count: k, epsilon: epsilon)
            mean[row] = m; rstd[row] = r
            for i in 0..<k { os[i] = (xs[i] - m) * r * (pw?[i] ?? 1) + (pb?[i] ?? 0) }
        }
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return out.recorded("layer-norm", inputs) { g in
            let pg = g.storage.pointer
            let dx = x.requiresGrad ? Tensor.empty(x.shape) : nil
            var dGamma = [Double](repeating: 0, count: k), dBeta = dGamma
            for row in 0..<rows {
                let xs = px + row * k, gs = pg + row * k, m = mean[row], r = rstd[row]
                var sumD = 0.0, sumDX = 0.0
                for i in 0..<k {
                    let xhat = (xs[i] - m) * r, d = gs[i] * (pw?[i] ?? 1)
                    dBeta[i] += Double(gs[i]); dGamma[i] += Double(gs[i] * xhat)
                    sumD += Double(d); sumDX += Double(d * xhat)
                }
                guard let dx else { continue }
                let meanD = Float(sumD / Double(k)), meanDX = Float(sumDX / Double(k))
                let pd = dx.storage.pointer + row * k
                for i in 0..<k {
                    let xhat = (xs[i] - m) * r
                    pd[i] = r * (gs[i] * (pw?[i] ?? 1) - meanD - xhat * meanDX)
                }
            }
            var grads: [Tensor?] = [dx]
            if let weight { grads.append(weight.requiresGrad ? Tensor(dGamma.map(Float.init), shape: weight.shape) : nil) }
            if let bias { grads.append(bias.requiresGrad ? Tensor(dBeta.map(Float.init), shape: bias.shape) : nil) }
            return grads
        }
    }

    /// Mean and 1/√(var + ε) (biased variance) of `count` contiguous values, summed in Double in index order.
    private static func standardization(_ xs: UnsafePointer<Float>, count: Int,
                                        epsilon: Float) -> (mean: Float, rstd: Float) {
        var sum = 0.0, sumSq = 0.0
        for i in 0..<count { sum += Double(xs[i]) }
        let mu = sum / Double(count)
        for i in 0..<count { let d = Double(xs[i]) - mu; sumSq += d * d }
        return (Float(mu), Float(1 / (sumSq / Double(count) + Double(epsilon)).squareRoot()))
    }
}
