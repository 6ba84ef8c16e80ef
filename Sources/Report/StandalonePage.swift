import Artifacts
import Foundation

/// A self-contained HTML page built from one run's artifacts on disk, styled and embedded like the dissertation
/// (inline CSS, figures as data URIs, no script): what `chapter3 --csv` writes for a practitioner's own table.
/// Text that comes from the data — column names, category values, file names — is escaped, never read as
/// Markdown; run tables and figures go through the dissertation's own renderer.
public struct StandalonePage {
    public enum Section: Sendable {
        /// A heading, plain text.
        case heading(String)
        /// A paragraph, plain text.
        case paragraph(String)
        /// A table of plain-text cells.
        case table(header: [String], rows: [[String]])
        /// `reports/runs/<chapter>/tables/<id>.md`, numbered, with its JSON twin's caption.
        case runTable(id: String)
        /// `figures/<chapter>/<id>.svg` (or `.png`), embedded, numbered, with its sidecar's caption.
        case figure(id: String)
        /// The run's `manifest.json` as the dissertation's provenance table.
        case provenance
    }

    public var title: String
    /// The run whose artifacts the page shows (`3-tabddpm-own`).
    public var chapter: String
    public var sections: [Section]

    public init(title: String, chapter: String, sections: [Section]) {
        self.title = title
        self.chapter = chapter
        self.sections = sections
    }

    /// The page; throws naming the file when a run table, figure or the manifest is missing or malformed.
    public func html(assets: FileAssets) throws -> String {
        // Figures and run tables are rendered from one-line narratives that name only their (kebab-case) ids.
        let references: [Int: NarrativePart] = Dictionary(uniqueKeysWithValues: sections.enumerated().compactMap { i, section in
            let markdown: String
            switch section {
            case .runTable(let id): markdown = "[[tbl:\(id)]]"
            case .figure(let id): markdown = "![](fig:\(id))"
            default: return nil
            }
            return (i, NarrativePart(chapter: chapter, file: "\(chapter) page, section \(i + 1)", markdown: markdown + "\n"))
        })
        let order = references.keys.sorted()
        let renderer = DocumentRenderer(style: .dissertation, assets: assets, bibliography: Bibliography())
        let parsed = Dictionary(uniqueKeysWithValues: zip(order, try renderer.prepare(order.map { references[$0]! })))
        var body = "<section class=\"part\"><h1>\(HTML.text(title))</h1>\n"
        for (i, section) in sections.enumerated() {
            switch section {
            case .heading(let text):
                body += "<h2>\(HTML.text(text))</h2>\n"
            case .paragraph(let text):
                body += "<p>\(HTML.text(text))</p>\n"
            case .table(let header, let rows):
                body += try renderer.renderTable(header: header, align: [], rows: rows) { HTML.text($0) } + "\n"
            case .runTable, .figure:
                body += try renderer.render(parsed[i]!, part: references[i]!) + "\n"
            case .provenance:
                guard let manifest = try assets.manifest(chapter) else {
                    throw ReportError(file: "reports/runs/\(chapter)/manifest.json", line: 0, message: "no manifest: the run did not finish")
                }
                body += Pages.provenanceHTML(manifest) + "\n"
            }
        }
        body += "</section>"
        return Pages.page(title: title, css: Style.common + Style.dissertation, font: .fallback, body: body)
    }

    /// Writes the page to `reports/own/<fileName>.html` under `root`, atomically (a failed render leaves any earlier
    /// page in place), and returns where it went.
    public func write(root: URL, fileName: String) throws -> URL {
        let url = root.appendingPathComponent("reports/own").appendingPathComponent("\(fileName).html")
        try AtomicFile.write(html(assets: FileAssets(root: root)), to: url)
        return url
    }
}
