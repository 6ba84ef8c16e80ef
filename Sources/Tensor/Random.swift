import Foundation

/// A counter-based random generator (Philox-4×32-10, Salmon et al., SC'11).
///
/// Each draw is a pure function of (seed, counter), so a tensor of random values can be filled in any order
/// or split across any number of threads and come out the same. The generator keeps only the next counter.
public final class RandomGenerator {
    public let seed: UInt64
    /// Index of the next unused 128-bit block.
    public private(set) var offset: UInt64

    public init(seed: UInt64, offset: UInt64 = 0) {
        self.seed = seed
        self.offset = offset
    }

    /// A generator for a named sub-stream (e.g. one per data set or evaluator), independent of how much this
    /// generator has drawn so far.
    public func derived(_ stream: UInt64) -> RandomGenerator {
        RandomGenerator(seed: Self.mix(seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)))
    }

    /// SplitMix64 finaliser: spreads nearby seeds apart.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The four 32-bit outputs of block `counter` under `key`.
    @inline(__always)
    static func philox(counter: UInt64, key: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2: UInt32 = 0, c3: UInt32 = 0
        var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0), p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
            let n1 = UInt32(truncatingIfNeeded: p1)
            let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
            let n3 = UInt32(truncatingIfNeeded: p0)
            (c0, c1, c2, c3) = (n0, n1, n2, n3)
            k0 &+= 0x9E37_79B9; k1 &+= 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// Reserves `count` 32-bit words (rounded up to whole blocks) and returns a reader for them.
    func reserve(_ count: Int) -> (Int) -> UInt32 {
        let base = offset, key = Self.mix(seed)
        offset += UInt64((count + 3) / 4)
        return { i in
            let b = Self.philox(counter: base + UInt64(i / 4), key: key)
            switch i & 3 { case 0: return b.0; case 1: return b.1; case 2: return b.2; default: return b.3 }
        }
    }

    /// A uniform float in [0, 1) from 24 random bits.
    @inline(__always)
    static func unit(_ w: UInt32) -> Float { Float(w >> 8) * (1.0 / 16_777_216.0) }

    /// Fills `count` floats; `f(i, word)` maps the i-th 32-bit word. Blocks are independent, so any split works.
    func fill(_ pointer: UnsafeMutablePointer<Float>, count: Int, _ f: (UInt32, UInt32) -> (Float, Float)) {
        let pairs = (count + 1) / 2
        let base = offset, key = Self.mix(seed)
        offset += UInt64((pairs + 1) / 2)
        var i = 0, block = base
        while i < count {
            let (a, b, c, d) = Self.philox(counter: block, key: key)
            let (x0, x1) = f(a, b)
            pointer[i] = x0
            if i + 1 < count { pointer[i + 1] = x1 }
            if i + 2 < count {
                let (x2, x3) = f(c, d)
                pointer[i + 2] = x2
                if i + 3 < count { pointer[i + 3] = x3 }
            }
            i += 4; block += 1
        }
    }

    /// Uniform values in [low, high).
    public func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        let t = Tensor.empty(shape)
        fill(t.storage.pointer, count: t.count) { a, b in
            (low + (high - low) * Self.unit(a), low + (high - low) * Self.unit(b))
        }
        return t
    }

    /// Normal values by the Box–Muller transform (two per pair of words).
    public func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
        let t = Tensor.empty(shape)
        fill(t.storage.pointer, count: t.count) { a, b in
            let u1 = (Float(a >> 8) + 1) * (1.0 / 16_777_216.0)
            let r = (-2 * Foundation.log(u1)).squareRoot(), theta = 2 * Float.pi * Self.unit(b)
            return (mean + std * r * Foundation.cos(theta), mean + std * r * Foundation.sin(theta))
        }
        return t
    }

    /// 1 with probability `p`, else 0.
    public func bernoulli(_ shape: [Int], probability p: Float) -> Tensor {
        let t = Tensor.empty(shape)
        fill(t.storage.pointer, count: t.count) { a, b in (Self.unit(a) < p ? 1 : 0, Self.unit(b) < p ? 1 : 0) }
        return t
    }

    /// One category per row of `logits` ([rows, classes]) by the Gumbel-max trick: argmax(logits + Gumbel noise).
    public func categorical(logits: Tensor) -> [Int] {
        check(logits.rank == 2, "categorical: logits must be [rows, classes], got \(logits.shape)")
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        let u = uniform(logits.shape)
        let pl = logits.storage.pointer, pu = u.storage.pointer
        return (0..<rows).map { r in
            var best = -Float.infinity, at = 0
            for c in 0..<classes {
                let v = pl[r * classes + c] - Foundation.log(-Foundation.log(Swift.max(pu[r * classes + c], 1e-20)))
                if v > best { best = v; at = c }
            }
            return at
        }
    }

    /// `count` draws from categories with the given (unnormalised) weights.
    public func categorical(weights: [Double], count: Int) -> [Int] {
        let total = weights.reduce(0, +)
        check(total > 0 && weights.allSatisfy { $0 >= 0 }, "categorical: weights must be ≥ 0 with a positive sum")
        var cumulative: [Double] = []
        var acc = 0.0
        for w in weights { acc += w / total; cumulative.append(acc) }
        let words = reserve(2 * count)
        return (0..<count).map { i in
            let u = (Double(words(2 * i)) * 4_294_967_296 + Double(words(2 * i + 1))) / 18_446_744_073_709_551_616
            return cumulative.firstIndex { u < $0 } ?? (weights.count - 1)
        }
    }

    /// A uniform integer in 0..<bound (rejection sampling: no modulo bias).
    public func integer(below bound: Int) -> Int {
        check(bound > 0, "integer(below:): bound must be positive, got \(bound)")
        let limit = UInt64.max - UInt64.max % UInt64(bound)
        while true {
            let words = reserve(2)
            let x = UInt64(words(0)) << 32 | UInt64(words(1))
            if x < limit { return Int(x % UInt64(bound)) }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, integer(below: i + 1)) }
        return p
    }
}
