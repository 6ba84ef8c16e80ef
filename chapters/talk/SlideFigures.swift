import Figures
import Foundation

/// The deck's copy of a figure, drawn for a projector: sized to the box a figure gets on a 1280 × 720 slide and
/// drawn at `pixelsPerPoint`, so that the smallest text (10-point tick labels) is 30 px, the slide's body text,
/// and every line is three pixels per point thick. Tick thinning then keeps only the ticks that fit. The report
/// embeds `figures/talk/slides/<id>` in the deck and the full-size figure in the dissertation-style pages.
enum SlideFigure {
    /// Slide pixels per figure point.
    static let pixelsPerPoint = 3.0
    /// The figure box of a slide with a heading, a line of text and a one-line caption, in slide pixels.
    static let width = 1120.0, height = 360.0

    /// `figure` at slide size with its legends outside the data where they fit beside the plot (else where the
    /// document puts them), and without the title of a lone panel, which the slide's heading already gives.
    /// A slide layout drawn for the purpose (`movesLegends` false) keeps its legends where it put them.
    static func fitted(_ figure: Figure, movesLegends: Bool = true) -> Figure {
        var slide = figure
        slide.width = width / pixelsPerPoint
        slide.height = height / pixelsPerPoint
        slide.pngScale = Int(2 * pixelsPerPoint)
        slide.title = nil
        slide.footer = nil
        slide.widensLegendColumns = true
        let narrow = slide.columns >= 3, alone = slide.panels.count == 1, room = 0.4 * slide.width
        // Several panels share one legend, at the end of the row when they all list the same entries: a legend
        // beside each would leave no room for the plots.
        let panels = slide.panels
        let same = Set(panels.map(\.legendLabels)).count == 1
        let keeper = !movesLegends ? nil : same && panels.contains { $0.legend != .hidden } ? panels.count - 1
            : panels.lastIndex { $0.legend != .hidden }
        var index = 0
        slide.updatePanels { panel in
            defer { index += 1 }
            if let keeper {
                if index != keeper { panel.legend = .hidden } else if panel.legend == .hidden { panel.legend = .automatic }
            }
            if movesLegends, panel.legend != .hidden, legendWidth(panel.legendLabels) <= room { panel.legend = .outside }
            if alone { panel.title = nil }
            // Three panels side by side leave room for a short title only: what precedes the colon.
            if narrow, let title = panel.title, title.count > 20, let colon = title.range(of: ": ") {
                panel.title = String(title[..<colon.lowerBound])
            }
        }
        return slide
    }

    /// About how wide a legend of `labels` is, in points (10-point text, its swatch and padding).
    static func legendWidth(_ labels: [String]) -> Double {
        Double(labels.map(\.count).max() ?? 0) * 5.6 + 42
    }

    /// The sub-folder of a run's figures that holds the slide copies.
    static let folder = "slides"
}
