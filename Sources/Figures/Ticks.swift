import Foundation

/// How an axis maps values to positions.
public enum Scale: String, Sendable, Codable {
    case linear
    /// Base-10 logarithmic; every plotted value on this axis must be positive.
    case log
}

/// Readable tick positions and their labels.
///
/// Linear ticks step by 1, 2 or 5 times a power of ten and enclose the data ("loose" labelling), so the
/// axis starts and ends on a labelled value. Log ticks sit on powers of ten (or 1-2-5 within one decade).
public enum Ticks {
    /// Tick values covering `lower…upper`, aiming for about `targetCount` ticks.
    public static func linear(lower: Double, upper: Double, targetCount: Int = 6) -> [Double] {
        let (lower, upper) = widenedIfDegenerate(lower, upper)
        let step = niceStep(span: upper - lower, targetCount: targetCount)
        let first = (lower / step.value + 1e-9).rounded(.down)
        let last = (upper / step.value - 1e-9).rounded(.up)
        return stride(from: first, through: last, by: 1).map { step.multiple(Int($0)) }
    }

    /// Tick values covering the positive range `lower…upper` on a log axis.
    public static func logarithmic(lower: Double, upper: Double) -> [Double] {
        precondition(lower > 0 && upper >= lower, "log ticks need 0 < lower ≤ upper")
        var first = Int((log10(lower) + 1e-9).rounded(.down))
        var last = Int((log10(upper) - 1e-9).rounded(.up))
        if last == first { first -= lower == upper ? 1 : 0; last = first + 1 }
        if last - first == 1 {
            // Within one decade powers of ten alone would give two ticks: add 2× and 5×.
            return [1.0, 2, 5].map { powerOfTen(first) * $0 } + [powerOfTen(last)]
        }
        let every = max(1, Int((Double(last - first) / 6).rounded(.up)))
        last = first + ((last - first + every - 1) / every) * every
        return stride(from: first, through: last, by: every).map(powerOfTen)
    }

    /// Labels for linear ticks: the same number of decimals for all, enough to tell neighbours apart.
    public static func labels(linear ticks: [Double]) -> [String] {
        guard ticks.count > 1 else { return ticks.map { format($0, decimals: 2) } }
        let step = abs(ticks[1] - ticks[0])
        let largest = ticks.map(abs).max() ?? 0
        if largest >= 1e6 || step < 1e-4 {
            return ticks.map { $0 == 0 ? "0" : scientific($0) }
        }
        var decimals = max(0, Int((-log10(step) - 1e-9).rounded(.up)))
        // Ticks at a fixed range's odd values (0.25) need more decimals than the step suggests.
        while decimals < 10, ticks.contains(where: { abs($0 - roundTo($0, decimals)) > step * 1e-6 }) { decimals += 1 }
        return ticks.map { format($0, decimals: decimals) }
    }

    /// Labels for log ticks: plain decimals from 0.001 to 10 000, powers of ten (10⁻⁵) beyond.
    public static func labels(log ticks: [Double]) -> [String] {
        ticks.map { value in
            let exponent = Int(log10(value).rounded(.down))
            let isPower = abs(value - powerOfTen(exponent)) <= value * 1e-12
            if (-3...4).contains(exponent) { return format(value, decimals: max(0, -exponent)) }
            if isPower { return "10" + superscript(exponent) }
            return scientific(value)
        }
    }

    /// The ticks to label so that no two labels touch: every k-th tick for the smallest k of 1, 2, 5, 10, 20, 50, …
    /// that leaves `gap` between neighbouring labels, counted from `anchor` (the tick at zero, say) so the kept
    /// labels stay round numbers. `positions` are the ticks' centres along the axis and `extents` their labels'
    /// sizes along it, both in points. Returns the indices kept, ascending.
    public static func thinned(positions: [Double], extents: [Double], gap: Double, anchor: Int = 0) -> [Int] {
        precondition(positions.count == extents.count, "one extent per tick position")
        var power = 1
        while true {
            for every in [1, 2, 5].map({ $0 * power }) {
                let kept = positions.indices.filter { ($0 - anchor) % every == 0 }
                let fits = zip(kept, kept.dropFirst()).allSatisfy { i, j in
                    abs(positions[j] - positions[i]) >= (extents[i] + extents[j]) / 2 + gap
                }
                if fits || kept.count <= 1 { return kept }
            }
            power *= 10
        }
    }

    /// `label` cut to at most `maxWidth` (as `width` measures it) with an ellipsis, or unchanged when it fits.
    public static func truncated(_ label: String, maxWidth: Double, width: (String) -> Double) -> String {
        guard width(label) > maxWidth else { return label }
        var kept = Substring(label)
        while !kept.isEmpty, width(kept + "…") > maxWidth { kept = kept.dropLast() }
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }

    static func labels(_ ticks: [Double], scale: Scale) -> [String] {
        scale == .log ? labels(log: ticks) : labels(linear: ticks)
    }

    /// A step of 1, 2 or 5 × 10^k, kept as integers so multiples print without binary noise (0.6, not
    /// 0.6000000000000001).
    struct Step {
        var mantissa: Int  // 1, 2 or 5
        var exponent: Int
        var value: Double { Double(mantissa) * powerOfTen(exponent) }

        func multiple(_ k: Int) -> Double {
            let numerator = Double(k * mantissa)
            // Divide by an exact power of ten rather than multiplying by an inexact 10^-n.
            return exponent >= 0 ? numerator * powerOfTen(exponent) : numerator / powerOfTen(-exponent)
        }
    }

    /// The 1-2-5 step nearest (on a log scale) to span / (targetCount − 1): 1.94 rounds to 2, 5.9 to 5.
    static func niceStep(span: Double, targetCount: Int) -> Step {
        let raw = span / Double(max(targetCount - 1, 1))
        var exponent = Int(log10(raw).rounded(.down))
        let residual = raw / powerOfTen(exponent)
        let mantissa: Int
        if residual >= 50.0.squareRoot() { mantissa = 1; exponent += 1 }
        else if residual >= 10.0.squareRoot() { mantissa = 5 }
        else if residual >= 2.0.squareRoot() { mantissa = 2 }
        else { mantissa = 1 }
        return Step(mantissa: mantissa, exponent: exponent)
    }

    static func widenedIfDegenerate(_ lower: Double, _ upper: Double) -> (Double, Double) {
        guard upper <= lower else { return (lower, upper) }
        let pad = lower == 0 ? 1 : abs(lower) * 0.1
        return (lower - pad, upper + pad)
    }

    static func powerOfTen(_ exponent: Int) -> Double {
        exponent >= 0 ? pow(10, Double(exponent)) : 1 / pow(10, Double(-exponent))
    }

    static func roundTo(_ value: Double, _ decimals: Int) -> Double {
        let scale = powerOfTen(decimals)
        return (value * scale).rounded() / scale
    }

    static func format(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        // "-0.0" → "0.0": a sign on zero reads as a bug.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text.replacingOccurrences(of: "-", with: "−")
    }

    static func scientific(_ value: Double) -> String {
        let exponent = Int(log10(abs(value)).rounded(.down))
        let mantissa = value / powerOfTen(exponent)
        let m = format(mantissa, decimals: abs(mantissa.rounded() - mantissa) < 1e-9 ? 0 : 1)
        return (m == "1" ? "" : m + "×") + "10" + superscript(exponent)
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }
}
