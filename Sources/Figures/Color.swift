import Foundation

/// An sRGB colour with components in 0…1.
public struct Color: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` literal, as palettes are published.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// `#rrggbb`, the form the sidecar records so a reader can match legend entries to colours.
    public var hexString: String {
        func byte(_ v: Double) -> String {
            let b = Int((min(max(v, 0), 1) * 255).rounded())
            return String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    /// Relative luminance (WCAG), used to pick black or white annotation text on a coloured cell.
    var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)
}

/// The Okabe–Ito palette (Okabe & Ito 2008): eight colours distinguishable under the common colour-vision
/// deficiencies. Ordered so the first series get the strongest contrast on white; yellow comes late.
public enum Palette {
    public static let blue = Color(hex: 0x0072B2)
    public static let vermillion = Color(hex: 0xD55E00)
    public static let bluishGreen = Color(hex: 0x009E73)
    public static let orange = Color(hex: 0xE69F00)
    public static let skyBlue = Color(hex: 0x56B4E9)
    public static let reddishPurple = Color(hex: 0xCC79A7)
    public static let yellow = Color(hex: 0xF0E442)
    public static let black = Color(hex: 0x000000)

    /// Series colours in the order they are assigned.
    public static let series: [Color] = [blue, vermillion, bluishGreen, orange, skyBlue, reddishPurple, yellow, black]

    /// The colour for the `index`-th automatically coloured series (cycles after eight).
    public static func color(_ index: Int) -> Color { series[index % series.count] }
}

/// Continuous colour maps, computed in the OKLab perceptual space (Ottosson 2020) rather than tabulated, so
/// equal steps in value look like equal steps in colour and lightness is monotone (readable in grayscale).
public enum Colormap: String, Sendable, Codable, CaseIterable {
    /// Dark purple → blue → teal → green → yellow, lightness rising throughout, in the spirit of viridis.
    case sequential
    /// Blue → white → red, symmetric in lightness about the midpoint, for signed values such as correlations.
    case diverging

    /// The colour at `t` in 0…1 (values outside are clamped).
    public func color(at t: Double) -> Color {
        let t = t.isNaN ? 0.5 : min(max(t, 0), 1)
        switch self {
        case .sequential:
            let lightness = 0.33 + 0.59 * t
            let chroma = 0.15 - 0.19 * t + 0.23 * t * t
            let hue = 310 - 202 * t
            return OKLab.color(lightness: lightness, chroma: chroma, hueDegrees: hue)
        case .diverging:
            let s = abs(2 * t - 1)
            let lightness = 1 - 0.52 * s
            let chroma = 0.17 * s
            return OKLab.color(lightness: lightness, chroma: chroma, hueDegrees: t < 0.5 ? 255 : 28)
        }
    }
}

/// OKLCh → sRGB, reducing chroma (at fixed lightness and hue) until the colour fits the sRGB gamut.
enum OKLab {
    static func color(lightness: Double, chroma: Double, hueDegrees: Double) -> Color {
        let hue = hueDegrees * .pi / 180
        func rgb(_ c: Double) -> (Double, Double, Double) {
            toLinearSRGB(l: lightness, a: c * cos(hue), b: c * sin(hue))
        }
        func inGamut(_ v: (Double, Double, Double)) -> Bool {
            let eps = 1e-9
            return [v.0, v.1, v.2].allSatisfy { $0 >= -eps && $0 <= 1 + eps }
        }
        var best = rgb(chroma)
        if !inGamut(best) {
            var low = 0.0, high = chroma
            for _ in 0..<40 {
                let mid = (low + high) / 2
                if inGamut(rgb(mid)) { low = mid } else { high = mid }
            }
            best = rgb(low)
        }
        return Color(red: encode(best.0), green: encode(best.1), blue: encode(best.2))
    }

    /// OKLab → linear sRGB with the published OKLab matrices.
    static func toLinearSRGB(l: Double, a: Double, b: Double) -> (Double, Double, Double) {
        let l1 = l + 0.3963377774 * a + 0.2158037573 * b
        let m1 = l - 0.1055613458 * a - 0.0638541728 * b
        let s1 = l - 0.0894841775 * a - 1.2914855480 * b
        let (l3, m3, s3) = (l1 * l1 * l1, m1 * m1 * m1, s1 * s1 * s1)
        return (4.0767416621 * l3 - 3.3077115913 * m3 + 0.2309699292 * s3,
                -1.2684380046 * l3 + 2.6097574011 * m3 - 0.3413193965 * s3,
                -0.0041960863 * l3 - 0.7034186147 * m3 + 1.7076147010 * s3)
    }

    /// Linear → gamma-encoded sRGB, clamped to 0…1.
    static func encode(_ c: Double) -> Double {
        let c = min(max(c, 0), 1)
        return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
    }
}
