import Foundation

/// One axis after fitting: what the renderer draws and the sidecar records.
struct Axis: Sendable, Equatable {
    var scale: Scale
    var domain: ClosedRange<Double>
    var ticks: [Double]
    var tickLabels: [String]
    /// The labels as drawn where they differ from `tickLabels` (long category names cut with an ellipsis).
    var shownLabels: [String]? = nil
    /// Degrees the tick labels are turned by: 45 when category names side by side would overlap.
    var labelAngle: Double = 0

    var drawnLabels: [String] { shownLabels ?? tickLabels }

    /// Position of `value` in 0…1 along the axis.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: return (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log:
            return (log10(value) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
    }
}

/// Binned counts of one histogram layer.
struct HistogramCounts: Sendable {
    var edges: [Double]
    var counts: [Int]
    var heights: [Double]
    var outside: Int
}

/// The colour scale of a panel's heatmap or matrix.
struct ColorBar: Sendable {
    var colormap: Colormap
    var range: ClosedRange<Double>
    var label: String?
    var ticks: [Double]
    var tickLabels: [String]
}

/// A panel checked and fitted: everything needed to draw it and to write its sidecar, computed once so the
/// two agree by construction.
struct ResolvedPanel: Sendable {
    enum Kind: Sendable { case cartesian, matrix, image }
    var panel: Panel
    var kind: Kind
    var x: Axis
    var y: Axis
    /// Category names along x, for bar charts.
    var categories: [String]?
    /// The drawing colour of each layer (nil for layers coloured by a colour map).
    var colors: [Color?]
    var histograms: [Int: HistogramCounts]
    var colorBar: ColorBar?
    /// Tiled and overlaid pictures of image layers, by layer index.
    var pictures: [Int: Raster]
}

extension Figure {
    /// Checks every layer and fits axes; throws naming the first offending panel and series.
    func resolve() throws -> [ResolvedPanel] {
        guard width >= 50, height >= 50, width.isFinite, height.isFinite else {
            throw FigureError.invalidInput("figure", "size \(width)×\(height) is too small")
        }
        guard columns > 0 else { throw FigureError.invalidInput("figure", "columns must be positive") }
        guard !panels.isEmpty else { throw FigureError.emptyData("figure (no panels)") }
        var prepared = try panels.enumerated().map { try Preparation(panel: $1, number: $0 + 1) }
        if sharesX { Preparation.share(&prepared, \.xBounds) }
        if sharesY { Preparation.share(&prepared, \.yBounds) }
        return try prepared.map { try $0.fitted() }
    }
}

/// Per-panel work between validation and axis fitting; shared axes merge the data bounds in between.
private struct Preparation {
    var resolved: ResolvedPanel
    var location: String
    var xBounds: ClosedRange<Double>?
    var yBounds: ClosedRange<Double>?
    var xTight = false
    var yTight = false

    init(panel: Panel, number: Int) throws {
        location = "panel \(number)" + (panel.title.map { " '\($0)'" } ?? "")
        guard !panel.layers.isEmpty else { throw FigureError.emptyData(location) }
        resolved = ResolvedPanel(panel: panel, kind: .cartesian, x: Axis(scale: panel.xScale, domain: 0...1, ticks: [], tickLabels: []),
                                 y: Axis(scale: panel.yScale, domain: 0...1, ticks: [], tickLabels: []), categories: nil,
                                 colors: [], histograms: [:], colorBar: nil, pictures: [:])
        try checkKinds(panel)
        var xs: [Double] = [], ys: [Double] = []
        var nextColor = 0
        func seriesColor(_ explicit: Color?) -> Color {
            if let explicit { return explicit }
            defer { nextColor += 1 }
            return Palette.color(nextColor)
        }
        let pooled = try pooledHistogramRange(panel)
        for (index, layer) in panel.layers.enumerated() {
            var color: Color?
            switch layer {
            case .line(let line):
                let at = name("line", line.label)
                try check(line.x, "x", at, count: nil, log: panel.xScale == .log)
                try check(line.y, "y", at, count: line.x.count, log: panel.yScale == .log)
                if let band = line.band {
                    try check(band.lower, "band.lower", at, count: line.x.count, log: panel.yScale == .log)
                    try check(band.upper, "band.upper", at, count: line.x.count, log: panel.yScale == .log)
                    ys += band.lower + band.upper
                }
                xs += line.x; ys += line.y
                color = seriesColor(line.color)
            case .scatter(let points):
                let at = name("scatter", points.label)
                try check(points.x, "x", at, count: nil, log: panel.xScale == .log)
                try check(points.y, "y", at, count: points.x.count, log: panel.yScale == .log)
                xs += points.x; ys += points.y
                color = seriesColor(points.color)
            case .histogram(let histogram):
                let at = name("histogram", histogram.label)
                try check(histogram.values, "values", at, count: nil, log: false)
                let counts = try Self.bin(histogram, pooled: pooled, at)
                try check(counts.heights, "heights", at, count: nil, log: panel.yScale == .log)
                resolved.histograms[index] = counts
                xs += [counts.edges.first!, counts.edges.last!]; ys += counts.heights + [panel.yScale == .log ? counts.heights.min()! : 0]
                color = seriesColor(histogram.color)
            case .bars(let bars):
                let at = name("bars", bars.label)
                guard !bars.categories.isEmpty else { throw FigureError.emptyData(at + " categories") }
                if let known = resolved.categories, known != bars.categories {
                    throw FigureError.invalidInput(at, "categories \(bars.categories) differ from the panel's \(known)")
                }
                resolved.categories = bars.categories
                try check(bars.values, "values", at, count: bars.categories.count, log: panel.yScale == .log)
                if let errors = bars.errors {
                    try check(errors, "errors", at, count: bars.categories.count, log: false)
                    ys += zip(bars.values, errors).flatMap { [$0 - abs($1), $0 + abs($1)] }
                }
                xs += [-0.5, Double(bars.categories.count) - 0.5]; ys += bars.values + (panel.yScale == .log ? [] : [0])
                xTight = true
                color = seriesColor(bars.color)
            case .heatmap(let heatmap):
                let at = name("heatmap", heatmap.label)
                try checkGrid(heatmap.values, at)
                for range in [heatmap.x, heatmap.y] where !(range.lowerBound.isFinite && range.upperBound.isFinite)
                    || range.lowerBound == range.upperBound {
                    throw FigureError.invalidInput(at, "extent \(range) must be finite and non-empty")
                }
                xs += [heatmap.x.lowerBound, heatmap.x.upperBound]; ys += [heatmap.y.lowerBound, heatmap.y.upperBound]
                xTight = true; yTight = true
                resolved.colorBar = try Self.colorBar(heatmap.values, heatmap.colormap, heatmap.valueRange, heatmap.label, at)
            case .matrix(let matrix):
                let at = name("matrix", matrix.label)
                try checkGrid(matrix.values, at)
                try check(matrix.rowLabels.map { _ in 0 }, "rowLabels", at, count: matrix.values.count, log: false)
                try check(matrix.columnLabels.map { _ in 0 }, "columnLabels", at, count: matrix.values[0].count, log: false)
                resolved.kind = .matrix
                resolved.colorBar = try Self.colorBar(matrix.values, matrix.colormap, matrix.valueRange, matrix.label, at)
            case .arrows(let arrows):
                let at = name("arrows", arrows.label)
                for (field, values) in [("x", arrows.x), ("y", arrows.y), ("dx", arrows.dx), ("dy", arrows.dy)] {
                    try check(values, field, at, count: field == "x" ? nil : arrows.x.count, log: false)
                }
                guard arrows.scale.isFinite else { throw FigureError.invalidInput(at, "scale is not finite") }
                let tipsX = zip(arrows.x, arrows.dx).map { $0 + arrows.scale * $1 }
                let tipsY = zip(arrows.y, arrows.dy).map { $0 + arrows.scale * $1 }
                try check(tipsX, "x + scale·dx", at, count: nil, log: panel.xScale == .log)
                try check(tipsY, "y + scale·dy", at, count: nil, log: panel.yScale == .log)
                xs += arrows.x + tipsX; ys += arrows.y + tipsY
                color = seriesColor(arrows.color)
            case .reference(let reference):
                let at = name("reference line", reference.label)
                let log = (reference.axis == .x ? panel.xScale : panel.yScale) == .log
                try check([reference.value], reference.axis.rawValue, at, count: nil, log: log)
                if reference.axis == .x { xs.append(reference.value) } else { ys.append(reference.value) }
                color = Color(red: 0.3, green: 0.3, blue: 0.3)
            case .image(let image):
                let at = name("image", nil)
                resolved.kind = .image
                resolved.pictures[index] = try Self.picture(image, at)
            }
            resolved.colors.append(color)
        }
        if resolved.kind == .cartesian {
            xBounds = xs.isEmpty ? nil : xs.min()!...xs.max()!
            yBounds = ys.isEmpty ? nil : ys.min()!...ys.max()!
        }
    }

    /// Image and matrix panels have no numeric axes to share, so they must stand alone.
    private func checkKinds(_ panel: Panel) throws {
        let special = panel.layers.filter {
            switch $0 { case .image, .matrix: return true; default: return false }
        }
        if !special.isEmpty && panel.layers.count > 1 {
            throw FigureError.invalidInput(location, "an image or matrix must be the only layer of its panel")
        }
    }

    private func name(_ kind: String, _ label: String?) -> String {
        "\(location), \(kind)" + (label.map { " '\($0)'" } ?? "")
    }

    private func check(_ values: [Double], _ field: String, _ at: String, count: Int?, log: Bool) throws {
        if let count, values.count != count {
            throw FigureError.lengthMismatch(at, field: field, expected: count, actual: values.count)
        }
        if values.isEmpty { throw FigureError.emptyData(at) }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw FigureError.nonFinite(at, field: field, index: index)
        }
        if log, let index = values.firstIndex(where: { $0 <= 0 }) {
            throw FigureError.nonPositiveOnLogScale(at, field: field, index: index)
        }
    }

    private func checkGrid(_ rows: [[Double]], _ at: String) throws {
        guard let first = rows.first, !first.isEmpty else { throw FigureError.emptyData(at) }
        for (r, row) in rows.enumerated() {
            try check(row, "row \(r)", at, count: first.count, log: false)
        }
    }

    /// The pooled range of every `.count` histogram in the panel, so they share bin edges.
    private func pooledHistogramRange(_ panel: Panel) throws -> ClosedRange<Double>? {
        let values = panel.layers.flatMap { layer -> [Double] in
            if case .histogram(let h) = layer, case .count = h.bins { return h.values.filter(\.isFinite) }
            return []
        }
        guard let low = values.min(), let high = values.max() else { return nil }
        return low == high ? (low - 0.5)...(high + 0.5) : low...high
    }

    static func bin(_ histogram: Layer.Histogram, pooled: ClosedRange<Double>?, _ at: String) throws -> HistogramCounts {
        let edges: [Double]
        switch histogram.bins {
        case .count(let n):
            guard n > 0, let range = pooled else { throw FigureError.invalidInput(at, "bin count must be positive") }
            let width = (range.upperBound - range.lowerBound) / Double(n)
            edges = (0...n).map { $0 == n ? range.upperBound : range.lowerBound + Double($0) * width }
        case .edges(let given):
            guard given.count >= 2, given.allSatisfy(\.isFinite), zip(given, given.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw FigureError.invalidInput(at, "bin edges must be at least two finite, strictly ascending values")
            }
            edges = given
        }
        var counts = [Int](repeating: 0, count: edges.count - 1)
        var outside = 0
        for value in histogram.values {
            guard value >= edges.first!, value <= edges.last! else { outside += 1; continue }
            // The bin whose half-open interval [e_i, e_i+1) holds the value; the last bin is closed.
            var low = 0, high = edges.count - 1
            while high - low > 1 {
                let mid = (low + high) / 2
                if value >= edges[mid] { low = mid } else { high = mid }
            }
            counts[low] += 1
        }
        let total = Double(counts.reduce(0, +))
        let heights = counts.indices.map { i -> Double in
            guard histogram.density else { return Double(counts[i]) }
            return total == 0 ? 0 : Double(counts[i]) / (total * (edges[i + 1] - edges[i]))
        }
        return HistogramCounts(edges: edges, counts: counts, heights: heights, outside: outside)
    }

    static func colorBar(_ values: [[Double]], _ colormap: Colormap, _ given: ClosedRange<Double>?, _ label: String?,
                         _ at: String) throws -> ColorBar {
        let all = values.flatMap { $0 }
        var range: ClosedRange<Double>
        if let given {
            guard given.lowerBound.isFinite, given.upperBound.isFinite, given.lowerBound < given.upperBound else {
                throw FigureError.invalidInput(at, "value range \(given) must be finite and non-empty")
            }
            range = given
        } else if colormap == .diverging {
            let extreme = all.map(abs).max()!
            range = extreme == 0 ? -1...1 : -extreme...extreme
        } else {
            let (low, high) = Ticks.widenedIfDegenerate(all.min()!, all.max()!)
            range = low...high
        }
        let ticks = Ticks.linear(lower: range.lowerBound, upper: range.upperBound, targetCount: 5)
            .filter { $0 >= range.lowerBound - 1e-9 * (range.upperBound - range.lowerBound) && $0 <= range.upperBound + 1e-9 * (range.upperBound - range.lowerBound) }
        return ColorBar(colormap: colormap, range: range, label: label, ticks: ticks, tickLabels: Ticks.labels(linear: ticks))
    }

    /// Tiles the image layer and blends its segmentation overlay into one RGB (or gray) picture.
    static func picture(_ image: Layer.Image, _ at: String) throws -> Raster {
        var picture = image.tiles.count == 1
            ? image.tiles[0] : try Raster.grid(image.tiles, columns: image.columns)
        try picture.validate(at)
        guard let mask = image.mask else { return picture }
        let maskAt = at + " mask"
        guard mask.width == picture.width, mask.height == picture.height else {
            throw FigureError.invalidInput(maskAt, "size \(mask.width)×\(mask.height) differs from the image's \(picture.width)×\(picture.height)")
        }
        guard mask.labels.count == mask.width * mask.height else {
            throw FigureError.lengthMismatch(maskAt, field: "labels", expected: mask.width * mask.height, actual: mask.labels.count)
        }
        if let index = mask.labels.firstIndex(where: { !mask.classNames.indices.contains($0) }) {
            throw FigureError.invalidInput(maskAt, "labels[\(index)] = \(mask.labels[index]) has no class name")
        }
        picture = picture.asRGB
        let alpha = Float(min(max(mask.opacity, 0), 1))
        for (p, label) in mask.labels.enumerated() where label != mask.transparentClass {
            let c = mask.color(of: label)
            for (k, v) in [c.red, c.green, c.blue].enumerated() {
                picture.pixels[3 * p + k] = picture.pixels[3 * p + k] * (1 - alpha) + Float(v) * alpha
            }
        }
        return picture
    }

    /// Merges the data bounds of every panel that has them, so shared axes get one domain.
    static func share(_ panels: inout [Preparation], _ bounds: WritableKeyPath<Preparation, ClosedRange<Double>?>) {
        let all = panels.compactMap { $0[keyPath: bounds] }
        guard let low = all.map(\.lowerBound).min(), let high = all.map(\.upperBound).max() else { return }
        for i in panels.indices where panels[i][keyPath: bounds] != nil { panels[i][keyPath: bounds] = low...high }
    }

    func fitted() throws -> ResolvedPanel {
        var result = resolved
        guard result.kind == .cartesian else { return result }
        let panel = result.panel
        result.x = try Self.axis(panel.xScale, bounds: xBounds ?? 0...1, fixed: panel.xRange, tight: xTight, "\(location), x range")
        result.y = try Self.axis(panel.yScale, bounds: yBounds ?? 0...1, fixed: panel.yRange, tight: yTight, "\(location), y range")
        if let categories = result.categories {
            result.x.ticks = categories.indices.map(Double.init)
            result.x.tickLabels = categories
        }
        return result
    }

    /// Linear axes fit loosely (domain = enclosing nice ticks) unless the range is fixed or the data defines
    /// its own extent (heatmaps, bar slots); then ticks are those inside it. Log axes fit the data with a 3 %
    /// margin, since widening to whole decades can waste most of the plot.
    static func axis(_ scale: Scale, bounds: ClosedRange<Double>, fixed: ClosedRange<Double>?, tight: Bool,
                     _ at: String) throws -> Axis {
        if let fixed {
            guard fixed.lowerBound.isFinite, fixed.upperBound.isFinite, fixed.lowerBound < fixed.upperBound,
                  scale == .linear || fixed.lowerBound > 0 else {
                throw FigureError.invalidInput(at, "\(fixed) is empty, not finite or not positive on a log scale")
            }
        }
        var span = fixed ?? bounds
        var tight = tight
        if scale == .log && fixed == nil && !tight {
            let (low, high) = (log10(span.lowerBound), log10(span.upperBound))
            let margin = max(high - low, 0.1) * 0.03
            span = pow(10, low - margin)...pow(10, high + margin)
            tight = true
        }
        let ticks = scale == .log
            ? Ticks.logarithmic(lower: span.lowerBound, upper: span.upperBound)
            : Ticks.linear(lower: span.lowerBound, upper: span.upperBound)
        if fixed == nil && !tight {
            return Axis(scale: scale, domain: ticks.first!...ticks.last!, ticks: ticks, tickLabels: Ticks.labels(ticks, scale: scale))
        }
        let (low, high) = Ticks.widenedIfDegenerate(span.lowerBound, span.upperBound)
        let slack = 1e-9 * (high - low)
        var inside = ticks.filter { $0 >= low - slack && $0 <= high + slack }
        if scale == .log && inside.count < 3 {
            // Under three decades in view: label 1, 2 and 5 of every decade instead.
            let decades = Int(log10(low).rounded(.down))...Int(log10(high).rounded(.up))
            inside = decades.flatMap { e in [1.0, 2, 5].map { $0 * Ticks.powerOfTen(e) } }
                .filter { $0 >= low - slack && $0 <= high + slack }
        }
        return Axis(scale: scale, domain: low...high, ticks: inside, tickLabels: Ticks.labels(inside, scale: scale))
    }
}
