/// A shaded band around a line, e.g. mean ± one standard deviation over seeds.
public struct Band: Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]

    public init(lower: [Double], upper: [Double]) {
        self.lower = lower
        self.upper = upper
    }

    /// `center ± halfWidth`, pointwise.
    public init(center: [Double], halfWidth: [Double]) {
        self.init(lower: zip(center, halfWidth).map { $0 - $1 }, upper: zip(center, halfWidth).map { $0 + $1 })
    }
}

public enum LineStyle: String, Sendable, Codable {
    case solid, dashed, dotted
}

/// How a histogram is binned.
public enum Bins: Sendable, Equatable {
    /// Equal-width bins over the pooled range of every `.count` histogram in the panel, so overlays (real vs
    /// synthetic) share edges and compare like with like.
    case count(Int)
    /// Explicit ascending edges; values outside them are not counted (the sidecar reports how many).
    case edges([Double])
}

/// Where the legend goes. `.automatic` picks the inside corner covering the fewest plotted points.
public enum LegendPlacement: String, Sendable, Codable {
    case automatic, topRight, topLeft, bottomRight, bottomLeft
    /// To the right of the plot area, for many entries or dense data.
    case outside
    case hidden
}

/// A class map for a segmentation overlay: one class index per pixel, row-major like `Raster`.
public struct SegmentationMask: Sendable, Equatable {
    public var labels: [Int]
    public var width: Int
    public var height: Int
    /// Class names by index; they make the legend.
    public var classNames: [String]
    /// The class drawn without colour (usually background), or nil to colour every class.
    public var transparentClass: Int?
    /// Overlay opacity; the image stays visible underneath.
    public var opacity: Double

    public init(labels: [Int], width: Int, height: Int, classNames: [String], transparentClass: Int? = 0,
                opacity: Double = 0.5) {
        self.labels = labels
        self.width = width
        self.height = height
        self.classNames = classNames
        self.transparentClass = transparentClass
        self.opacity = opacity
    }

    /// The overlay colour of class `index`: the palette, skipping black, in class order.
    func color(of index: Int) -> Color {
        let colors = Palette.series.dropLast()
        return colors[colors.startIndex + index % colors.count]
    }
}

/// One plot area with its axes: a declarative list of layers drawn in the order they were added.
///
/// Adding layers never fails; all checks (lengths, NaNs, log-scale positivity) run when the figure is written,
/// and the error names the panel and series.
public struct Panel: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed axis ranges; nil fits the data and widens to the enclosing nice ticks.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var legend: LegendPlacement = .automatic
    public var showsGrid = true
    var layers: [Layer] = []

    /// The labels its legend lists, in order (a slide copy checks whether they fit beside the plot).
    public var legendLabels: [String] {
        layers.compactMap { layer in
            switch layer {
            case .line(let l): l.label
            case .scatter(let s): s.label
            case .histogram(let h): h.label
            case .bars(let b): b.label
            case .arrows(let a): a.label
            case .heatmap, .matrix, .reference, .image: nil
            }
        }
    }

    public init() {}

    /// A line through `(x[i], y[i])`, optionally with a shaded `band`.
    public mutating func line(x: [Double], y: [Double], label: String? = nil, band: Band? = nil,
                              style: LineStyle = .solid, color: Color? = nil) {
        layers.append(.line(.init(x: x, y: y, label: label, band: band, style: style, color: color)))
    }

    /// A line at x = 0, 1, 2, … (e.g. a loss per step).
    public mutating func line(_ y: [Double], label: String? = nil, band: Band? = nil, style: LineStyle = .solid,
                              color: Color? = nil) {
        line(x: y.indices.map(Double.init), y: y, label: label, band: band, style: style, color: color)
    }

    /// Points at `(x[i], y[i])`.
    public mutating func scatter(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                                 radius: Double = 2.5) {
        layers.append(.scatter(.init(x: x, y: y, label: label, color: color, radius: radius)))
    }

    /// A histogram of raw `values`, drawn translucent so several can overlay. `density` scales bar heights so
    /// the area is one, which makes samples of different sizes comparable.
    public mutating func histogram(_ values: [Double], bins: Bins = .count(30), label: String? = nil,
                                   density: Bool = false, color: Color? = nil) {
        layers.append(.histogram(.init(values: values, bins: bins, label: label, density: density, color: color)))
    }

    /// One series of a grouped bar chart; call once per series with the same `categories`. `errors` draws
    /// ± whiskers (e.g. standard deviation over seeds).
    public mutating func bars(categories: [String], values: [Double], label: String? = nil,
                              errors: [Double]? = nil, color: Color? = nil) {
        layers.append(.bars(.init(categories: categories, values: values, errors: errors, label: label, color: color)))
    }

    /// A scalar field sampled on a regular grid over `x` × `y`: `values[row][column]`, row 0 at the bottom
    /// (`y.lowerBound`). The axes stay numeric, so points and arrows can be drawn on top (a GAN Lab panel).
    public mutating func heatmap(_ values: [[Double]], x: ClosedRange<Double>, y: ClosedRange<Double>,
                                 colormap: Colormap = .sequential, valueRange: ClosedRange<Double>? = nil,
                                 label: String? = nil) {
        layers.append(.heatmap(.init(values: values, x: x, y: y, colormap: colormap, valueRange: valueRange,
                                     label: label)))
    }

    /// A labelled matrix (e.g. correlations), row 0 at the top, with a colour bar and optional value
    /// annotations. Without `valueRange`, a diverging map is centred on zero.
    public mutating func matrix(_ values: [[Double]], rowLabels: [String], columnLabels: [String],
                                colormap: Colormap = .diverging, valueRange: ClosedRange<Double>? = nil,
                                annotate: Bool = false, label: String? = nil) {
        layers.append(.matrix(.init(values: values, rowLabels: rowLabels, columnLabels: columnLabels,
                                    colormap: colormap, valueRange: valueRange, annotate: annotate, label: label)))
    }

    /// Arrows from `(x[i], y[i])` to `(x[i] + scale·dx[i], y[i] + scale·dy[i])`, e.g. generator gradients.
    public mutating func arrows(x: [Double], y: [Double], dx: [Double], dy: [Double], scale: Double = 1,
                                label: String? = nil, color: Color? = nil) {
        layers.append(.arrows(.init(x: x, y: y, dx: dx, dy: dy, scale: scale, label: label, color: color)))
    }

    /// A vertical reference line at `x`, labelled at its top (e.g. the true mean).
    public mutating func referenceLine(x: Double, label: String? = nil) {
        layers.append(.reference(.init(axis: .x, value: x, label: label)))
    }

    /// A horizontal reference line at `y`, labelled at its right end (e.g. the equilibrium log 4).
    public mutating func referenceLine(y: Double, label: String? = nil) {
        layers.append(.reference(.init(axis: .y, value: y, label: label)))
    }

    /// An image, aspect preserved and without axes, optionally with a segmentation overlay and its legend.
    public mutating func image(_ raster: Raster, mask: SegmentationMask? = nil) {
        layers.append(.image(.init(tiles: [raster], columns: 1, mask: mask)))
    }

    /// Images tiled in a grid (samples from a model), drawn as one picture without axes.
    public mutating func images(_ rasters: [Raster], columns: Int) {
        layers.append(.image(.init(tiles: rasters, columns: columns, mask: nil)))
    }
}

/// The layer descriptions, kept internal so the public surface is the builder methods above.
enum Layer: Sendable {
    case line(Line)
    case scatter(Scatter)
    case histogram(Histogram)
    case bars(Bars)
    case heatmap(Heatmap)
    case matrix(Matrix)
    case arrows(Arrows)
    case reference(Reference)
    case image(Image)

    struct Line: Sendable { var x, y: [Double]; var label: String?; var band: Band?; var style: LineStyle; var color: Color? }
    struct Scatter: Sendable { var x, y: [Double]; var label: String?; var color: Color?; var radius: Double }
    struct Histogram: Sendable { var values: [Double]; var bins: Bins; var label: String?; var density: Bool; var color: Color? }
    struct Bars: Sendable { var categories: [String]; var values: [Double]; var errors: [Double]?; var label: String?; var color: Color? }
    struct Heatmap: Sendable {
        var values: [[Double]]; var x, y: ClosedRange<Double>; var colormap: Colormap
        var valueRange: ClosedRange<Double>?; var label: String?
    }
    struct Matrix: Sendable {
        var values: [[Double]]; var rowLabels, columnLabels: [String]; var colormap: Colormap
        var valueRange: ClosedRange<Double>?; var annotate: Bool; var label: String?
    }
    struct Arrows: Sendable { var x, y, dx, dy: [Double]; var scale: Double; var label: String?; var color: Color? }
    struct Reference: Sendable { enum Axis: String, Sendable { case x, y }; var axis: Axis; var value: Double; var label: String? }
    struct Image: Sendable { var tiles: [Raster]; var columns: Int; var mask: SegmentationMask? }
}
