import Foundation

/// How Healing MNIST pixels go missing. The reference ships its masks only as prebuilt files and names five
/// kinds (mnar, random, spatial, temporal_pos, temporal_neg); the paper describes only MNAR (about 60 % missing,
/// white pixels more likely). Every probability here is therefore ours, chosen for about 60 % missing.
public enum PixelMissingness: Equatable, Sendable, CustomStringConvertible {
    /// Missing not at random: a white (1) pixel is missing with probability `white`, a black one with `black`.
    case mnar(white: Double, black: Double)
    /// Missing completely at random, each pixel with probability `rate`.
    case random(rate: Double)
    /// Depends on where the pixel is: `centre` at the image centre, falling linearly with the distance to
    /// `corner` at the corners (the digit's strokes sit near the centre).
    case spatial(centre: Double, corner: Double)
    /// Depends on the frame: `first` in frame 0, changing linearly to `last` in the final frame.
    case temporal(first: Double, last: Double)

    /// Ours: 85 % of white and 57 % of black pixels, about 60 % in all on rotated binarised MNIST (13 % white).
    public static let defaultMNAR = PixelMissingness.mnar(white: 0.85, black: 0.57)
    /// Ours: 60 % of pixels.
    public static let defaultRandom = PixelMissingness.random(rate: 0.6)
    /// Ours: 95 % at the centre to 35 % at the corners, 61 % averaged over a 28 × 28 frame.
    public static let defaultSpatial = PixelMissingness.spatial(centre: 0.95, corner: 0.35)
    /// Ours: 30 % in the first frame rising to 90 % in the last ("temporal_pos").
    public static let defaultTemporalPositive = PixelMissingness.temporal(first: 0.3, last: 0.9)
    /// Ours: 90 % in the first frame falling to 30 % in the last ("temporal_neg").
    public static let defaultTemporalNegative = PixelMissingness.temporal(first: 0.9, last: 0.3)

    /// The reference's name for the kind (temporal ones by their direction).
    public var name: String {
        switch self {
        case .mnar: "mnar"
        case .random: "random"
        case .spatial: "spatial"
        case let .temporal(first, last): last >= first ? "temporal_pos" : "temporal_neg"
        }
    }

    /// The kind by the reference's name, with our default probabilities.
    public init?(name: String) {
        switch name {
        case "mnar": self = .defaultMNAR
        case "random": self = .defaultRandom
        case "spatial": self = .defaultSpatial
        case "temporal_pos": self = .defaultTemporalPositive
        case "temporal_neg": self = .defaultTemporalNegative
        default: return nil
        }
    }

    public var description: String {
        func percent(_ p: Double) -> String { "\(Int((p * 100).rounded())) %" }
        switch self {
        case let .mnar(white, black): return "MNAR: white pixels missing with probability \(percent(white)), black \(percent(black))"
        case let .random(rate): return "random: every pixel missing with probability \(percent(rate))"
        case let .spatial(centre, corner):
            return "spatial: missing with probability \(percent(centre)) at the centre falling linearly to \(percent(corner)) at the corners"
        case let .temporal(first, last):
            return "temporal: missing with probability \(percent(first)) in the first frame changing linearly to \(percent(last)) in the last"
        }
    }

    /// The probability that a pixel is missing.
    func probability(white: Bool, row: Int, column: Int, side: Int, frame: Int, frames: Int) -> Double {
        switch self {
        case let .mnar(pWhite, pBlack):
            return white ? pWhite : pBlack
        case let .random(rate):
            return rate
        case let .spatial(centre, corner):
            let middle = Double(side - 1) / 2
            let distance = ((Double(row) - middle) * (Double(row) - middle) + (Double(column) - middle) * (Double(column) - middle)).squareRoot()
            return centre + (corner - centre) * distance / (middle * 2.0.squareRoot())
        case let .temporal(first, last):
            return frames > 1 ? first + (last - first) * Double(frame) / Double(frames - 1) : first
        }
    }
}
