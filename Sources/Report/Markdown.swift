import Foundation

/// A build error located in a source file. `description` is `file:line: message`.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// One source line with its 1-based number in the file.
struct SourceLine {
    var text: String
    var number: Int
}

/// Markdown blocks, as far as the narratives need them.
indirect enum Block {
    case heading(level: Int, text: String, id: String?, line: Int)
    case paragraph(text: String, line: Int)
    case math(tex: String, id: String?, line: Int)
    /// `profiles` lists the run profiles that produce the figure (`{profiles=default,paper}`); nil: all of them.
    case figure(caption: String, id: String, profiles: [String]?, line: Int)
    case tableRef(id: String, caption: String?, profiles: [String]?, line: Int)
    case list(ordered: Bool, start: Int, items: [[Block]], tight: Bool, line: Int)
    case quote([Block], line: Int)
    case code(lang: String, text: String, line: Int)
    case table(header: [String], align: [String?], rows: [[String]], line: Int)
    case rule(line: Int)
}

/// Small regex helper (NSRegularExpression, cached per pattern).
enum Rx {
    nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]
    private static let lock = NSLock()

    static func re(_ p: String) -> NSRegularExpression {
        lock.lock()
        defer { lock.unlock() }
        if let r = cache[p] { return r }
        let r = try! NSRegularExpression(pattern: p)
        cache[p] = r
        return r
    }

    /// Capture groups of a whole-string match (nil for a group that did not participate).
    static func match(_ pattern: String, _ s: String) -> [String?]? {
        let ns = s as NSString
        guard let m = re(pattern).firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else {
            return nil
        }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            return r.location == NSNotFound ? nil : ns.substring(with: r)
        }
    }

    static func test(_ pattern: String, _ s: String) -> Bool { match(pattern, s) != nil }
}

/// Markdown → blocks. Math is recognised before anything else: `$$…$$` blocks are cut out whole, and inline
/// `$…$` is protected by the inline renderer before emphasis or escaping look at the text.
enum MarkdownParser {
    static let headingRx = #"^(#{1,6})[ \t]+(.*?)(?:[ \t]*\{#([A-Za-z0-9:_.-]+)\})?[ \t]*#*[ \t]*$"#
    static let figureRx = #"^!\[(.*)\]\(fig:([A-Za-z0-9_-]+)\)(?:\{([^}]*)\})?[ \t]*$"#
    static let tableRefRx = #"^\[\[tbl:([A-Za-z0-9_-]+)\]\](?:\{([^}]*)\})?(?:[ \t]+(.*?))?[ \t]*$"#
    static let bulletRx = #"^( {0,3})([-*+])([ \t]+)(.*)$"#
    static let orderedRx = #"^( {0,3})([0-9]{1,9})([.)])([ \t]+)(.*)$"#
    static let ruleRx = #"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"#
    static let tableSepRx = #"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$"#
    static let fenceRx = #"^( {0,3})(`{3,}|~{3,})[ \t]*([^`]*)$"#

    static func lines(_ text: String, firstLine: Int = 1) -> [SourceLine] {
        var out: [SourceLine] = []
        var n = firstLine
        text.enumerateLines { line, _ in
            out.append(SourceLine(text: line.replacingOccurrences(of: "\t", with: "    "), number: n))
            n += 1
        }
        return out
    }

    static func parse(_ text: String, file: String) throws -> [Block] {
        try parse(lines(text), file: file)
    }

    static func isBlank(_ s: String) -> Bool { s.allSatisfy { $0 == " " } }
    static func indent(_ s: String) -> Int { s.prefix { $0 == " " }.count }

    /// Does this line start a block other than a paragraph (so it interrupts a paragraph)?
    static func startsBlock(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        return Rx.test(headingRx, s) || Rx.test(fenceRx, s) || t.hasPrefix("$$") || Rx.test(figureRx, t)
            || Rx.test(tableRefRx, t) || Rx.test(bulletRx, s) || Rx.test(orderedRx, s) || t.hasPrefix(">")
            || Rx.test(ruleRx, s)
    }

    /// The attribute block after a figure or table reference: `profiles=default,paper`, the profiles whose runs
    /// produce it.
    static func profileList(_ attribute: String, file: String, line: Int) throws -> [String] {
        let trimmed = attribute.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("profiles=") else {
            throw ReportError(file: file, line: line, message:
                "unknown attribute {\(attribute)} (the one attribute is {profiles=name,name})")
        }
        let names = trimmed.dropFirst("profiles=".count).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.allSatisfy({ !$0.isEmpty && Rx.test(#"^[a-z0-9_-]+$"#, $0) }) else {
            throw ReportError(file: file, line: line, message:
                "{\(attribute)}: profiles are lowercase names separated by commas, e.g. {profiles=default,paper}")
        }
        return names
    }

    static func parse(_ lines: [SourceLine], file: String) throws -> [Block] {
        var blocks: [Block] = []
        var i = 0
        func err(_ line: Int, _ m: String) -> ReportError { ReportError(file: file, line: line, message: m) }

        while i < lines.count {
            let l = lines[i]
            let s = l.text
            let t = s.trimmingCharacters(in: .whitespaces)
            if isBlank(s) { i += 1; continue }

            // Display math: $$ … $$ {#eq:id}, possibly over several lines.
            if t.hasPrefix("$$") {
                var body = String(t.dropFirst(2))
                var j = i
                var rest: String? = nil
                while true {
                    if let r = body.range(of: "$$") {
                        rest = String(body[r.upperBound...]).trimmingCharacters(in: .whitespaces)
                        body = String(body[..<r.lowerBound])
                        break
                    }
                    j += 1
                    guard j < lines.count else { throw err(l.number, "display math $$ is not closed") }
                    body += "\n" + lines[j].text
                }
                var id: String? = nil
                if let rest, !rest.isEmpty {
                    guard let m = Rx.match(#"^\{#eq:([A-Za-z0-9_-]+)\}$"#, rest) else {
                        throw err(lines[j].number, "unexpected text after $$: \(rest) (an id is written {#eq:name})")
                    }
                    id = m[1]
                }
                blocks.append(.math(tex: body.trimmingCharacters(in: .whitespacesAndNewlines), id: id, line: l.number))
                i = j + 1
                continue
            }
            if let m = Rx.match(fenceRx, s) {
                let fence = m[2]!, lang = m[3]!.trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                var j = i + 1
                while j < lines.count {
                    let u = lines[j].text.trimmingCharacters(in: .whitespaces)
                    if u.hasPrefix(fence), u.allSatisfy({ $0 == fence.first! }) { break }
                    body.append(lines[j].text)
                    j += 1
                }
                blocks.append(.code(lang: lang, text: body.joined(separator: "\n"), line: l.number))
                i = j + 1
                continue
            }
            if let m = Rx.match(headingRx, s) {
                blocks.append(.heading(level: m[1]!.count, text: m[2]!, id: m[3], line: l.number))
                i += 1
                continue
            }
            if let m = Rx.match(figureRx, t) {
                let profiles = try m[3].map { try profileList($0, file: file, line: l.number) }
                blocks.append(.figure(caption: m[1]!, id: m[2]!, profiles: profiles, line: l.number))
                i += 1
                continue
            }
            if let m = Rx.match(tableRefRx, t) {
                let profiles = try m[2].map { try profileList($0, file: file, line: l.number) }
                blocks.append(.tableRef(id: m[1]!, caption: m[3], profiles: profiles, line: l.number))
                i += 1
                continue
            }
            if Rx.test(ruleRx, s) {
                blocks.append(.rule(line: l.number))
                i += 1
                continue
            }
            if t.hasPrefix(">") {
                var inner: [SourceLine] = []
                var j = i
                while j < lines.count, !isBlank(lines[j].text) {
                    var u = lines[j].text.trimmingCharacters(in: .whitespaces)
                    if u.hasPrefix(">") { u.removeFirst(); if u.hasPrefix(" ") { u.removeFirst() } }
                    inner.append(SourceLine(text: u, number: lines[j].number))
                    j += 1
                }
                blocks.append(.quote(try parse(inner, file: file), line: l.number))
                i = j
                continue
            }
            if Rx.test(bulletRx, s) || Rx.test(orderedRx, s) {
                let (block, next) = try parseList(lines, from: i, file: file)
                blocks.append(block)
                i = next
                continue
            }
            // GFM pipe table: a row with pipes followed by a separator row.
            if s.contains("|"), i + 1 < lines.count, Rx.test(tableSepRx, lines[i + 1].text),
               lines[i + 1].text.contains("-") {
                let header = splitRow(s)
                let align: [String?] = splitRow(lines[i + 1].text).map { c in
                    let l = c.hasPrefix(":"), r = c.hasSuffix(":")
                    return l && r ? "center" : r ? "right" : l ? "left" : nil
                }
                var rows: [[String]] = []
                var j = i + 2
                while j < lines.count, !isBlank(lines[j].text), lines[j].text.contains("|") {
                    rows.append(splitRow(lines[j].text))
                    j += 1
                }
                blocks.append(.table(header: header, align: align, rows: rows, line: l.number))
                i = j
                continue
            }
            // Paragraph.
            var text = [t]
            var j = i + 1
            while j < lines.count, !isBlank(lines[j].text), !startsBlock(lines[j].text) {
                text.append(lines[j].text.trimmingCharacters(in: .whitespaces))
                j += 1
            }
            blocks.append(.paragraph(text: text.joined(separator: "\n"), line: l.number))
            i = j
        }
        return blocks
    }

    /// Splits a GFM table row on unescaped pipes outside code spans and math.
    static func splitRow(_ s: String) -> [String] {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("|") { t.removeFirst() }
        if t.hasSuffix("|") && !t.hasSuffix("\\|") { t.removeLast() }
        var cells: [String] = []
        var cur = ""
        var inCode = false, inMath = false
        var prev: Character = " "
        for c in t {
            if c == "`" { inCode.toggle() }
            if c == "$" && prev != "\\" && !inCode { inMath.toggle() }
            if c == "|" && prev != "\\" && !inCode && !inMath {
                cells.append(cur.trimmingCharacters(in: .whitespaces))
                cur = ""
            } else if c == "|" && prev == "\\" {
                cur.removeLast()
                cur.append("|")
            } else {
                cur.append(c)
            }
            prev = c
        }
        cells.append(cur.trimmingCharacters(in: .whitespaces))
        return cells
    }

    static func parseList(_ lines: [SourceLine], from start: Int, file: String) throws -> (Block, Int) {
        let first = lines[start].text
        let ordered = !Rx.test(bulletRx, first)
        let startNumber = ordered ? Int(Rx.match(orderedRx, first)![2]!) ?? 1 : 1
        var items: [[SourceLine]] = []
        var tight = true
        var i = start
        var sawBlank = false
        func marker(_ s: String) -> (content: String, indent: Int)? {
            if !ordered, let m = Rx.match(bulletRx, s) {
                return (m[4]!, m[1]!.count + 1 + m[3]!.count)
            }
            if ordered, let m = Rx.match(orderedRx, s) {
                return (m[5]!, m[1]!.count + m[2]!.count + 1 + m[4]!.count)
            }
            return nil
        }
        var contentIndent = 2
        while i < lines.count {
            let s = lines[i].text
            if isBlank(s) {
                sawBlank = true
                i += 1
                continue
            }
            if indent(s) < 2, let m = marker(s) {
                if sawBlank && !items.isEmpty { tight = false }
                sawBlank = false
                contentIndent = min(m.indent, 4)
                items.append([SourceLine(text: m.content, number: lines[i].number)])
                i += 1
                continue
            }
            if indent(s) >= 2 {
                if sawBlank { items[items.count - 1].append(SourceLine(text: "", number: lines[i].number - 1)) }
                sawBlank = false
                let strip = min(indent(s), contentIndent)
                items[items.count - 1].append(SourceLine(text: String(s.dropFirst(strip)), number: lines[i].number))
                i += 1
                continue
            }
            // Lazy continuation of the item's paragraph.
            if !sawBlank && !startsBlock(s) {
                items[items.count - 1].append(SourceLine(text: s, number: lines[i].number))
                i += 1
                continue
            }
            break
        }
        let parsed = try items.map { try parse($0, file: file) }
        return (.list(ordered: ordered, start: startNumber, items: parsed, tight: tight, line: lines[start].number), i)
    }
}

/// What the inline renderer needs from the document: cross-references and citations.
protocol InlineContext: AnyObject {
    /// The HTML of a cross-reference `@kind:id` or nil when it does not resolve.
    func crossReference(kind: String, id: String) -> String?
    /// The HTML of a citation `[@a; @b]`, or nil naming the first unknown key.
    func cite(_ keys: [String]) -> Result<String, CiteError>
}

struct CiteError: Error { var key: String }

/// Inline Markdown → HTML. Order of recognition at each position: backslash escape, code span, `$math$`,
/// citation `[@…]`, link `[text](url)`, cross-reference `@kind:id`, strong/emphasis, then plain (escaped) text.
struct InlineRenderer {
    let file: String
    let firstLine: Int
    unowned let context: InlineContext
    /// For run tables, which are data: only escapes, code spans and strong/emphasis are recognised, so a `$` or
    /// `@` in a value stays as written.
    var dataOnly = false

    func render(_ text: String) throws -> String {
        try render(Array(text), 0, text.count, lineBase: firstLine)
    }

    private func err(_ chars: [Character], _ at: Int, _ lineBase: Int, _ message: String) -> ReportError {
        let line = lineBase + chars[0..<min(at, chars.count)].filter { $0 == "\n" }.count
        return ReportError(file: file, line: line, message: message)
    }

    /// Index of the closing `delim` at or after `from`, skipping code spans, math and escapes.
    private func findClosing(_ c: [Character], _ delim: [Character], from: Int, to end: Int,
                             wordBoundary: Bool) -> Int? {
        var i = from
        while i < end {
            let ch = c[i]
            if ch == "\\" { i += 2; continue }
            if ch == "`" {
                if let j = (i + 1..<end).first(where: { c[$0] == "`" }) { i = j + 1; continue }
            }
            if ch == "$" {
                if let j = (i + 1..<end).first(where: { c[$0] == "$" && c[$0 - 1] != "\\" }) { i = j + 1; continue }
            }
            if i + delim.count <= end, Array(c[i..<(i + delim.count)]) == delim, i > from,
               !c[i - 1].isWhitespace {
                let after = i + delim.count
                if !wordBoundary || after >= end || !(c[after].isLetter || c[after].isNumber) { return i }
            }
            i += 1
        }
        return nil
    }

    private func render(_ c: [Character], _ start: Int, _ end: Int, lineBase: Int) throws -> String {
        var out = ""
        var i = start
        var plain = ""
        func flush() { out += HTML.text(plain); plain = "" }
        while i < end {
            let ch = c[i]
            // Backslash escapes of ASCII punctuation.
            if ch == "\\", i + 1 < end, c[i + 1].isASCII, c[i + 1].isPunctuation || c[i + 1].isSymbol {
                plain.append(c[i + 1])
                i += 2
                continue
            }
            // Code span.
            if ch == "`" {
                var n = 0
                while i + n < end, c[i + n] == "`" { n += 1 }
                var j = i + n
                var found: Int? = nil
                while j < end {
                    if c[j] == "`" {
                        var m = 0
                        while j + m < end, c[j + m] == "`" { m += 1 }
                        if m == n { found = j; break }
                        j += m
                    } else { j += 1 }
                }
                if let f = found {
                    flush()
                    let code = String(c[(i + n)..<f]).trimmingCharacters(in: .whitespaces)
                    out += "<code>\(HTML.text(code))</code>"
                    i = f + n
                    continue
                }
                plain += String(repeating: "`", count: n)
                i += n
                continue
            }
            // Inline math.
            if ch == "$", !dataOnly {
                if let j = (i + 1..<end).first(where: { c[$0] == "$" && c[$0 - 1] != "\\" }), j > i + 1 {
                    flush()
                    let tex = String(c[(i + 1)..<j])
                    do {
                        out += try MathConverter.convert(tex, display: false)
                    } catch let e as MathError {
                        throw err(c, i, lineBase, "\(e) in $\(tex)$")
                    }
                    i = j + 1
                    continue
                }
                plain.append(ch)
                i += 1
                continue
            }
            // Citation [@a; @b].
            if ch == "[", !dataOnly, i + 1 < end, c[i + 1] == "@", let j = (i + 2..<end).first(where: { c[$0] == "]" }) {
                let inner = String(c[(i + 1)..<j])
                let keys = inner.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                if keys.allSatisfy({ $0.hasPrefix("@") && $0.count > 1 }) {
                    flush()
                    switch context.cite(keys.map { String($0.dropFirst()) }) {
                    case .success(let html): out += html
                    case .failure(let e): throw err(c, i, lineBase, "unknown citation key @\(e.key)")
                    }
                    i = j + 1
                    continue
                }
            }
            // Link [text](url).
            if ch == "[", !dataOnly, let close = findBracket(c, i, end), close + 1 < end, c[close + 1] == "(",
               let paren = (close + 2..<end).first(where: { c[$0] == ")" }) {
                if let url = Self.safeLink(String(c[(close + 2)..<paren])) {
                    flush()
                    let inner = try render(c, i + 1, close, lineBase: lineBase)
                    out += "<a href=\"\(HTML.attr(url))\">\(inner)</a>"
                    i = paren + 1
                    continue
                }
            }
            // Cross-reference @fig:id.
            if ch == "@", !dataOnly, i == 0 || !(c[i - 1].isLetter || c[i - 1].isNumber),
               let m = crossRefAt(c, i, end) {
                flush()
                guard let html = context.crossReference(kind: m.kind, id: m.id) else {
                    throw err(c, i, lineBase, "unresolved reference @\(m.kind):\(m.id)")
                }
                out += html
                i = m.end
                continue
            }
            // Strong / emphasis.
            if ch == "*" || ch == "_" {
                let double = i + 1 < end && c[i + 1] == ch
                let delim: [Character] = double ? [ch, ch] : [ch]
                let wordBoundary = ch == "_"
                let leftOK = !(wordBoundary && i > 0 && (c[i - 1].isLetter || c[i - 1].isNumber))
                let openOK = i + delim.count < end && !c[i + delim.count].isWhitespace
                if leftOK, openOK,
                   let j = findClosing(c, delim, from: i + delim.count, to: end, wordBoundary: wordBoundary) {
                    flush()
                    let inner = try render(c, i + delim.count, j, lineBase: lineBase)
                    out += double ? "<strong>\(inner)</strong>" : "<em>\(inner)</em>"
                    i = j + delim.count
                    continue
                }
            }
            // Hard line break: backslash at end of line.
            if ch == "\\", i + 1 < end, c[i + 1] == "\n" {
                flush()
                out += "<br>\n"
                i += 2
                continue
            }
            plain.append(ch)
            i += 1
        }
        flush()
        return out
    }

    /// The link target if it is one a reader can safely follow: `http(s)://`, `mailto:` or an in-document `#…`.
    /// Whitespace and control characters are removed first, as browsers do, so `java\tscript:` cannot pass as
    /// something else. Anything else (other schemes, relative paths, which no narrative uses) is shown as text.
    static func safeLink(_ raw: String) -> String? {
        let url = String(String.UnicodeScalarView(raw.unicodeScalars.filter {
            !($0.properties.isWhitespace || $0.properties.generalCategory == .control
              || $0.properties.generalCategory == .format)
        }))
        let lower = url.lowercased()
        let allowed = ["http://", "https://", "mailto:", "#"].contains { lower.hasPrefix($0) }
        return allowed && url.count > 1 ? url : nil
    }

    private func findBracket(_ c: [Character], _ open: Int, _ end: Int) -> Int? {
        var depth = 0
        var i = open
        while i < end {
            if c[i] == "\\" { i += 2; continue }
            if c[i] == "[" { depth += 1 }
            if c[i] == "]" { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return nil
    }

    private func crossRefAt(_ c: [Character], _ i: Int, _ end: Int) -> (kind: String, id: String, end: Int)? {
        for kind in ["fig", "tbl", "eq", "sec"] {
            let prefix = Array("@\(kind):")
            guard i + prefix.count < end, Array(c[i..<(i + prefix.count)]) == prefix else { continue }
            var j = i + prefix.count
            var id = ""
            while j < end, c[j].isASCII, c[j].isLetter || c[j].isNumber || c[j] == "-" || c[j] == "_" {
                id.append(c[j])
                j += 1
            }
            while id.hasSuffix("-") || id.hasSuffix("_") { id.removeLast(); j -= 1 }
            if id.isEmpty { return nil }
            return (kind, id, j)
        }
        return nil
    }
}
