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

/// The dissertation's chapters, in order.
public let dissertationChapters = ["1-gpvae", "2-segmentation", "3-tabddpm"]

/// Assembles `reports/dissertation.html`, `reports/talk.html` and `reports/audit.json`.
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

    /// The audit over `paper/*.csv`, `paper/claims.md` and every run's `results.json`.
    public func audit() throws -> Audit {
        let paperDir = root.appendingPathComponent("paper")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: paperDir.path)) ?? [])
            .filter { $0.hasPrefix("table") && $0.hasSuffix(".csv") }.sorted()
        var numbers: [PaperNumber] = []
        for f in files {
            numbers += PaperTables.numbers(csv: try read("paper/\(f)"), table: String(f.dropLast(4)))
        }
        let claims = (try? read("paper/claims.md")).map(Claim.parse) ?? []
        var runs: [String: RunResults] = [:]
        var ran = Set<String>()
        for ch in dissertationChapters + ["talk"] where assets.hasRun(chapter: ch) {
            ran.insert(ch)
            if let r = try assets.results(ch) { runs[ch] = r }
        }
        return try Audit.compute(paper: numbers, claims: claims, runs: runs, ranChapters: ran)
    }

    /// Builds everything; returns the files written.
    public func build(outputDirectory: URL) throws -> [URL] {
        let bib = try bibliography()
        let audit = try audit()
        var parts: [NarrativePart] = []
        var manifests: [String: JSONValue] = [:]
        for ch in dissertationChapters {
            let rel = "chapters/\(ch)/chapter.md"
            parts.append(NarrativePart(chapter: ch, file: rel, markdown: try read(rel)))
            if let m = try assets.manifest(ch) { manifests[ch] = m }
        }
        let dissertation = try Pages.dissertation(parts: parts, manifests: manifests, assets: assets,
                                                  bibliography: bib, audit: audit, font: font)
        let talkRel = "chapters/talk/slides.md"
        let talk = try Pages.talk(markdown: try read(talkRel), file: talkRel, manifest: try assets.manifest("talk"),
                                  assets: assets, bibliography: bib, font: font)
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let out = [("dissertation.html", Data(dissertation.utf8)), ("talk.html", Data(talk.utf8)),
                   ("audit.json", try audit.json())]
        var written: [URL] = []
        for (name, data) in out {
            let url = outputDirectory.appendingPathComponent(name)
            try data.write(to: url, options: .atomic)
            written.append(url)
        }
        return written
    }
}

/// Page assembly, independent of the file system (tests call these directly).
public enum Pages {
    static let title = "Deep generative models for prediction tasks in machine learning"

    /// The dissertation: title page, contents, one part per chapter, audit, provenance, bibliography, colophon.
    public static func dissertation(parts: [NarrativePart], manifests: [String: JSONValue], assets: AssetProvider,
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

        let kit = manifests.values.compactMap { $0["kitVersion"]?.string }.first
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

    /// The talk: one 16:9 `<section>` per slide, each with a provenance footer when the talk has run.
    public static func talk(markdown: String, file: String, manifest: JSONValue?, assets: AssetProvider,
                            bibliography: Bibliography, font: MathFontEmbed) throws -> String {
        let slides = splitSlides(markdown)
        let parts = slides.map { NarrativePart(chapter: "talk", file: file, markdown: $0.text, firstLine: $0.firstLine) }
        let r = DocumentRenderer(style: .slides, assets: assets, bibliography: bibliography)
        let parsed = try r.prepare(parts)
        var rendered: [String] = []
        for (i, part) in parts.enumerated() { rendered.append(try r.render(parsed[i], part: part)) }
        if !r.citationOrder.isEmpty {
            rendered.append("<h2>References</h2>" + r.renderBibliography().replacingOccurrences(
                of: "<ol class=\"references\">", with: "<ol class=\"references cited-only\">"))
        }
        let footerLeft: String
        if let m = manifest {
            var bits: [String] = []
            if let s = m["seeds"] { bits.append("seed " + HTML.text(seedsText(s))) }
            if let h = m["configHash"]?.string { bits.append("config " + HTML.text(String(h.prefix(12)))) }
            if let k = m["kitVersion"]?.string { bits.append("kit " + HTML.text(k)) }
            if let c = m["git"]?["commit"]?.string {
                bits.append("commit " + HTML.text(String(c.prefix(7))) + (m["git"]?["dirty"]?.bool == true ? "+dirty" : ""))
            }
            footerLeft = bits.joined(separator: " · ")
        } else {
            footerLeft = "talk figures " + notReproducedYetHTML(chapter: "talk")
        }
        var body = ""
        for (i, s) in rendered.enumerated() {
            let cls = i == 0 ? "slide title-slide" : "slide"
            body += "<section class=\"\(cls)\" id=\"slide-\(i + 1)\"><div class=\"slide-body\">\(s)</div>"
                + "<footer><span>\(footerLeft)</span><span>\(i + 1) / \(rendered.count)</span></footer></section>\n"
        }
        return page(title: "GANs and TimeGAN — talk", css: Style.common + Style.talk, font: font, body: body,
                    bodyClass: "deck")
    }

    static func page(title: String, css: String, font: MathFontEmbed, body: String, bodyClass: String = "") -> String {
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
        <body\(bodyClass.isEmpty ? "" : " class=\"\(bodyClass)\"")>
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

    static func statusBanner(chapter: String, ran: Bool, manifest: JSONValue?) -> String {
        guard ran else {
            return "<div class=\"status not-run-banner\"><b>Not reproduced yet</b> — run <code>"
                + "\(HTML.text(makeTarget(forChapter: chapter)))</code>. The method is described below; the "
                + "results of this chapter are placeholders until the run exists.</div>"
        }
        guard let m = manifest else {
            return "<div class=\"status warning\">This chapter has a run directory but no manifest.</div>"
        }
        var bits: [String] = []
        if let s = m["started"]?.string { bits.append("run started " + HTML.text(s)) }
        if let p = m["profile"]?.string { bits.append("profile " + HTML.text(p)) }
        if let c = m["git"]?["commit"]?.string {
            bits.append("commit <code>" + HTML.text(String(c.prefix(10))) + "</code>"
                + (m["git"]?["dirty"]?.bool == true ? " (dirty)" : ""))
        }
        if let w = m["wallSeconds"]?.number { bits.append("wall time " + duration(w)) }
        if let k = m["kitVersion"]?.string { bits.append("kit " + HTML.text(k)) }
        let devs = m["deviations"]?.array?.compactMap(\.string) ?? []
        var html = "<div class=\"status ran-banner\">Reproduced: \(bits.joined(separator: " · ")) — "
            + "<a href=\"#prov-\(HTML.anchor(chapter))\">provenance</a>."
        if !devs.isEmpty {
            html += "<br>Deviations from the paper: " + devs.map(HTML.text).joined(separator: "; ") + "."
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
    static func seedsText(_ v: JSONValue) -> String {
        func ints(_ a: [JSONValue]) -> String {
            let xs = a.compactMap(\.number).map { Int($0) }
            guard xs.count == a.count, !xs.isEmpty else { return JSONValue.array(a).compact }
            if xs.count > 2, zip(xs, xs.dropFirst()).allSatisfy({ $1 == $0 + 1 }) { return "\(xs.first!)–\(xs.last!)" }
            return xs.map(String.init).joined(separator: ",")
        }
        switch v {
        case .object(let o): return o.keys.sorted().map { k in "\(k) \(o[k]!.array.map(ints) ?? o[k]!.compact)" }
            .joined(separator: "; ")
        case .array(let a): return ints(a)
        default: return v.compact
        }
    }

    static func provenanceHTML(_ m: JSONValue) -> String {
        var rows: [(String, String)] = []
        func add(_ k: String, _ v: String?) { if let v, !v.isEmpty { rows.append((k, v)) } }
        add("chapter", m["chapter"]?.string.map(HTML.text))
        add("profile", m["profile"]?.string.map(HTML.text))
        add("started", m["started"]?.string.map(HTML.text))
        add("wall time", m["wallSeconds"]?.number.map(duration))
        if let c = m["git"]?["commit"]?.string {
            add("git commit", "<code>\(HTML.text(c))</code>" + (m["git"]?["dirty"]?.bool == true ? " <b>dirty</b>" : " clean"))
        }
        add("Swift", m["swift"]?.string.map(HTML.text))
        add("OS", m["os"]?.string.map(HTML.text))
        add("CPU", m["cpu"]?.string.map(HTML.text))
        add("BLAS", m["blas"].map { HTML.text($0.compact) })
        add("kit version", m["kitVersion"]?.string.map(HTML.text))
        add("config hash", m["configHash"]?.string.map { "<code>\(HTML.text($0))</code>" })
        add("seeds", m["seeds"].map { HTML.text(seedsText($0)) })
        if let inputs = m["inputs"]?.array, !inputs.isEmpty {
            add("inputs", "<ul>" + inputs.map { i in
                "<li><code>\(HTML.text(i["path"]?.string ?? "?"))</code> sha256 <code>\(HTML.text(String((i["sha256"]?.string ?? "").prefix(16))))…</code></li>"
            }.joined() + "</ul>")
        }
        if let steps = m["steps"]?.array, !steps.isEmpty {
            add("steps", "<ul>" + steps.map { s in
                "<li>\(HTML.text(s["name"]?.string ?? "?")): \(s["seconds"]?.number.map(duration) ?? "?")</li>"
            }.joined() + "</ul>")
        }
        if let d = m["deviations"]?.array, !d.isEmpty {
            add("deviations", "<ul>" + d.map { "<li>\(HTML.text($0.string ?? $0.compact))</li>" }.joined() + "</ul>")
        }
        if let c = m["config"] {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let text = (try? e.encode(c)).flatMap { String(data: $0, encoding: .utf8) } ?? c.compact
            add("configuration", "<details><summary>resolved configuration</summary><pre><code>\(HTML.text(text))</code></pre></details>")
        }
        return "<div class=\"table-wrap\"><table class=\"provenance\"><tbody>"
            + rows.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</tbody></table></div>"
    }
}
