import CCairo
import Foundation

/// A rectangle in points, y downwards as in Cairo.
struct Rect {
    var x, y, width, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(width - left - right, 1), height: max(height - top - bottom, 1))
    }
}

/// A thin layer over a Cairo context: text with alignment, colours and simple shapes.
/// Text uses the toy API with DejaVu Sans and unhinted metrics, so layout is the same on the raster and the
/// vector surfaces.
struct Canvas {
    let cr: OpaquePointer

    init(_ cr: OpaquePointer) {
        self.cr = cr
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    static let fontFamily = "DejaVu Sans"

    func font(_ size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, Self.fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    func textWidth(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, text, &extents)
        return extents.x_advance
    }

    /// Height from baseline to the top of capitals, for centring text vertically.
    var capHeight: Double {
        var extents = cairo_font_extents_t()
        cairo_font_extents(cr, &extents)
        return extents.ascent * 0.72
    }

    enum VerticalAlignment { case top, middle, baseline }

    /// Draws `text` with its anchor at (x, y): `alignX` 0 left, 0.5 centre, 1 right; rotated by `angle`
    /// radians about the anchor. `halo` outlines it in white so it stays readable over data.
    func text(_ text: String, x: Double, y: Double, alignX: Double = 0, alignY: VerticalAlignment = .baseline,
              angle: Double = 0, color: Color = .black, halo: Bool = false) {
        guard !text.isEmpty else { return }
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if angle != 0 { cairo_rotate(cr, angle) }
        let dy: Double
        switch alignY {
        case .top: dy = capHeight
        case .middle: dy = capHeight / 2
        case .baseline: dy = 0
        }
        cairo_move_to(cr, -alignX * textWidth(text), dy)
        if halo {
            cairo_text_path(cr, text)
            setColor(.white.withAlpha(0.85))
            cairo_set_line_width(cr, 3)
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
            cairo_stroke_preserve(cr)
            setColor(color)
            cairo_fill(cr)
        } else {
            setColor(color)
            cairo_show_text(cr, text)
        }
        cairo_restore(cr)
    }

    func setColor(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    func fill(_ r: Rect, _ color: Color) {
        setColor(color)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_fill(cr)
    }

    func stroke(_ r: Rect, _ color: Color, width: Double) {
        setColor(color)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_stroke(cr)
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, width: Double) {
        setColor(color)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    func dash(_ style: LineStyle, width: Double) {
        switch style {
        case .solid: cairo_set_dash(cr, nil, 0, 0)
        case .dashed: [6.0, 4.0].withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, 2, 0) }
        case .dotted: [0.1, 2.5 * width].withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, 2, 0) }
        }
        cairo_set_line_cap(cr, style == .dotted ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
    }

    func circle(_ x: Double, _ y: Double, radius: Double) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * .pi)
    }

    /// An arrow from (x0, y0) to (x1, y1) with a filled head.
    func arrow(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, width: Double = 1.2) {
        let length = hypot(x1 - x0, y1 - y0)
        guard length > 0.5 else { return }
        let (ux, uy) = ((x1 - x0) / length, (y1 - y0) / length)
        let head = min(6, length * 0.45)
        let (bx, by) = (x1 - ux * head, y1 - uy * head)
        line(x0, y0, bx, by, color, width: width)
        setColor(color)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, bx - uy * head * 0.45, by + ux * head * 0.45)
        cairo_line_to(cr, bx + uy * head * 0.45, by - ux * head * 0.45)
        cairo_close_path(cr)
        cairo_fill(cr)
    }

    /// Draws `raster` into `r`, one crisp square per pixel. Drawn as merged rectangles rather than an embedded
    /// bitmap, because Cairo names embedded bitmaps in SVG by a process-wide counter, which would make two
    /// renders in one process differ.
    func raster(_ raster: Raster, in r: Rect) {
        let sx = r.width / Double(raster.width), sy = r.height / Double(raster.height)
        let c = raster.channels.rawValue
        let bytes = raster.bytes
        cairo_save(cr)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        for row in 0..<raster.height {
            var start = 0
            while start < raster.width {
                let at = (row * raster.width + start) * c
                let value = bytes[at..<(at + c)]
                var end = start + 1
                while end < raster.width, bytes[((row * raster.width + end) * c)..<((row * raster.width + end) * c + c)] == value {
                    end += 1
                }
                let rgb = c == 1 ? [value.first!, value.first!, value.first!] : Array(value)
                fill(Rect(x: r.x + Double(start) * sx, y: r.y + Double(row) * sy, width: Double(end - start) * sx, height: sy),
                     Color(red: Double(rgb[0]) / 255, green: Double(rgb[1]) / 255, blue: Double(rgb[2]) / 255))
                start = end
            }
        }
        cairo_restore(cr)
    }
}
