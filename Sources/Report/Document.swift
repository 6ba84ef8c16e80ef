import Foundation

/// A figure file from `figures/<chapter>/`, with the caption from its JSON sidecar if any.
public struct FigureAsset: Sendable {
    public var mime: String
    public var data: Data
    public var caption: String?
    public init(mime: String, data: Data, caption: String? = nil) {
        self.mime = mime
        self.data = data
        self.caption = caption
    }
}

/// A table from `reports/runs/<chapter>/tables/<id>.md`, with the caption from its JSON twin if any.
public struct TableAsset: Sendable {
    public var markdown: String
    public var caption: String?
    public init(markdown: String, caption: String? = nil) {
        self.markdown = markdown
        self.caption = caption
    }
}

/// Where the renderer finds run artifacts. `FileAssets` reads the artifact layout; tests pass their own.
public protocol AssetProvider {
    func hasRun(chapter: String) -> Bool
    /// The profile of the chapter's run (`manifest.json`'s `profile`), nil when unknown.
    func profile(chapter: String) -> String?
    func figure(chapter: String, id: String) -> FigureAsset?
    func table(chapter: String, id: String) -> TableAsset?
    /// Why the chapter's run did not produce figure or table `id` (its manifest's `notProduced`), nil if it should have.
    func reasonNotProduced(chapter: String, id: String) -> String?
}

/// One Markdown source: a dissertation chapter or one slide of the talk.
public struct NarrativePart: Sendable {
    /// The chapter folder (`1-gpvae`, …, `talk`): where its figures and tables are looked up.
    public var chapter: String
    /// Path shown in error messages (`chapters/1-gpvae/chapter.md`).
    public var file: String
    public var markdown: String
    /// Line number of the first line of `markdown` in `file` (slides start mid-file).
    public var firstLine: Int
    public init(chapter: String, file: String, markdown: String, firstLine: Int = 1) {
        self.chapter = chapter
        self.file = file
        self.markdown = markdown
        self.firstLine = firstLine
    }
}

/// The placeholder shown wherever an unrun chapter's results would go.
public func notReproducedYetHTML(chapter: String) -> String {
    "<span class=\"not-run\">not reproduced yet — run <code>\(HTML.text(makeTarget(forChapter: chapter)))</code></span>"
}

/// A numbered, referable thing.
struct Label {
    var text: String   // "Figure 3", "Equation (4)", "Section 1.2"
    var anchor: String // "fig-x"
    var number: String // "3", "(4)", "1.2"
}

/// An entry of the table of contents.
public struct TOCEntry: Sendable {
    public var level: Int
    public var number: String
    public var titleHTML: String
    public var anchor: String
}

/// Two-pass renderer: pass 1 numbers headings, figures, tables and equations and collects labels; pass 2 renders
/// HTML and resolves cross-references and citations. One instance per output document.
final class DocumentRenderer: InlineContext {
    enum Style { case dissertation, slides }

    let style: Style
    let assets: AssetProvider
    let bibliography: Bibliography
    private(set) var labels: [String: Label] = [:]
    private var numbers: [String: String] = [:]   // "file:line" → number / anchor
    private var anchors: [String: String] = [:]
    private(set) var citationOrder: [String] = []
    private(set) var toc: [TOCEntry] = []
    private var figureCount = 0, tableCount = 0, equationCount = 0

    init(style: Style, assets: AssetProvider, bibliography: Bibliography) {
        self.style = style
        self.assets = assets
        self.bibliography = bibliography
    }

    // MARK: pass 1

    /// Parses and numbers the parts, in document order. `partNumbers[i]` is the chapter (or slide) number.
    func prepare(_ parts: [NarrativePart]) throws -> [[Block]] {
        var parsed: [[Block]] = []
        for (index, part) in parts.enumerated() {
            let lines = MarkdownParser.lines(part.markdown, firstLine: part.firstLine)
            let blocks = try MarkdownParser.parse(lines, file: part.file)
            var counters = [0, 0, 0]
            try number(blocks, part: part, partNumber: index + 1, counters: &counters)
            parsed.append(blocks)
        }
        return parsed
    }

    private func key(_ file: String, _ line: Int) -> String { "\(file):\(line)" }

    private func define(_ kind: String, _ id: String, _ label: Label, file: String, line: Int) throws {
        let k = "\(kind):\(id)"
        if labels[k] != nil { throw ReportError(file: file, line: line, message: "duplicate id {#\(k)}") }
        labels[k] = label
    }

    private func number(_ blocks: [Block], part: NarrativePart, partNumber: Int, counters: inout [Int]) throws {
        for b in blocks {
            switch b {
            case let .heading(level, _, id, line):
                var num = ""
                var text = ""
                switch style {
                case .dissertation:
                    if level == 1 {
                        num = "\(partNumber)"; text = "Chapter \(partNumber)"
                        counters = [0, 0, 0]
                    } else if level <= 3 {
                        counters[level - 1] += 1
                        for l in level..<3 { counters[l] = 0 }
                        num = ([partNumber] + counters[1..<level]).map(String.init).joined(separator: ".")
                        text = "Section \(num)"
                    }
                case .slides:
                    num = "\(partNumber)"; text = "Slide \(partNumber)"
                }
                let anchor = id.map { HTML.anchor($0.replacingOccurrences(of: ":", with: "-")) }
                    ?? "s-\(HTML.anchor(part.chapter))-\(line)"
                numbers[key(part.file, line)] = num
                anchors[key(part.file, line)] = anchor
                if let id {
                    guard id.hasPrefix("sec:") else {
                        throw ReportError(file: part.file, line: line, message: "a heading id must be {#sec:name}, got {#\(id)}")
                    }
                    try define("sec", String(id.dropFirst(4)), Label(text: text.isEmpty ? "Section" : text,
                                                                      anchor: anchor, number: num),
                               file: part.file, line: line)
                }
            case let .math(_, id, line):
                guard let id else { continue }
                equationCount += 1
                let n = "(\(equationCount))"
                numbers[key(part.file, line)] = n
                try define("eq", id, Label(text: "Equation \(n)", anchor: "eq-\(id)", number: n),
                           file: part.file, line: line)
            case let .figure(_, id, _, line):
                figureCount += 1
                numbers[key(part.file, line)] = "\(figureCount)"
                try define("fig", id, Label(text: "Figure \(figureCount)", anchor: "fig-\(id)",
                                            number: "\(figureCount)"), file: part.file, line: line)
            case let .tableRef(id, _, _, line):
                tableCount += 1
                numbers[key(part.file, line)] = "\(tableCount)"
                try define("tbl", id, Label(text: "Table \(tableCount)", anchor: "tbl-\(id)",
                                            number: "\(tableCount)"), file: part.file, line: line)
            case let .list(_, _, items, _, _):
                for item in items { try number(item, part: part, partNumber: partNumber, counters: &counters) }
            case let .quote(inner, _):
                try number(inner, part: part, partNumber: partNumber, counters: &counters)
            default:
                continue
            }
        }
    }

    // MARK: InlineContext

    func crossReference(kind: String, id: String) -> String? {
        guard let l = labels["\(kind):\(id)"] else { return nil }
        return "<a class=\"xref\" href=\"#\(HTML.attr(l.anchor))\">\(HTML.text(l.text))</a>"
    }

    func cite(_ keys: [String]) -> Result<String, CiteError> {
        var links: [String] = []
        for k in keys {
            guard bibliography.entries[k] != nil else { return .failure(CiteError(key: k)) }
            if !citationOrder.contains(k) { citationOrder.append(k) }
            let n = citationOrder.firstIndex(of: k)! + 1
            links.append("<a href=\"#ref-\(HTML.attr(HTML.anchor(k)))\">\(n)</a>")
        }
        return .success("<span class=\"cite\">[\(links.joined(separator: ", "))]</span>")
    }

    // MARK: pass 2

    func render(_ blocks: [Block], part: NarrativePart) throws -> String {
        try blocks.map { try render($0, part: part) }.joined(separator: "\n")
    }

    private func inline(_ text: String, part: NarrativePart, line: Int) throws -> String {
        try InlineRenderer(file: part.file, firstLine: line, context: self).render(text)
    }

    private func render(_ b: Block, part: NarrativePart, tight: Bool = false) throws -> String {
        switch b {
        case let .heading(level, text, _, line):
            let title = try inline(text, part: part, line: line)
            let num = numbers[key(part.file, line)] ?? ""
            let anchor = anchors[key(part.file, line)] ?? ""
            if style == .dissertation && !num.isEmpty && level <= 3 {
                toc.append(TOCEntry(level: level, number: num, titleHTML: title, anchor: anchor))
            }
            if style == .dissertation && level == 1 {
                return "<h1 id=\"\(anchor)\"><span class=\"chapno\">Chapter \(num)</span>\(title)</h1>"
            }
            let n = style == .dissertation && !num.isEmpty ? "<span class=\"secno\">\(num)</span> " : ""
            let h = style == .slides ? min(level + 0, 6) : min(level, 6)
            return "<h\(h) id=\"\(anchor)\">\(n)\(title)</h\(h)>"
        case let .paragraph(text, line):
            return "<p>\(try inline(text, part: part, line: line))</p>"
        case let .math(tex, id, line):
            let mathml: String
            do {
                mathml = try MathConverter.convert(tex, display: true)
            } catch let e as MathError {
                throw ReportError(file: part.file, line: line, message: "\(e) in $$\(tex)$$")
            }
            if let id {
                let n = numbers[key(part.file, line)] ?? ""
                return "<div class=\"equation\" id=\"eq-\(HTML.attr(id))\">\(mathml)<span class=\"eqno\">\(n)</span></div>"
            }
            return "<div class=\"equation\">\(mathml)</div>"
        case let .figure(caption, id, profiles, line):
            return try renderFigure(caption: caption, id: id, profiles: profiles, line: line, part: part)
        case let .tableRef(id, caption, profiles, line):
            return try renderTableRef(id: id, caption: caption, profiles: profiles, line: line, part: part)
        case let .list(ordered, start, items, isTight, _):
            let tag = ordered ? "ol" : "ul"
            let startAttr = ordered && start != 1 ? " start=\"\(start)\"" : ""
            var out = "<\(tag)\(startAttr)>"
            for item in items {
                var parts: [String] = []
                for (k, blk) in item.enumerated() {
                    if isTight, case let .paragraph(text, line) = blk {
                        parts.append((k > 0 ? "<br>" : "") + (try inline(text, part: part, line: line)))
                    } else {
                        parts.append(try render(blk, part: part))
                    }
                }
                out += "<li>\(parts.joined(separator: "\n"))</li>"
            }
            return out + "</\(tag)>"
        case let .quote(inner, _):
            return "<blockquote>\(try render(inner, part: part))</blockquote>"
        case let .code(lang, text, _):
            let cls = lang.isEmpty ? "" : " class=\"language-\(HTML.attr(HTML.anchor(lang)))\""
            return "<pre><code\(cls)>\(HTML.text(text))</code></pre>"
        case let .table(header, align, rows, line):
            return try renderTable(header: header, align: align, rows: rows) { cell in
                try self.inline(cell, part: part, line: line)
            }
        case .rule:
            return "<hr>"
        }
    }

    func renderTable(header: [String], align: [String?], rows: [[String]],
                     cell: (String) throws -> String) throws -> String {
        func attr(_ i: Int) -> String {
            guard i < align.count, let a = align[i] else { return "" }
            return " style=\"text-align:\(a)\""
        }
        var out = "<div class=\"table-wrap\"><table><thead><tr>"
        for (i, h) in header.enumerated() { out += "<th\(attr(i))>\(try cell(h))</th>" }
        out += "</tr></thead><tbody>"
        for r in rows {
            out += "<tr>"
            for i in 0..<max(header.count, r.count) {
                out += "<td\(attr(i))>\(i < r.count ? try cell(r[i]) : "")</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    private func renderFigure(caption: String, id: String, profiles: [String]?, line: Int,
                              part: NarrativePart) throws -> String {
        let num = numbers[key(part.file, line)] ?? "?"
        let asset = assets.figure(chapter: part.chapter, id: id)
        var captionHTML = try inline(caption, part: part, line: line)
        if caption.trimmingCharacters(in: .whitespaces).isEmpty, let c = asset?.caption {
            captionHTML = HTML.text(c)
        }
        let figcaption = "<figcaption><span class=\"label\">Figure \(num).</span> \(captionHTML)</figcaption>"
        guard let asset else {
            guard let placeholder = absent("Figure \(num)", id: id, profiles: profiles, chapter: part.chapter) else {
                throw ReportError(file: part.file, line: line, message:
                    "figure fig:\(id) not found: no figures/\(part.chapter)/\(id).svg or .png, although chapter \(part.chapter) has run")
            }
            return "<figure id=\"fig-\(HTML.attr(id))\" class=\"missing\"><div class=\"placeholder\">"
                + "\(placeholder)</div>\(figcaption)</figure>"
        }
        let alt = HTML.attr(plainText(caption.isEmpty ? (asset.caption ?? id) : caption))
        let img = "<img src=\"data:\(asset.mime);base64,\(asset.data.base64EncodedString())\" alt=\"\(alt)\">"
        return "<figure id=\"fig-\(HTML.attr(id))\">\(img)\(figcaption)</figure>"
    }

    private func renderTableRef(id: String, caption narrative: String?, profiles: [String]?, line: Int,
                                part: NarrativePart) throws -> String {
        let num = numbers[key(part.file, line)] ?? "?"
        let asset = assets.table(chapter: part.chapter, id: id)
        // The narrative's caption (`[[tbl:id]] caption`) wins; else the caption of the run's JSON twin.
        var captionText = asset?.caption.map { " " + HTML.text($0) } ?? ""
        if let narrative, !narrative.isEmpty { captionText = " " + (try inline(narrative, part: part, line: line)) }
        let caption = "<div class=\"table-caption\"><span class=\"label\">Table \(num).</span>\(captionText)</div>"
        guard let asset else {
            guard let placeholder = absent("Table \(num)", id: id, profiles: profiles, chapter: part.chapter) else {
                throw ReportError(file: part.file, line: line, message:
                    "table tbl:\(id) not found: no reports/runs/\(part.chapter)/tables/\(id).md, although chapter \(part.chapter) has run")
            }
            return "<div class=\"numbered-table missing\" id=\"tbl-\(HTML.attr(id))\">\(caption)"
                + "<div class=\"placeholder\">\(placeholder)</div></div>"
        }
        // Run tables are data, not narrative: cells get emphasis and code (the best value of a column is bold) but
        // no math, links, citations or cross-references.
        let tableFile = "reports/runs/\(part.chapter)/tables/\(id).md"
        let blocks = try MarkdownParser.parse(asset.markdown, file: tableFile)
        var body = ""
        for b in blocks {
            switch b {
            case let .table(header, align, rows, tableLine):
                body += try renderTable(header: header, align: align, rows: rows) { cell in
                    try InlineRenderer(file: tableFile, firstLine: tableLine, context: self, dataOnly: true).render(cell)
                }
            case let .paragraph(text, _):
                body += "<p class=\"table-note\">\(HTML.text(text))</p>"
            case let .heading(_, text, _, _):
                body += "<p class=\"table-note\"><strong>\(HTML.text(text))</strong></p>"
            default:
                continue
            }
        }
        return "<div class=\"numbered-table\" id=\"tbl-\(HTML.attr(id))\">\(caption)\(body)</div>"
    }

    /// The HTML shown in place of a figure or table the chapter's run did not produce, or nil when its absence is an
    /// error: a chapter that has not run shows "not reproduced yet"; a run whose profile the narrative does not
    /// list for this artifact (`{profiles=default,paper}`) shows which profiles produce it and how to run one; a run
    /// that recorded why it did not produce the artifact (its manifest's `notProduced`) shows that reason.
    private func absent(_ label: String, id: String, profiles: [String]?, chapter: String) -> String? {
        guard assets.hasRun(chapter: chapter) else { return notReproducedYetHTML(chapter: chapter) }
        if let profiles, let profile = assets.profile(chapter: chapter), !profiles.contains(profile) {
            let command = "\(makeTarget(forChapter: chapter)) PROFILE=\(profiles[0])"
            return "<span class=\"not-run\">\(HTML.text(label)) — produced by the \(HTML.text(listed(profiles))) "
                + "\(profiles.count == 1 ? "profile" : "profiles"); this build is from a \(HTML.text(profile)) run of "
                + "<code>\(HTML.text(chapter))</code>. Run <code>\(HTML.text(command))</code> to produce it.</span>"
        }
        guard let reason = assets.reasonNotProduced(chapter: chapter, id: id) else { return nil }
        return "<span class=\"not-run\">\(HTML.text(label)) — not produced by this run of <code>\(HTML.text(chapter))</code>: "
            + "\(HTML.text(reason)).</span>"
    }

    /// `a`, `a and b`, `a, b and c`.
    private func listed(_ names: [String]) -> String {
        names.count <= 2 ? names.joined(separator: " and ")
            : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// Rough plain-text version of inline Markdown, for `alt` attributes.
    private func plainText(_ s: String) -> String {
        s.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "`", with: "")
            .replacingOccurrences(of: "$", with: "")
    }

    // MARK: bibliography

    /// The bibliography: cited entries in order of first citation, then (unless `citedOnly`, as on a slide) the
    /// uncited ones by key.
    func renderBibliography(citedOnly: Bool = false) -> String {
        let uncited = citedOnly ? [] : bibliography.entries.keys.filter { !citationOrder.contains($0) }.sorted()
        var out = "<ol class=\"references\">"
        for k in citationOrder + uncited {
            guard let e = bibliography.entries[k] else { continue }
            out += "<li id=\"ref-\(HTML.attr(HTML.anchor(k)))\">\(e.html)</li>"
        }
        return out + "</ol>"
    }
}

/// `chapters/references.json`: `{"key": {"authors": …, "title": …, "venue": …, "year": 2020}}`.
public struct Bibliography: Sendable {
    public struct Entry: Codable, Sendable {
        public var authors: String
        public var title: String
        public var venue: String?
        public var year: Int?
        public var note: String?

        var html: String {
            var s = "\(HTML.text(authors))"
            if let year { s += " (\(year))" }
            s += ". <em>\(HTML.text(title))</em>."
            if let venue, !venue.isEmpty { s += " \(HTML.text(venue))." }
            if let note, !note.isEmpty { s += " \(HTML.text(note))." }
            return s
        }
    }

    public var entries: [String: Entry]
    public init(entries: [String: Entry] = [:]) { self.entries = entries }

    public static func load(_ data: Data, file: String) throws -> Bibliography {
        do {
            return Bibliography(entries: try JSONDecoder().decode([String: Entry].self, from: data))
        } catch {
            throw ReportError(file: file, line: 0, message: "cannot read the bibliography: \(error)")
        }
    }
}
