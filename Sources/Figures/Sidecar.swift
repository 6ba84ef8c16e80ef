import Foundation

/// The sidecar's schema: exactly the numbers and labels drawn, so tests and auditors read values, not pixels.
/// Optional fields are omitted when empty; keys are sorted so the file is byte-identical across runs.
struct FigureRecord: Encodable {
    var id: String
    var caption: String
    var width: Double
    var height: Double
    var columns: Int
    var title: String?
    var footer: String?
    var sharesX: Bool
    var sharesY: Bool
    var panels: [PanelRecord]
}

struct PanelRecord: Encodable {
    var title: String?
    var xLabel: String?
    var yLabel: String?
    var x: AxisRecord?
    var y: AxisRecord?
    var layers: [LayerRecord]
}

struct AxisRecord: Encodable {
    var scale: Scale
    var domain: [Double]
    var ticks: [Double]
    /// The full labels (category names uncut).
    var tickLabels: [String]
    /// The labels as drawn, when some were cut to fit.
    var shownTickLabels: [String]?
    /// Degrees the drawn labels are turned by, when they are.
    var tickLabelAngle: Double?
}

struct LayerRecord: Encodable {
    var kind: String
    var label: String?
    var color: String?
    var style: LineStyle?
    var x: [Double]?
    var y: [Double]?
    var bandLower: [Double]?
    var bandUpper: [Double]?
    var dx: [Double]?
    var dy: [Double]?
    var scale: Double?
    var binEdges: [Double]?
    var counts: [Int]?
    var heights: [Double]?
    var outsideEdges: Int?
    var density: Bool?
    var categories: [String]?
    var values: [Double]?
    var errors: [Double]?
    var matrix: [[Double]]?
    var rowLabels: [String]?
    var columnLabels: [String]?
    var xExtent: [Double]?
    var yExtent: [Double]?
    var colormap: Colormap?
    var valueRange: [Double]?
    var annotated: Bool?
    var axis: String?
    var value: Double?
    var image: ImageRecord?

    init(kind: String, label: String? = nil, color: Color? = nil) {
        self.kind = kind
        self.label = label
        self.color = color?.hexString
    }
}

/// Images are summarised rather than dumped: size, tile layout, per-tile means and per-class pixel counts.
struct ImageRecord: Encodable {
    var width: Int
    var height: Int
    var channels: Raster.Channels
    var tiles: Int
    var columns: Int
    var tileMeans: [Double]
    var classes: [ClassRecord]?
}

struct ClassRecord: Encodable {
    var index: Int
    var name: String
    var color: String?
    var pixels: Int
}

extension Figure {
    func sidecarData(_ resolved: [ResolvedPanel], id: String, caption: String) throws -> Data {
        let record = FigureRecord(id: id, caption: caption, width: width, height: height, columns: columns,
                                  title: title, footer: footer, sharesX: sharesX, sharesY: sharesY,
                                  panels: resolved.map(Self.record))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(record) + Data("\n".utf8)
    }

    private static func record(_ resolved: ResolvedPanel) -> PanelRecord {
        let panel = resolved.panel
        func axis(_ a: Axis) -> AxisRecord? {
            resolved.kind == .cartesian
                ? AxisRecord(scale: a.scale, domain: [a.domain.lowerBound, a.domain.upperBound], ticks: a.ticks,
                             tickLabels: a.tickLabels, shownTickLabels: a.shownLabels,
                             tickLabelAngle: a.labelAngle == 0 ? nil : a.labelAngle)
                : nil
        }
        let layers = panel.layers.enumerated().map { index, layer -> LayerRecord in
            let color = resolved.colors[index]
            switch layer {
            case .line(let line):
                var r = LayerRecord(kind: "line", label: line.label, color: color)
                (r.x, r.y, r.style) = (line.x, line.y, line.style)
                (r.bandLower, r.bandUpper) = (line.band?.lower, line.band?.upper)
                return r
            case .scatter(let points):
                var r = LayerRecord(kind: "scatter", label: points.label, color: color)
                (r.x, r.y) = (points.x, points.y)
                return r
            case .histogram(let histogram):
                let counts = resolved.histograms[index]!
                var r = LayerRecord(kind: "histogram", label: histogram.label, color: color)
                (r.binEdges, r.counts, r.heights) = (counts.edges, counts.counts, counts.heights)
                (r.outsideEdges, r.density) = (counts.outside, histogram.density)
                return r
            case .bars(let bars):
                var r = LayerRecord(kind: "bars", label: bars.label, color: color)
                (r.categories, r.values, r.errors) = (bars.categories, bars.values, bars.errors)
                return r
            case .heatmap(let heatmap):
                var r = LayerRecord(kind: "heatmap", label: heatmap.label)
                r.matrix = heatmap.values
                r.xExtent = [heatmap.x.lowerBound, heatmap.x.upperBound]
                r.yExtent = [heatmap.y.lowerBound, heatmap.y.upperBound]
                r.colormap = heatmap.colormap
                r.valueRange = resolved.colorBar.map { [$0.range.lowerBound, $0.range.upperBound] }
                return r
            case .matrix(let matrix):
                var r = LayerRecord(kind: "matrix", label: matrix.label)
                (r.matrix, r.rowLabels, r.columnLabels) = (matrix.values, matrix.rowLabels, matrix.columnLabels)
                (r.colormap, r.annotated) = (matrix.colormap, matrix.annotate)
                r.valueRange = resolved.colorBar.map { [$0.range.lowerBound, $0.range.upperBound] }
                return r
            case .arrows(let arrows):
                var r = LayerRecord(kind: "arrows", label: arrows.label, color: color)
                (r.x, r.y, r.dx, r.dy, r.scale) = (arrows.x, arrows.y, arrows.dx, arrows.dy, arrows.scale)
                return r
            case .reference(let reference):
                var r = LayerRecord(kind: "referenceLine", label: reference.label, color: color)
                (r.axis, r.value) = (reference.axis.rawValue, reference.value)
                return r
            case .image(let image):
                var r = LayerRecord(kind: "image")
                let picture = resolved.pictures[index]!
                r.image = ImageRecord(
                    width: picture.width, height: picture.height, channels: picture.channels, tiles: image.tiles.count,
                    columns: image.columns,
                    tileMeans: image.tiles.map { tile in tile.pixels.reduce(0.0) { $0 + Double($1) } / Double(tile.pixels.count) },
                    classes: image.mask.map { mask in
                        mask.classNames.indices.map { c in
                            ClassRecord(index: c, name: mask.classNames[c],
                                        color: c == mask.transparentClass ? nil : mask.color(of: c).hexString,
                                        pixels: mask.labels.lazy.filter { $0 == c }.count)
                        }
                    })
                return r
            }
        }
        return PanelRecord(title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel,
                           x: axis(resolved.x), y: axis(resolved.y), layers: layers)
    }
}
