import Artifacts
import Foundation

/// The embedded math font: a base64 `@font-face` and the licence notice that must travel with it.
public struct MathFontEmbed: Sendable {
    /// CSS (`@font-face` or empty) to put in the page.
    public var css: String
    /// Human-readable note for the colophon.
    public var noticeHTML: String
    public var embedded: Bool

    public static let defaultPath = "/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf"

    /// The fallback when no font file is available: the reader's math fonts.
    public static let fallback = MathFontEmbed(
        css: "", noticeHTML: "No math font was embedded (none found at build time); formulas use the reader's "
            + "installed math fonts (Latin Modern Math, STIX Two Math, Cambria Math, or the system <code>math</code> "
            + "font).", embedded: false)

    /// Embeds the file at `path` unmodified, or returns the fallback when it is absent.
    public static func load(path: String?) -> MathFontEmbed {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return .fallback }
        let ext = (path as NSString).pathExtension.lowercased()
        let (mime, format): (String, String)
        switch ext {
        case "woff2": (mime, format) = ("font/woff2", "woff2")
        case "woff": (mime, format) = ("font/woff", "woff")
        case "ttf": (mime, format) = ("font/ttf", "truetype")
        default: (mime, format) = ("font/otf", "opentype")
        }
        let name = (path as NSString).lastPathComponent
        let css = """
        /* Math font: \(name), embedded. Latin Modern Math, Copyright 2012-2014 B. Jackowski, P. Strzelczyk and
           P. Pianowski (on behalf of TeX Users Groups). Distributed under the GUST Font License (GFL), an instance
           of the LaTeX Project Public License; see www.gust.org.pl/projects/e-foundry/licenses */
        @font-face { font-family: "Embedded LM Math"; src: url(data:\(mime);base64,\(data.base64EncodedString())) format("\(format)"); font-display: block; }

        """
        let notice = "Formulas are set in <b>Latin Modern Math</b> (file <code>\(HTML.text(name))</code>, "
            + "\(data.count / 1024) KB, embedded in this file). Latin Modern Math is Copyright © 2012–2014 "
            + "B. Jackowski, P. Strzelczyk and P. Pianowski (on behalf of TeX Users Groups) and is distributed "
            + "under the GUST Font License, an instance of the LaTeX Project Public License "
            + "(www.gust.org.pl/projects/e-foundry/licenses, www.latex-project.org/lppl.txt)."
        return MathFontEmbed(css: css, noticeHTML: notice, embedded: true)
    }
}

/// Assembles `reports/dissertation.html` (every `chapters/<n>-<name>/chapter.md`, in the order of their numbers),
/// one `reports/<name>.html` per deck (`chapters/<name>/slides.md`), and `reports/audit.json`.
public struct ReportBuilder {
    public var root: URL
    public var font: MathFontEmbed
    public var assets: FileAssets

    public init(root: URL, font: MathFontEmbed) {
        self.root = root
        self.font = font
        self.assets = FileAssets(root: root)
    }

    private func read(_ rel: String) throws -> String {
        let url = root.appendingPathComponent(rel)
        guard let d = try? Data(contentsOf: url), let s = String(data: d, encoding: .utf8) else {
            throw ReportError(file: rel, line: 0, message: "cannot read the file")
        }
        return s
    }

    public func bibliography() throws -> Bibliography {
        let rel = "chapters/references.json"
        guard let d = try? Data(contentsOf: root.appendingPathComponent(rel)) else { return Bibliography() }
        return try Bibliography.load(d, file: rel)
    }

    /// The chapters and decks under `chapters/`.
    public func chapters() throws -> ChapterIndex {
        try ChapterIndex.discover(root: root)
    }

    /// The audit over `paper/*.csv`, `paper/claims.md` and every run's `results.json`.
    public func audit() throws -> Audit {
        try audit(chapters: chapters())
    }

    func audit(chapters: ChapterIndex) throws -> Audit {
        let paperDir = root.appendingPathComponent("paper")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: paperDir.path)) ?? [])
            .filter { $0.hasPrefix("table") && $0.hasSuffix(".csv") }.sorted()
        var numbers: [PaperNumber] = []
        for f in files {
            numbers += try PaperTables.numbers(csv: try read("paper/\(f)"), table: String(f.dropLast(4)), file: "paper/\(f)")
        }
        let claimsFile = "paper/claims.md"
        let claims = FileManager.default.fileExists(atPath: root.appendingPathComponent(claimsFile).path)
            ? try ClaimsFile.parse(try read(claimsFile), file: claimsFile, chapters: chapters) : ClaimsFile()
        var runs: [String: Results] = [:]
        var ran = Set<String>()
        for folder in chapters.all where assets.hasRun(chapter: folder.name) {
            ran.insert(folder.name)
            if let r = try assets.results(folder.name) { runs[folder.name] = r }
        }
        return try Audit.compute(paper: numbers, claims: claims.claims, runs: runs, ranChapters: ran,
                                 tableChapters: claims.tableChapters)
    }

    /// Builds everything; returns the files written.
    public func build(outputDirectory: URL) throws -> [URL] {
        let index = try chapters()
        let bib = try bibliography()
        let audit = try audit(chapters: index)
        var parts: [NarrativePart] = []
        var manifests: [String: Manifest] = [:]
        for folder in index.all {
            if let m = try assets.manifest(folder.name) { manifests[folder.name] = m }
        }
        for folder in index.chapters {
            parts.append(NarrativePart(chapter: folder.name, file: folder.narrative, markdown: try read(folder.narrative)))
        }
        var out = [("dissertation.html", Data(try Pages.dissertation(
            parts: parts, manifests: manifests, assets: assets, bibliography: bib, audit: audit, font: font).utf8))]
        for deck in index.decks {
            let slideAssets = FileAssets(root: root, forSlides: true)
            for handout in [false, true] {
                let html = try Pages.deck(markdown: try read(deck.narrative), chapter: deck.name, file: deck.narrative,
                                          manifest: manifests[deck.name], assets: slideAssets, bibliography: bib, font: font,
                                          handout: handout)
                out.append(("\(deck.name)\(handout ? "-handout" : "").html", Data(html.utf8)))
            }
        }
        out.append(("audit.json", try audit.json()))
        var written: [URL] = []
        for (name, data) in out {
            let url = outputDirectory.appendingPathComponent(name)
            try AtomicFile.write(data, to: url)
            written.append(url)
        }
        return written
    }
}

/// Page assembly, independent of the file system (tests call these directly).
public enum Pages {
    static let title = "Deep generative models for prediction tasks in machine learning"

    /// The dissertation: title page, contents, one part per chapter, audit, provenance, bibliography, colophon.
    public static func dissertation(parts: [NarrativePart], manifests: [String: Manifest], assets: AssetProvider,
                                    bibliography: Bibliography, audit: Audit?, font: MathFontEmbed) throws -> String {
        let r = DocumentRenderer(style: .dissertation, assets: assets, bibliography: bibliography)
        let parsed = try r.prepare(parts)
        var body = ""
        for (i, part) in parts.enumerated() {
            var blocks = parsed[i]
            var head = ""
            if case .heading(1, _, _, _)? = blocks.first {
                head = try r.render([blocks.removeFirst()], part: part)
            } else {
                head = "<h1><span class=\"chapno\">Chapter \(i + 1)</span>\(HTML.text(part.chapter))</h1>"
            }
            let status = statusBanner(chapter: part.chapter, ran: assets.hasRun(chapter: part.chapter),
                                      manifest: manifests[part.chapter])
            body += "<section class=\"part\" id=\"part-\(HTML.anchor(part.chapter))\">\(head)\n\(status)\n"
                + (try r.render(blocks, part: part)) + "</section>\n"
        }
        var toc = "<nav class=\"toc\" id=\"contents\"><h2>Contents</h2><ol>"
        for e in r.toc {
            toc += "<li class=\"toc-l\(e.level)\"><a href=\"#\(e.anchor)\"><span class=\"tocno\">\(e.number)</span>"
                + "\(stripAnchors(e.titleHTML))</a></li>"
        }
        toc += "<li class=\"toc-l1\"><a href=\"#audit\"><span class=\"tocno\">A</span>Audit: the paper's numbers beside ours</a></li>"
        toc += "<li class=\"toc-l1\"><a href=\"#provenance\"><span class=\"tocno\">B</span>Provenance of the runs</a></li>"
        toc += "<li class=\"toc-l1\"><a href=\"#bibliography\"><span class=\"tocno\">C</span>Bibliography</a></li>"
        toc += "<li class=\"toc-l1\"><a href=\"#colophon\"><span class=\"tocno\">D</span>Colophon</a></li></ol></nav>"

        let kit = manifests.keys.sorted().first.map { manifests[$0]!.kitVersion }
        var titlePage = "<header class=\"title-page\"><p class=\"kicker\">A literate reproduction</p>"
            + "<h1 class=\"title\">\(title)</h1>"
            + "<p class=\"subtitle\">Reproducing the experiments of D. A. Baranchuk's PhD dissertation "
            + "(HSE University, Moscow, 2024; supervisor A. V. Babenko): GP-VAE imputation, diffusion features "
            + "for label-efficient segmentation, and TabDDPM for tabular data.</p>"
            + "<p class=\"meta\">Built by <code>report build</code> from <code>chapters/</code>, "
            + "<code>figures/</code> and <code>reports/runs/</code>\(kit.map { " · kit \(HTML.text($0))" } ?? "")."
            + " Every number below is read from a run's artifacts; chapters that have not run say so.</p>"
        titlePage += "<div class=\"chapter-status\">"
        for p in parts {
            let ran = assets.hasRun(chapter: p.chapter)
            titlePage += "<div><code>\(HTML.text(p.chapter))</code> "
                + (ran ? "<span class=\"pill v-ok\">run</span>" : notReproducedYetHTML(chapter: p.chapter)) + "</div>"
        }
        titlePage += "</div>"
        if let audit { titlePage += audit.summaryHTML() }
        titlePage += "</header>"

        let auditHTML = "<section class=\"part appendix\" id=\"audit\"><h1><span class=\"chapno\">Appendix A</span>"
            + "Audit: the paper's numbers beside ours</h1>" + (audit?.html() ?? "<p>No audit.</p>") + "</section>"
        var prov = "<section class=\"part appendix\" id=\"provenance\"><h1><span class=\"chapno\">Appendix B</span>"
            + "Provenance of the runs</h1>"
        for p in parts {
            prov += "<h2 id=\"prov-\(HTML.anchor(p.chapter))\"><code>\(HTML.text(p.chapter))</code></h2>"
            if let m = manifests[p.chapter] {
                prov += provenanceHTML(m)
            } else if assets.hasRun(chapter: p.chapter) {
                prov += "<p class=\"warning\">The run directory exists but has no <code>manifest.json</code>: "
                    + "its numbers cannot be traced.</p>"
            } else {
                prov += "<p class=\"placeholder\">\(notReproducedYetHTML(chapter: p.chapter))</p>"
            }
        }
        prov += "</section>"
        let bibHTML = "<section class=\"part appendix\" id=\"bibliography\"><h1><span class=\"chapno\">Appendix C</span>"
            + "Bibliography</h1>\(r.renderBibliography())</section>"
        let colophon = "<section class=\"part appendix\" id=\"colophon\"><h1><span class=\"chapno\">Appendix D</span>"
            + "Colophon</h1><p>This file is self-contained: figures are embedded as data, styles are inline, there is "
            + "no script and nothing is fetched from the network. Formulas are MathML Core converted from the LaTeX "
            + "in the narrative at build time; the LaTeX source of each formula is kept in its annotation.</p>"
            + "<p>\(font.noticeHTML)</p></section>"
        return page(title: title, css: Style.common + Style.dissertation, font: font,
                    body: titlePage + toc + body + auditHTML + prov + bibHTML + colophon)
    }

    /// Splits `slides.md` at lines that are exactly `---` (outside fenced code): (text, first line number).
    public static func splitSlides(_ markdown: String) -> [(text: String, firstLine: Int)] {
        var slides: [(String, Int)] = []
        var cur: [String] = []
        var start = 1, n = 0
        var inFence = false
        markdown.enumerateLines { line, _ in
            n += 1
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("```") || t.hasPrefix("~~~") { inFence.toggle() }
            if !inFence && t == "---" {
                slides.append((cur.joined(separator: "\n"), start))
                cur = []
                start = n + 1
            } else {
                cur.append(line)
            }
        }
        slides.append((cur.joined(separator: "\n"), start))
        return slides.filter { !$0.0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    /// The line that separates a slide from its speaker notes in `slides.md`.
    public static let notesSeparator = "???"

    /// A slide's text and its speaker notes (after a line that is exactly `???`), with the notes' first line.
    static func splitNotes(_ text: String, firstLine: Int) -> (slide: String, notes: String?, notesLine: Int) {
        let lines = text.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == notesSeparator }) else {
            return (text, nil, 0)
        }
        return (lines[..<i].joined(separator: "\n"), lines[(i + 1)...].joined(separator: "\n"), firstLine + i + 1)
    }

    /// A deck: one 16:9 `<section>` per slide, each with a provenance footer when the deck's chapter has run, and its
    /// speaker notes beside it (shown only in the handout). The page title is the first heading of the slides.
    /// `handout` lays it out for print, two slides per A4 page with their notes; otherwise one slide per window.
    public static func deck(markdown: String, chapter: String, file: String, manifest: Manifest?,
                            assets: AssetProvider, bibliography: Bibliography, font: MathFontEmbed,
                            handout: Bool = false) throws -> String {
        let slides = splitSlides(markdown).map { splitNotes($0.text, firstLine: $0.firstLine) }
        let starts = splitSlides(markdown).map(\.firstLine)
        let parts = zip(slides, starts).map { NarrativePart(chapter: chapter, file: file, markdown: $0.0.slide, firstLine: $0.1) }
        let r = DocumentRenderer(style: .slides, assets: assets, bibliography: bibliography)
        let parsed = try r.prepare(parts)
        var rendered: [String] = []
        for (i, part) in parts.enumerated() { rendered.append(try r.render(parsed[i], part: part)) }
        var notes = try slides.map { slide -> String? in
            guard let text = slide.notes else { return nil }
            let part = NarrativePart(chapter: chapter, file: file, markdown: text, firstLine: slide.notesLine)
            let renderer = DocumentRenderer(style: .slides, assets: assets, bibliography: bibliography)
            return try renderer.render(try renderer.prepare([part])[0], part: part)
        }
        if !r.citationOrder.isEmpty {
            rendered.append("<h2>References</h2>" + r.renderBibliography(citedOnly: true).replacingOccurrences(
                of: "<ol class=\"references\">", with: "<ol class=\"references cited-only\">"))
            notes.append(nil)
        }
        let footerLeft: String
        if let m = manifest {
            footerLeft = ["seed " + HTML.text(seedsText(m.seeds)), "config " + HTML.text(String(m.configHash.prefix(12))),
                          "kit " + HTML.text(m.kitVersion),
                          "commit " + HTML.text(String(m.git.commit.prefix(7))) + (m.git.dirty == true ? "+dirty" : "")]
                .joined(separator: " · ")
        } else {
            footerLeft = "\(HTML.text(chapter)) figures " + notReproducedYetHTML(chapter: chapter)
        }
        let title = parsed.first.flatMap { blocks -> String? in
            guard case let .heading(_, text, _, _)? = blocks.first else { return nil }
            return text
        } ?? chapter
        var body = ""
        for (i, s) in rendered.enumerated() {
            let cls = i == 0 ? "slide title-slide" : "slide"
            body += "<div class=\"slide-frame\"><section class=\"\(cls)\" id=\"slide-\(i + 1)\"><div class=\"slide-body\">\(s)</div>"
                + "<footer><span>\(footerLeft)</span><span>\(i + 1) / \(rendered.count)</span></footer></section>"
                + (notes[i].map { "<aside class=\"notes\">\($0)</aside>" } ?? "") + "</div>\n"
        }
        return page(title: title + (handout ? " (handout)" : ""),
                    css: Style.common + Style.talk + (handout ? Style.handout : Style.deck), font: font, body: body,
                    bodyClass: handout ? "handout" : "deck", bodyStyle: "--slides: \(rendered.count)")
    }

    static func page(title: String, css: String, font: MathFontEmbed, body: String, bodyClass: String = "",
                     bodyStyle: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(HTML.text(title))</title>
        <style>
        \(font.css)\(css)
        </style>
        </head>
        <body\(bodyClass.isEmpty ? "" : " class=\"\(bodyClass)\"")\(bodyStyle.isEmpty ? "" : " style=\"\(bodyStyle)\"")>
        \(body)
        </body>
        </html>

        """
    }

    /// Table-of-contents titles must not nest links.
    static func stripAnchors(_ html: String) -> String {
        html.replacingOccurrences(of: #"<a [^>]*>"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: "</a>", with: "")
    }

    static func statusBanner(chapter: String, ran: Bool, manifest m: Manifest?) -> String {
        guard ran else {
            return "<div class=\"status not-run-banner\"><b>Not reproduced yet</b> — run <code>"
                + "\(HTML.text(makeTarget(forChapter: chapter)))</code>. The method is described below; the "
                + "results of this chapter are placeholders until the run exists.</div>"
        }
        guard let m else {
            return "<div class=\"status warning\">This chapter has a run directory but no manifest.</div>"
        }
        let bits = ["run started " + HTML.text(m.started), "profile " + HTML.text(m.profile),
                    "commit <code>" + HTML.text(String(m.git.commit.prefix(10))) + "</code>"
                        + (m.git.dirty == true ? " (dirty)" : ""),
                    "wall time " + duration(m.wallSeconds), "kit " + HTML.text(m.kitVersion)]
        var html = "<div class=\"status ran-banner\">Reproduced: \(bits.joined(separator: " · ")) — "
            + "<a href=\"#prov-\(HTML.anchor(chapter))\">provenance</a>."
        if !m.deviations.isEmpty {
            html += "<br>Deviations from the paper: " + m.deviations.map(HTML.text).joined(separator: "; ") + "."
        }
        return html + "</div>"
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        if t < 60 { return String(format: "%.1f s", s) }
        if t < 3600 { return "\(t / 60) min \(t % 60) s" }
        return "\(t / 3600) h \((t % 3600) / 60) min"
    }

    /// `{"train": [0], "sample": [0,1,2,3,4]}` → "train 0; sample 0–4".
    static func seedsText(_ seeds: [String: [UInt64]]) -> String {
        func list(_ xs: [UInt64]) -> String {
            if xs.count > 2, zip(xs, xs.dropFirst()).allSatisfy({ $1 == $0 + 1 }) { return "\(xs.first!)–\(xs.last!)" }
            return xs.map(String.init).joined(separator: ",")
        }
        return seeds.keys.sorted().map { "\($0) \(list(seeds[$0]!))" }.joined(separator: "; ")
    }

    static func provenanceHTML(_ m: Manifest) -> String {
        var rows: [(String, String)] = []
        func add(_ k: String, _ v: String) { if !v.isEmpty { rows.append((k, v)) } }
        add("chapter", HTML.text(m.chapter))
        add("profile", HTML.text(m.profile))
        add("started", HTML.text(m.started))
        add("wall time", duration(m.wallSeconds))
        add("git commit", "<code>\(HTML.text(m.git.commit))</code>"
            + (m.git.dirty == true ? " <b>dirty</b>" : m.git.dirty == false ? " clean" : " (state unknown)"))
        add("Swift", HTML.text(m.swift))
        add("OS", HTML.text(m.os))
        add("CPU", HTML.text(m.cpu))
        add("BLAS", HTML.text("\(m.blas.core), \(m.blas.threads) threads" + (m.blas.gemm.map { "; GEMM: \($0)" } ?? "")))
        add("kit version", HTML.text(m.kitVersion))
        add("config hash", "<code>\(HTML.text(m.configHash))</code>")
        add("seeds", HTML.text(seedsText(m.seeds)))
        if !m.inputs.isEmpty {
            add("inputs", "<ul>" + m.inputs.map { i in
                "<li><code>\(HTML.text(i.path))</code> sha256 <code>\(HTML.text(String(i.sha256.prefix(16))))…</code></li>"
            }.joined() + "</ul>")
        }
        if !m.steps.isEmpty {
            add("steps", "<ul>" + m.steps.map { "<li>\(HTML.text($0.name)): \(duration($0.seconds))</li>" }.joined() + "</ul>")
        }
        if !m.deviations.isEmpty {
            add("deviations", "<ul>" + m.deviations.map { "<li>\(HTML.text($0))</li>" }.joined() + "</ul>")
        }
        let config = (try? m.config.canonicalText(pretty: true)) ?? m.config.compact
        add("configuration", "<details><summary>resolved configuration</summary><pre><code>\(HTML.text(config))</code></pre></details>")
        return "<div class=\"table-wrap\"><table class=\"provenance\"><tbody>"
            + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</tbody></table></div>"
    }
}
