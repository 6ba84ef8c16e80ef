import Artifacts
import CCairo
import Foundation

/// A figure: a grid of panels plus an optional title and provenance footer, described as a value and
/// rendered only by `write(to:id:caption:)`.
///
/// ```swift
/// var figure = Figure(width: 640, height: 400)
/// figure.panel { p in
///     p.title = "Discriminator output"
///     p.line(x: steps, y: dReal, label: "D(x)", band: Band(center: dReal, halfWidth: dStd))
///     p.referenceLine(y: 0.5, label: "equilibrium ½")
///     p.xLabel = "step"
/// }
/// try figure.write(to: directory, id: "gan-d-output", caption: "D(x) approaches ½.")
/// ```
public struct Figure: Sendable {
    /// Size in points (1/72 in); SVG and PDF use it as is, PNG multiplies by `pngScale`.
    public var width: Double
    public var height: Double
    /// Panels per row; rows follow from the panel count.
    public var columns: Int
    public var title: String?
    /// Small grey text at the bottom, for provenance (seed, config hash, kit version).
    public var footer: String?
    /// One x (y) domain for all numeric panels; tick labels and axis labels only on the outer panels.
    public var sharesX = false
    public var sharesY = false
    /// Whether a column holding an outside legend is widened by the legend, keeping every plot equally wide (off
    /// by default, so existing figures keep their layout).
    public var widensLegendColumns = false
    /// PNG pixels per point: 2 keeps lines and text crisp on slides and high-density screens.
    public var pngScale = 2
    public private(set) var panels: [Panel] = []

    public init(width: Double = 640, height: Double = 400, columns: Int = 1) {
        self.width = width
        self.height = height
        self.columns = columns
    }

    /// Adds a panel configured by `build`, filling the grid row by row.
    public mutating func panel(_ build: (inout Panel) throws -> Void) rethrows {
        var panel = Panel()
        try build(&panel)
        panels.append(panel)
    }

    /// Adds a panel built elsewhere.
    public mutating func add(_ panel: Panel) {
        panels.append(panel)
    }

    /// Changes every panel in place (a slide's copy of a figure moves legends and shortens titles).
    public mutating func updatePanels(_ body: (inout Panel) -> Void) {
        for i in panels.indices { body(&panels[i]) }
    }

    /// The file extensions `write` produces, in order.
    public static let fileExtensions = ["png", "svg", "pdf", "json"]

    /// Writes `<id>.png`, `.svg`, `.pdf` and the `.json` sidecar into `directory`. The four files are rendered
    /// to temporary files first and renamed into place only when all succeeded, so a failure leaves the
    /// previous version (or nothing) and never a half-written file. Returns the written URLs.
    @discardableResult
    public func write(to directory: URL, id: String, caption: String) throws -> [URL] {
        try Self.checkID(id)
        let resolved = try laidOut()
        let sidecar = try sidecarData(resolved, id: id, caption: caption)
        let urls = Self.fileExtensions.map { directory.appendingPathComponent("\(id).\($0)") }
        try writingAtomically {
            try AtomicFile.produce(urls) { temporaries in
                try renderPNG(resolved, to: temporaries[0])
                try renderVector(resolved, to: temporaries[1], pdf: false)
                try renderVector(resolved, to: temporaries[2], pdf: true)
                guard FileManager.default.createFile(atPath: temporaries[3], contents: sidecar) else {
                    throw FigureError.writeFailed(path: urls[3].path, reason: "cannot create \(temporaries[3])")
                }
            }
        }
        return urls
    }

    /// The sidecar JSON alone: what `write` records, without rendering.
    public func sidecar(id: String, caption: String) throws -> Data {
        try Self.checkID(id)
        return try sidecarData(laidOut(), id: id, caption: caption)
    }

    /// The resolved panels with tick labels fitted to the space they get, measured on a scratch surface so the
    /// sidecar records exactly the ticks and labels every format draws.
    func laidOut() throws -> [ResolvedPanel] {
        let resolved = try resolve()
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw FigureError.renderFailed("cairo_create returned nil") }
        defer { cairo_destroy(cr) }
        return Renderer(canvas: Canvas(cr), figure: self).fittingTicks(resolved)
    }

    /// Ids become file names and `@fig:<id>` references, so they are kebab-case.
    static func checkID(_ id: String) throws {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        let ok = !id.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
        guard ok else { throw FigureError.invalidInput("figure id '\(id)'", "must be kebab-case (a-z, 0-9, single hyphens)") }
    }

    private func renderPNG(_ resolved: [ResolvedPanel], to path: String) throws {
        guard pngScale >= 1 else { throw FigureError.invalidInput("figure", "pngScale must be at least 1") }
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32((width * Double(pngScale)).rounded()),
                                                 Int32((height * Double(pngScale)).rounded()))
        defer { cairo_surface_destroy(surface) }
        try draw(resolved, on: surface, scale: Double(pngScale))
        let status = cairo_surface_write_to_png(surface, path)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw FigureError.writeFailed(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
    }

    private func renderVector(_ resolved: [ResolvedPanel], to path: String, pdf: Bool) throws {
        let surface: OpaquePointer?
        if pdf {
            surface = cairo_pdf_surface_create(path, width, height)
            // Cairo stamps the current time otherwise; a fixed date keeps the PDF byte-identical across runs.
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
            if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        } else {
            surface = cairo_svg_surface_create(path, width, height)
        }
        defer { cairo_surface_destroy(surface) }
        try draw(resolved, on: surface, scale: 1)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw FigureError.writeFailed(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        if !pdf { try Self.fixSurfaceID(svgAt: path) }
    }

    /// Cairo names the SVG's top group after a process-wide surface counter (`<g id="surface370">`), so the
    /// second render in a process would differ from the first. Nothing refers to that id; pin it to 1.
    static func fixSurfaceID(svgAt path: String) throws {
        let url = URL(fileURLWithPath: path)
        var text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let prefix = "<g id=\"surface"
        guard let start = text.range(of: prefix) else { return }
        let digitsEnd = text[start.upperBound...].firstIndex { !$0.isNumber } ?? start.upperBound
        text.replaceSubrange(start.upperBound..<digitsEnd, with: "1")
        try Data(text.utf8).write(to: url)
    }

    private func draw(_ resolved: [ResolvedPanel], on surface: OpaquePointer?, scale: Double) throws {
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        guard let cr else { throw FigureError.renderFailed("cairo_create returned nil") }
        Renderer(canvas: Canvas(cr), figure: self).draw(resolved)
        let status = cairo_status(cr)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw FigureError.renderFailed(String(cString: cairo_status_to_string(status)))
        }
    }
}
