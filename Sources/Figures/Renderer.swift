import CCairo
import Foundation

/// Draws resolved panels onto a canvas. All sizes are in points; the style constants live here so every
/// figure in the kit looks the same.
struct Renderer {
    let canvas: Canvas
    let figure: Figure

    enum Style {
        static let margin = 10.0
        static let figureTitleSize = 15.0
        static let panelTitleSize = 12.0
        static let labelSize = 11.0
        static let tickSize = 10.0
        static let legendSize = 10.0
        static let footerSize = 8.0
        static let tickLength = 4.0
        static let gap = 4.0
        static let text = Color(red: 0.1, green: 0.1, blue: 0.1)
        static let frame = Color(red: 0.3, green: 0.3, blue: 0.3)
        static let grid = Color(red: 0.89, green: 0.89, blue: 0.89)
        static let muted = Color(red: 0.45, green: 0.45, blue: 0.45)
        static let fillAlpha = 0.42
        static let bandAlpha = 0.22
        static let colorBarWidth = 12.0
    }

    func draw(_ panels: [ResolvedPanel]) {
        canvas.fill(Rect(x: 0, y: 0, width: figure.width, height: figure.height), .white)
        for (panel, var painter) in zip(panels, painters(panels, drawingFrame: true)) {
            painter.resolved = panel
            painter.draw()
        }
    }

    /// `panels` with tick labels that fit their plots (see `PanelPainter.fittingTicks`), as `draw` will lay them out.
    func fittingTicks(_ panels: [ResolvedPanel]) -> [ResolvedPanel] {
        painters(panels, drawingFrame: false).map { $0.fittingTicks() }
    }

    /// One painter per panel in its grid cell, after the figure's title and footer (drawn when `drawingFrame`).
    private func painters(_ panels: [ResolvedPanel], drawingFrame: Bool) -> [PanelPainter] {
        var area = Rect(x: 0, y: 0, width: figure.width, height: figure.height).inset(left: Style.margin / 2, top: Style.margin / 2, right: Style.margin / 2, bottom: Style.margin / 2)
        if let title = figure.title {
            if drawingFrame {
                canvas.font(Style.figureTitleSize, bold: true)
                canvas.text(title, x: figure.width / 2, y: area.y + 4, alignX: 0.5, alignY: .top, color: Style.text)
            }
            area = area.inset(top: Style.figureTitleSize + 10)
        }
        if let footer = figure.footer {
            if drawingFrame {
                canvas.font(Style.footerSize)
                canvas.text(footer, x: area.maxX - 2, y: area.maxY - 2, alignX: 1, color: Style.muted)
            }
            area = area.inset(bottom: Style.footerSize + 6)
        }
        let rows = (panels.count + figure.columns - 1) / figure.columns
        // With `widensLegendColumns`, a column whose panel has its legend outside gets the legend's width on top of
        // an equal share, so that every plot in the row is as wide as the others.
        var extra = [Double](repeating: 0, count: figure.columns)
        if figure.widensLegendColumns {
            for (i, panel) in panels.enumerated() where panel.panel.legend == .outside {
                let probe = PanelPainter(canvas: canvas, resolved: panel, cell: area)
                if let legend = probe.legendSize() { extra[i % figure.columns] = max(extra[i % figure.columns], legend.width + 6) }
            }
        }
        let cellWidth = (area.width - extra.reduce(0, +)) / Double(figure.columns), cellHeight = area.height / Double(rows)
        return panels.enumerated().map { i, panel in
            let (row, column) = (i / figure.columns, i % figure.columns)
            let cell = Rect(x: area.x + Double(column) * cellWidth + extra[..<column].reduce(0, +),
                            y: area.y + Double(row) * cellHeight, width: cellWidth + extra[column], height: cellHeight)
            // Shared axes label only the outer panels: the bottom one in each column, the first in each row.
            let isBottom = i + figure.columns >= panels.count
            var painter = PanelPainter(canvas: canvas, resolved: panel, cell: cell)
            painter.showsXTickLabels = !figure.sharesX || isBottom
            painter.showsYTickLabels = !figure.sharesY || column == 0
            return painter
        }
    }
}

/// Lays out and draws one panel inside its grid cell.
private struct PanelPainter {
    typealias Style = Renderer.Style
    let canvas: Canvas
    var resolved: ResolvedPanel
    let cell: Rect
    var showsXTickLabels = true
    var showsYTickLabels = true
    var panel: Panel { resolved.panel }

    init(canvas: Canvas, resolved: ResolvedPanel, cell: Rect) {
        self.canvas = canvas
        self.resolved = resolved
        self.cell = cell.inset(left: 4, top: 2, right: 4, bottom: 2)
    }

    /// The cell below the panel's title.
    private var contentArea: Rect {
        cell.inset(top: panel.title == nil ? 6 : Style.panelTitleSize + 10)
    }

    func draw() {
        let area = contentArea
        if let title = panel.title {
            canvas.font(Style.panelTitleSize, bold: true)
            canvas.text(title, x: cell.x + cell.width / 2, y: cell.y + 4, alignX: 0.5, alignY: .top, color: Style.text)
        }
        switch resolved.kind {
        case .cartesian: drawCartesian(in: area)
        case .matrix: drawMatrix(in: area)
        case .image: drawImage(in: area)
        }
    }

    // MARK: Cartesian panels

    private var legendEntries: [(label: String, layer: Int)] {
        panel.layers.indices.compactMap { i in
            switch panel.layers[i] {
            case .line(let l): return l.label.map { ($0, i) }
            case .scatter(let s): return s.label.map { ($0, i) }
            case .histogram(let h): return h.label.map { ($0, i) }
            case .bars(let b): return b.label.map { ($0, i) }
            case .arrows(let a): return a.label.map { ($0, i) }
            case .heatmap, .matrix, .reference, .image: return nil
            }
        }
    }

    fileprivate func legendSize() -> (width: Double, height: Double)? {
        let entries = legendEntries
        guard !entries.isEmpty, panel.legend != .hidden else { return nil }
        canvas.font(Style.legendSize)
        let widest = entries.map { canvas.textWidth($0.label) }.max()!
        return (8 + 20 + 6 + widest + 8, Double(entries.count) * 15 + 8)
    }

    /// sin 45°: how far a label turned by 45° reaches down and sideways per point of its length.
    private static let diagonal = 0.5.squareRoot()

    /// The plot rectangle inside `area`, leaving room for the current tick labels, axis labels, colour bar and
    /// an outside legend.
    private func plotRect(in area: Rect) -> Rect {
        let x = resolved.x, y = resolved.y
        canvas.font(Style.tickSize)
        let yTickWidth = showsYTickLabels ? (y.drawnLabels.map(canvas.textWidth).max() ?? 0) : 0
        // Measured even when hidden (shared x), so stacked panels keep aligned plot edges.
        let xWidths = x.drawnLabels.map(canvas.textWidth)
        let turned = x.labelAngle != 0
        var left = yTickWidth + Style.tickLength + Style.gap
        if panel.yLabel != nil && showsYTickLabels { left += Style.labelSize + 6 }
        // Keeps the first x tick label off the neighbouring panel (a turned label reaches left from its tick).
        left = max(left, (xWidths.first ?? 0) * (turned ? Self.diagonal : 0.5) + 6)
        var bottom = Style.tickLength + Style.gap
        if showsXTickLabels {
            bottom += turned ? ((xWidths.max() ?? 0) + Style.tickSize) * Self.diagonal + 2 : Style.tickSize + 2
        }
        if panel.xLabel != nil && showsXTickLabels { bottom += Style.labelSize + 5 }
        var right = max(6, turned ? 6 : (xWidths.last ?? 0) / 2 + 6)
        if let bar = resolved.colorBar { right = max(right, colorBarWidth(bar) + 8) }
        if panel.legend == .outside, let legend = legendSize() { right += legend.width + 6 }
        return area.inset(left: left, top: 2, right: right, bottom: bottom)
    }

    /// The panel with tick labels that fit its plot: numeric ticks thinned to every 2nd, 5th, … where labels would
    /// touch (measured with Cairo's text extents); category names turned by 45° when they would overlap side by
    /// side, and cut with an ellipsis when longer than a third of the panel's height allows. The plot depends on
    /// the labels, so this repeats until the choice settles.
    func fittingTicks() -> ResolvedPanel {
        guard resolved.kind == .cartesian else { return resolved }
        let original = resolved
        var painter = self
        for _ in 0..<4 {
            let plot = painter.plotRect(in: contentArea)
            var next = original
            next.x = original.categories == nil ? thinnedX(original.x, plot) : fittedCategories(original.x, plot)
            next.y = thinnedY(original.y, plot)
            if next.x == painter.resolved.x && next.y == painter.resolved.y { break }
            painter.resolved = next
        }
        return painter.resolved
    }

    private func thinnedX(_ axis: Axis, _ plot: Rect) -> Axis {
        canvas.font(Style.tickSize)
        let positions = axis.ticks.map { plot.x + axis.fraction($0) * plot.width }
        return Self.keeping(Ticks.thinned(positions: positions, extents: axis.tickLabels.map(canvas.textWidth), gap: 8,
                                          anchor: axis.ticks.firstIndex(of: 0) ?? 0), of: axis)
    }

    private func thinnedY(_ axis: Axis, _ plot: Rect) -> Axis {
        let positions = axis.ticks.map { plot.maxY - axis.fraction($0) * plot.height }
        return Self.keeping(Ticks.thinned(positions: positions, extents: axis.ticks.map { _ in Style.tickSize }, gap: 2,
                                          anchor: axis.ticks.firstIndex(of: 0) ?? 0), of: axis)
    }

    private static func keeping(_ indices: [Int], of axis: Axis) -> Axis {
        var kept = axis
        kept.ticks = indices.map { axis.ticks[$0] }
        kept.tickLabels = indices.map { axis.tickLabels[$0] }
        return kept
    }

    private func fittedCategories(_ axis: Axis, _ plot: Rect) -> Axis {
        canvas.font(Style.tickSize)
        let slot = plot.width / Double(max(axis.tickLabels.count, 1))
        guard (axis.tickLabels.map(canvas.textWidth).max() ?? 0) + Style.gap > slot else { return axis }
        var turned = axis
        turned.labelAngle = 45
        let longest = max(40, contentArea.height / 3 / Self.diagonal)
        let shown = axis.tickLabels.map { Ticks.truncated($0, maxWidth: longest, width: canvas.textWidth) }
        turned.shownLabels = shown == axis.tickLabels ? nil : shown
        return turned
    }

    private func drawCartesian(in area: Rect) {
        let x = resolved.x, y = resolved.y
        let legend = legendSize()
        let plot = plotRect(in: area)

        func px(_ v: Double) -> Double { plot.x + x.fraction(v) * plot.width }
        func py(_ v: Double) -> Double { plot.maxY - y.fraction(v) * plot.height }

        // Grid under everything, then data clipped to the plot, then frame, ticks and labels on top.
        if panel.showsGrid {
            for t in x.ticks where resolved.categories == nil { canvas.line(px(t), plot.y, px(t), plot.maxY, Style.grid, width: 0.6) }
            for t in y.ticks { canvas.line(plot.x, py(t), plot.maxX, py(t), Style.grid, width: 0.6) }
        }
        cairo_save(canvas.cr)
        cairo_rectangle(canvas.cr, plot.x, plot.y, plot.width, plot.height)
        cairo_clip(canvas.cr)
        for index in panel.layers.indices { drawLayer(index, px: px, py: py, plot: plot) }
        cairo_restore(canvas.cr)
        canvas.stroke(plot, Style.frame, width: 0.8)
        for index in panel.layers.indices {
            if case .reference(let r) = panel.layers[index], let label = r.label {
                canvas.font(Style.tickSize - 1)
                if r.axis == .x {
                    let nearRight = px(r.value) > plot.maxX - canvas.textWidth(label) - 8
                    canvas.text(label, x: px(r.value) + (nearRight ? -4 : 4), y: plot.y + 4, alignX: nearRight ? 1 : 0,
                                alignY: .top, color: Style.text, halo: true)
                } else {
                    canvas.text(label, x: plot.maxX - 4, y: py(r.value) - 3, alignX: 1, color: Style.text, halo: true)
                }
            }
        }

        canvas.font(Style.tickSize)
        for (t, label) in zip(x.ticks, x.drawnLabels) {
            canvas.line(px(t), plot.maxY, px(t), plot.maxY + Style.tickLength, Style.frame, width: 0.8)
            guard showsXTickLabels else { continue }
            if x.labelAngle != 0 {
                // Ends at its tick and hangs down to the left, as the matrix panel's column labels do.
                canvas.text(label, x: px(t) + Style.tickSize * 0.35, y: plot.maxY + Style.tickLength + Style.gap, alignX: 1,
                            alignY: .top, angle: -x.labelAngle * .pi / 180, color: Style.text)
            } else {
                canvas.text(label, x: px(t), y: plot.maxY + Style.tickLength + Style.gap, alignX: 0.5, alignY: .top, color: Style.text)
            }
        }
        for (t, label) in zip(y.ticks, y.drawnLabels) {
            canvas.line(plot.x - Style.tickLength, py(t), plot.x, py(t), Style.frame, width: 0.8)
            if showsYTickLabels {
                canvas.text(label, x: plot.x - Style.tickLength - Style.gap, y: py(t), alignX: 1, alignY: .middle, color: Style.text)
            }
        }
        canvas.font(Style.labelSize)
        if let label = panel.xLabel, showsXTickLabels {
            canvas.text(label, x: plot.x + plot.width / 2, y: area.maxY - 2, alignX: 0.5, color: Style.text)
        }
        if let label = panel.yLabel, showsYTickLabels {
            canvas.text(label, x: area.x + Style.labelSize, y: plot.y + plot.height / 2, alignX: 0.5, angle: -.pi / 2, color: Style.text)
        }
        if let bar = resolved.colorBar {
            drawColorBar(bar, at: Rect(x: plot.maxX + 8, y: plot.y, width: Style.colorBarWidth, height: plot.height))
        }
        if let legend {
            drawLegend(size: legend, plot: plot, px: px, py: py)
        }
    }

    private func drawLayer(_ index: Int, px: (Double) -> Double, py: (Double) -> Double, plot: Rect) {
        let cr = canvas.cr
        let color = resolved.colors[index] ?? .black
        switch panel.layers[index] {
        case .line(let line):
            if let band = line.band {
                canvas.setColor(color.withAlpha(Style.bandAlpha))
                for (v, u) in zip(line.x, band.upper) { cairo_line_to(cr, px(v), py(u)) }
                for (v, l) in zip(line.x, band.lower).reversed() { cairo_line_to(cr, px(v), py(l)) }
                cairo_close_path(cr)
                cairo_fill(cr)
            }
            canvas.setColor(color)
            cairo_set_line_width(cr, 1.8)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            canvas.dash(line.style, width: 1.8)
            for (v, w) in zip(line.x, line.y) { cairo_line_to(cr, px(v), py(w)) }
            cairo_stroke(cr)
            canvas.dash(.solid, width: 1)
        case .scatter(let points):
            canvas.setColor(color.withAlpha(0.75))
            for (v, w) in zip(points.x, points.y) { canvas.circle(px(v), py(w), radius: points.radius) }
            cairo_fill(cr)
        case .histogram:
            let counts = resolved.histograms[index]!
            let base = resolved.y.scale == .log ? plot.maxY + 1 : py(0)
            canvas.setColor(color.withAlpha(Style.fillAlpha))
            for i in counts.counts.indices where counts.heights[i] > 0 {
                cairo_rectangle(cr, px(counts.edges[i]), py(counts.heights[i]), px(counts.edges[i + 1]) - px(counts.edges[i]),
                                base - py(counts.heights[i]))
            }
            cairo_fill(cr)
            // The outline as one step path keeps overlaid histograms distinguishable where fills mix.
            canvas.setColor(color)
            cairo_set_line_width(cr, 1.2)
            cairo_move_to(cr, px(counts.edges[0]), base)
            for i in counts.counts.indices {
                let top = counts.heights[i] > 0 ? py(counts.heights[i]) : base
                cairo_line_to(cr, px(counts.edges[i]), top)
                cairo_line_to(cr, px(counts.edges[i + 1]), top)
            }
            cairo_line_to(cr, px(counts.edges.last!), base)
            cairo_stroke(cr)
        case .bars(let bars):
            let series = panel.layers.indices.filter { if case .bars = panel.layers[$0] { return true } else { return false } }
            let slot = series.firstIndex(of: index)!
            let groupWidth = 0.8, barWidth = groupWidth / Double(series.count)
            let base = resolved.y.scale == .log ? plot.maxY + 1 : py(0)
            for (c, value) in bars.values.enumerated() {
                let left = Double(c) - groupWidth / 2 + Double(slot) * barWidth
                let r = Rect(x: px(left), y: min(py(value), base), width: px(left + barWidth) - px(left) - 0.5,
                             height: abs(base - py(value)))
                canvas.fill(r, color)
                if let e = bars.errors?[c] {
                    let center = px(left + barWidth / 2), cap = (px(left + barWidth) - px(left)) * 0.2
                    canvas.line(center, py(value - abs(e)), center, py(value + abs(e)), Style.text, width: 1)
                    canvas.line(center - cap, py(value + abs(e)), center + cap, py(value + abs(e)), Style.text, width: 1)
                    canvas.line(center - cap, py(value - abs(e)), center + cap, py(value - abs(e)), Style.text, width: 1)
                }
            }
        case .heatmap(let heatmap):
            let bar = resolved.colorBar!
            let rows = heatmap.values.count, columns = heatmap.values[0].count
            let (dx, dy) = ((heatmap.x.upperBound - heatmap.x.lowerBound) / Double(columns),
                            (heatmap.y.upperBound - heatmap.y.lowerBound) / Double(rows))
            cairo_save(cr)
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)  // no hairline seams between cells
            for r in 0..<rows {
                for c in 0..<columns {
                    let (x0, x1) = (px(heatmap.x.lowerBound + Double(c) * dx), px(heatmap.x.lowerBound + Double(c + 1) * dx))
                    let (y0, y1) = (py(heatmap.y.lowerBound + Double(r) * dy), py(heatmap.y.lowerBound + Double(r + 1) * dy))
                    canvas.fill(Rect(x: x0, y: y1, width: x1 - x0, height: y0 - y1), bar.color(heatmap.values[r][c]))
                }
            }
            cairo_restore(cr)
        case .arrows(let arrows):
            for i in arrows.x.indices {
                canvas.arrow(px(arrows.x[i]), py(arrows.y[i]), px(arrows.x[i] + arrows.scale * arrows.dx[i]),
                             py(arrows.y[i] + arrows.scale * arrows.dy[i]), color)
            }
        case .reference(let reference):
            canvas.dash(.dashed, width: 1)
            if reference.axis == .x {
                canvas.line(px(reference.value), plot.y, px(reference.value), plot.maxY, color, width: 1)
            } else {
                canvas.line(plot.x, py(reference.value), plot.maxX, py(reference.value), color, width: 1)
            }
            canvas.dash(.solid, width: 1)
        case .matrix, .image:
            break  // drawn by their own panel kinds
        }
    }

    /// Samples of what each layer covers, in device space, for choosing the emptiest legend corner.
    private func occupiedPoints(px: (Double) -> Double, py: (Double) -> Double, plot: Rect) -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for (index, layer) in panel.layers.enumerated() {
            switch layer {
            case .line(let l):
                for i in l.x.indices {
                    points.append((px(l.x[i]), py(l.y[i])))
                    if i > 0 {
                        for k in 1..<8 {
                            let t = Double(k) / 8
                            points.append((px(l.x[i - 1]) * (1 - t) + px(l.x[i]) * t, py(l.y[i - 1]) * (1 - t) + py(l.y[i]) * t))
                        }
                    }
                }
            case .scatter(let s): points += zip(s.x, s.y).map { (px($0), py($1)) }
            case .arrows(let a): points += a.x.indices.map { (px(a.x[$0]), py(a.y[$0])) }
            case .histogram:
                let h = resolved.histograms[index]!
                for i in h.counts.indices {
                    let center = px((h.edges[i] + h.edges[i + 1]) / 2)
                    for k in 0...6 { points.append((center, plot.maxY + (py(h.heights[i]) - plot.maxY) * Double(k) / 6)) }
                }
            case .bars(let b):
                for (c, v) in b.values.enumerated() {
                    for k in 0...6 { points.append((px(Double(c)), plot.maxY + (py(v) - plot.maxY) * Double(k) / 6)) }
                }
            case .heatmap, .matrix, .reference, .image: break
            }
        }
        return points
    }

    private func drawLegend(size: (width: Double, height: Double), plot: Rect, px: (Double) -> Double, py: (Double) -> Double) {
        let inset = 6.0
        func box(_ placement: LegendPlacement) -> Rect {
            let left = plot.x + inset, right = plot.maxX - inset - size.width
            let top = plot.y + inset, bottom = plot.maxY - inset - size.height
            switch placement {
            case .topLeft: return Rect(x: left, y: top, width: size.width, height: size.height)
            case .bottomRight: return Rect(x: right, y: bottom, width: size.width, height: size.height)
            case .bottomLeft: return Rect(x: left, y: bottom, width: size.width, height: size.height)
            case .outside: return Rect(x: plot.maxX + 6 + (resolved.colorBar.map(colorBarWidth) ?? 0) + (resolved.colorBar == nil ? 0 : 8),
                                       y: plot.y, width: size.width, height: size.height)
            default: return Rect(x: right, y: top, width: size.width, height: size.height)
            }
        }
        var frame = box(panel.legend)
        if panel.legend == .automatic {
            let points = occupiedPoints(px: px, py: py, plot: plot)
            let candidates: [LegendPlacement] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
            let scores = candidates.map { placement -> Int in
                let r = box(placement)
                return points.filter { $0.0 >= r.x - 4 && $0.0 <= r.maxX + 4 && $0.1 >= r.y - 4 && $0.1 <= r.maxY + 4 }.count
            }
            frame = box(candidates[scores.firstIndex(of: scores.min()!)!])
        }
        canvas.fill(frame, .white.withAlpha(0.88))
        canvas.stroke(frame, Style.grid.withAlpha(1), width: 0.8)
        canvas.font(Style.legendSize)
        for (row, entry) in legendEntries.enumerated() {
            let y = frame.y + 4 + Double(row) * 15 + 7.5
            let x = frame.x + 8
            let color = resolved.colors[entry.layer] ?? .black
            switch panel.layers[entry.layer] {
            case .line(let l):
                if l.band != nil { canvas.fill(Rect(x: x, y: y - 5, width: 20, height: 10), color.withAlpha(Style.bandAlpha)) }
                canvas.dash(l.style, width: 1.8)
                canvas.line(x, y, x + 20, y, color, width: 1.8)
                canvas.dash(.solid, width: 1)
            case .scatter(let s):
                canvas.setColor(color.withAlpha(0.75))
                canvas.circle(x + 10, y, radius: max(s.radius, 2.5))
                cairo_fill(canvas.cr)
            case .arrows: canvas.arrow(x, y, x + 20, y, color)
            case .histogram:
                canvas.fill(Rect(x: x + 2, y: y - 5, width: 16, height: 10), color.withAlpha(Style.fillAlpha))
                canvas.stroke(Rect(x: x + 2, y: y - 5, width: 16, height: 10), color, width: 1)
            default:
                canvas.fill(Rect(x: x + 2, y: y - 5, width: 16, height: 10), color)
            }
            canvas.text(entry.label, x: x + 26, y: y, alignY: .middle, color: Style.text)
        }
    }

    // MARK: Colour bar

    private func colorBarWidth(_ bar: ColorBar) -> Double {
        canvas.font(Style.tickSize)
        let labels = bar.tickLabels.map(canvas.textWidth).max() ?? 0
        return Style.colorBarWidth + Style.tickLength + Style.gap + labels + (bar.label == nil ? 0 : Style.labelSize + 8)
    }

    private func drawColorBar(_ bar: ColorBar, at r: Rect) {
        let steps = 96
        cairo_save(canvas.cr)
        cairo_set_antialias(canvas.cr, CAIRO_ANTIALIAS_NONE)
        for i in 0..<steps {
            let t = (Double(i) + 0.5) / Double(steps)
            canvas.fill(Rect(x: r.x, y: r.maxY - r.height * Double(i + 1) / Double(steps), width: r.width,
                             height: r.height / Double(steps) + 0.3), bar.colormap.color(at: t))
        }
        cairo_restore(canvas.cr)
        canvas.stroke(r, Style.frame, width: 0.6)
        canvas.font(Style.tickSize)
        let span = bar.range.upperBound - bar.range.lowerBound
        var widest = 0.0
        for (t, label) in zip(bar.ticks, bar.tickLabels) {
            let y = r.maxY - (t - bar.range.lowerBound) / span * r.height
            canvas.line(r.maxX, y, r.maxX + Style.tickLength, y, Style.frame, width: 0.8)
            canvas.text(label, x: r.maxX + Style.tickLength + 2, y: y, alignY: .middle, color: Style.text)
            widest = max(widest, canvas.textWidth(label))
        }
        if let label = bar.label {
            canvas.font(Style.labelSize)
            canvas.text(label, x: r.maxX + Style.tickLength + Style.gap + widest + 4 + Style.labelSize * 0.8,
                        y: r.y + r.height / 2, alignX: 0.5, angle: .pi / 2, color: Style.text)
        }
    }

    // MARK: Matrix panels

    private func drawMatrix(in area: Rect) {
        guard case .matrix(let matrix) = panel.layers[0], let bar = resolved.colorBar else { return }
        let rows = matrix.values.count, columns = matrix.values[0].count
        canvas.font(Style.tickSize)
        let rowLabelWidth = matrix.rowLabels.map(canvas.textWidth).max() ?? 0
        let columnLabelWidth = matrix.columnLabels.map(canvas.textWidth).max() ?? 0
        let left = rowLabelWidth + Style.gap + 2
        let available = area.inset(left: left, right: colorBarWidth(bar) + 12)
        var cellSize = min(available.width / Double(columns), (available.height - Style.tickSize - 6) / Double(rows))
        // Column labels wider than a cell are turned 45° so they never overlap their neighbours.
        let rotated = columnLabelWidth > cellSize - 2
        var labelHeight = Style.tickSize + 6
        if rotated {
            labelHeight = (columnLabelWidth + Style.tickSize) * 0.71 + 6
            cellSize = min(available.width / Double(columns), (available.height - labelHeight) / Double(rows))
        }
        if panel.xLabel != nil { labelHeight += Style.labelSize + 6 }
        cellSize = min(cellSize, (available.height - labelHeight) / Double(rows))
        let grid = Rect(x: available.x, y: available.y, width: cellSize * Double(columns), height: cellSize * Double(rows))
        canvas.font(min(10, cellSize * 0.32))
        for r in 0..<rows {
            for c in 0..<columns {
                let cellRect = Rect(x: grid.x + Double(c) * cellSize, y: grid.y + Double(r) * cellSize, width: cellSize, height: cellSize)
                let color = bar.color(matrix.values[r][c])
                canvas.fill(cellRect, color)
                if matrix.annotate {
                    canvas.text(Ticks.format(matrix.values[r][c], decimals: 2).replacingOccurrences(of: "-", with: "−"),
                                x: cellRect.x + cellSize / 2, y: cellRect.y + cellSize / 2, alignX: 0.5, alignY: .middle,
                                color: color.luminance > 0.35 ? Style.text : .white)
                }
            }
        }
        canvas.stroke(grid, Style.frame, width: 0.6)
        canvas.font(Style.tickSize)
        for (r, label) in matrix.rowLabels.enumerated() {
            canvas.text(label, x: grid.x - Style.gap, y: grid.y + (Double(r) + 0.5) * cellSize, alignX: 1, alignY: .middle, color: Style.text)
        }
        for (c, label) in matrix.columnLabels.enumerated() {
            let x = grid.x + (Double(c) + 0.5) * cellSize
            if rotated {
                canvas.text(label, x: x + Style.tickSize * 0.35, y: grid.maxY + 6, alignX: 1, alignY: .top, angle: -.pi / 4, color: Style.text)
            } else {
                canvas.text(label, x: x, y: grid.maxY + 4, alignX: 0.5, alignY: .top, color: Style.text)
            }
        }
        canvas.font(Style.labelSize)
        if let label = panel.xLabel {
            canvas.text(label, x: grid.x + grid.width / 2, y: grid.maxY + labelHeight, alignX: 0.5, color: Style.text)
        }
        drawColorBar(bar, at: Rect(x: grid.maxX + 10, y: grid.y, width: Style.colorBarWidth, height: grid.height))
    }

    // MARK: Image panels

    private func drawImage(in area: Rect) {
        guard case .image(let image) = panel.layers[0], let picture = resolved.pictures[0] else { return }
        // A mask's legend runs under the image, wrapped into as many rows as the panel's width needs; a hidden
        // legend leaves the whole area to the image (a grid of masks then shows the legend once).
        canvas.font(Style.legendSize)
        var rows: [[(index: Int, width: Double)]] = []
        if let mask = image.mask, panel.legend != .hidden {
            for c in mask.classNames.indices where c != mask.transparentClass {
                let entry = (c, 14 + 5 + canvas.textWidth(mask.classNames[c]))
                let used = rows.last.map { $0.reduce(0) { $0 + $1.width + 14 } } ?? .infinity
                if used + entry.1 > area.width { rows.append([entry]) } else { rows[rows.count - 1].append(entry) }
            }
        }
        let rowHeight = Style.legendSize + 6
        let legendHeight = rows.isEmpty ? 0.0 : Double(rows.count) * rowHeight + 4
        let room = area.inset(bottom: 2 + legendHeight)
        let scale = min(room.width / Double(picture.width), room.height / Double(picture.height))
        let size = (Double(picture.width) * scale, Double(picture.height) * scale)
        let target = Rect(x: room.x + (room.width - size.0) / 2, y: room.y, width: size.0, height: size.1)
        canvas.raster(picture, in: target)
        guard let mask = image.mask else { return }
        for (r, row) in rows.enumerated() {
            let total = row.reduce(0) { $0 + $1.width } + 14 * Double(max(row.count - 1, 0))
            var x = area.x + (area.width - total) / 2
            let y = target.maxY + 6 + Style.legendSize / 2 + Double(r) * rowHeight
            for (c, width) in row {
                let swatch = Rect(x: x, y: y - 5, width: 14, height: 10)
                canvas.fill(swatch, mask.color(of: c))
                canvas.stroke(swatch, Style.frame, width: 0.5)
                canvas.text(mask.classNames[c], x: swatch.maxX + 5, y: y, alignY: .middle, color: Style.text)
                x += width + 14
            }
        }
    }
}

extension ColorBar {
    func color(_ value: Double) -> Color {
        colormap.color(at: (value - range.lowerBound) / (range.upperBound - range.lowerBound))
    }
}
