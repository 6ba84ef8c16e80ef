import Foundation

/// An error from the LaTeX → MathML converter. `offset` is the character offset in the TeX source.
public enum MathError: Error, Equatable, CustomStringConvertible {
    case unknownCommand(String)
    case unknownEnvironment(String)
    case syntax(String)

    public var description: String {
        switch self {
        case .unknownCommand(let c): return "unknown LaTeX command \(c)"
        case .unknownEnvironment(let e): return "unknown LaTeX environment {\(e)}"
        case .syntax(let m): return "LaTeX syntax error: \(m)"
        }
    }
}

/// LaTeX (the subset this kit's narratives use) → MathML Core, as Chromium renders it:
/// styled letters are Unicode mathematical alphanumerics (no `mathvariant` beyond `normal`), table alignment is
/// CSS `text-align` on `<mtd>` (no `columnalign`), and the TeX is kept in an `application/x-tex` annotation.
public enum MathConverter {
    /// A complete `<math>` element.
    public static func convert(_ tex: String, display: Bool) throws -> String {
        var p = MathParser(tex, display: display)
        let body = try p.parseTop()
        let mode = display ? " display=\"block\"" : ""
        return "<math\(mode)><semantics>\(body)<annotation encoding=\"application/x-tex\">\(HTML.text(tex))"
            + "</annotation></semantics></math>"
    }

    /// Only the presentation MathML (an `<mrow>`), without `<math>` and the annotation. Used by golden tests.
    public static func body(_ tex: String, display: Bool = false) throws -> String {
        var p = MathParser(tex, display: display)
        return try p.parseTop()
    }
}

/// One parsed piece of a formula. `kind` drives limits placement and function-application spacing.
struct Atom {
    enum Kind { case ord, op, integral, function, limitFunction, mo, open, close }
    var xml: String
    var kind: Kind
    /// `\limits` / `\nolimits` override.
    var limits: Bool? = nil
}

struct MathParser {
    private let chars: [Character]
    private var pos = 0
    private var display: Bool
    private var font: MathFont = .normal

    init(_ tex: String, display: Bool) {
        chars = Array(tex)
        self.display = display
    }

    // MARK: terminators

    enum Stop: Equatable { case end, closeBrace, right, ampersand, rowSep, endEnv, closeBracket }

    mutating func parseTop() throws -> String {
        let (atoms, stop) = try parseList()
        switch stop {
        case .end: break
        case .closeBrace: throw MathError.syntax("unbalanced }")
        case .right: throw MathError.syntax("\\right without \\left")
        case .ampersand: throw MathError.syntax("& outside an environment")
        case .rowSep: throw MathError.syntax("\\\\ outside an environment")
        case .endEnv: throw MathError.syntax("\\end without \\begin")
        case .closeBracket: throw MathError.syntax("unexpected ]")
        }
        return "<mrow>\(Self.join(atoms))</mrow>"
    }

    // MARK: lexical helpers

    private var atEnd: Bool { pos >= chars.count }
    private func peek(_ k: Int = 0) -> Character? { pos + k < chars.count ? chars[pos + k] : nil }
    private mutating func skipSpace() { while let c = peek(), c.isWhitespace { pos += 1 } }

    /// Reads a command name after a backslash (already consumed): letters (plus an optional `*`) or one symbol.
    private mutating func readCommandName() throws -> String {
        guard let c = peek() else { throw MathError.syntax("trailing backslash") }
        if c.isASCII && c.isLetter {
            var name = ""
            while let d = peek(), d.isASCII, d.isLetter { name.append(d); pos += 1 }
            if peek() == "*", ["operatorname", "begin", "end"].contains(name) == false,
               name.hasPrefix("operatorname") == false {
                // starred forms are only meaningful for a few commands; leave the * for the caller otherwise
            }
            return name
        }
        pos += 1
        return String(c)
    }

    /// Does the input continue with `\name` (not a longer command)?
    private func lookingAtCommand(_ name: String) -> Bool {
        var i = pos
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        guard i < chars.count, chars[i] == "\\" else { return false }
        let n = Array(name)
        guard i + 1 + n.count <= chars.count, Array(chars[(i + 1)..<(i + 1 + n.count)]) == n else { return false }
        let after = i + 1 + n.count
        if n.last!.isLetter, after < chars.count, chars[after].isASCII, chars[after].isLetter { return false }
        return true
    }

    /// The raw text of a `{…}` argument (balanced braces), for `\text`, `\operatorname`, environment names.
    private mutating func readRawGroup() throws -> String {
        skipSpace()
        guard peek() == "{" else {
            // a single-character argument
            guard let c = peek() else { throw MathError.syntax("missing argument") }
            pos += 1
            return String(c)
        }
        pos += 1
        var depth = 1, out = ""
        while let c = peek() {
            pos += 1
            if c == "\\", let d = peek() { out.append(c); out.append(d); pos += 1; continue }
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1; if depth == 0 { return out } }
            out.append(c)
        }
        throw MathError.syntax("unclosed {")
    }

    // MARK: lists

    /// Parses atoms until a terminator; returns them with the terminator (consumed, except `.end`).
    mutating func parseList() throws -> ([Atom], Stop) {
        var atoms: [Atom] = []
        while true {
            skipSpace()
            guard let c = peek() else { return (Self.applyFunctions(atoms), .end) }
            if c == "}" { pos += 1; return (Self.applyFunctions(atoms), .closeBrace) }
            if c == "&" { pos += 1; return (Self.applyFunctions(atoms), .ampersand) }
            if c == "\\" {
                let save = pos
                pos += 1
                let name = try readCommandName()
                switch name {
                case "right": return (Self.applyFunctions(atoms), .right)
                case "\\": return (Self.applyFunctions(atoms), .rowSep)
                case "cr": return (Self.applyFunctions(atoms), .rowSep)
                case "end": pos = save; return (Self.applyFunctions(atoms), .endEnv)
                case "displaystyle", "textstyle":
                    let wasDisplay = display
                    display = name == "displaystyle"
                    let (rest, stop) = try parseList()
                    display = wasDisplay
                    let attr = name == "displaystyle" ? "true" : "false"
                    atoms.append(Atom(xml: "<mrow displaystyle=\"\(attr)\" scriptlevel=\"0\">\(Self.join(rest))</mrow>",
                                      kind: .ord))
                    return (Self.applyFunctions(atoms), stop)
                default:
                    pos = save
                }
            }
            atoms.append(try parseScripted())
        }
    }

    /// Inserts U+2061 FUNCTION APPLICATION after function names, with TeX's thin space unless a fence follows.
    static func applyFunctions(_ atoms: [Atom]) -> [Atom] {
        var out: [Atom] = []
        for (i, a) in atoms.enumerated() {
            // TeX's thin space between an ordinary (or closing) atom and a following operator name: "a log y".
            if a.kind == .function || a.kind == .limitFunction, i > 0,
               [.ord, .close, .function, .limitFunction].contains(atoms[i - 1].kind) {
                out.append(Atom(xml: "<mspace width=\"0.1667em\"></mspace>", kind: .mo))
            }
            out.append(a)
            guard a.kind == .function || a.kind == .limitFunction else { continue }
            let next = i + 1 < atoms.count ? atoms[i + 1] : nil
            switch next?.kind {
            case .none, .mo?, .close?: continue
            case .open?: out.append(Atom(xml: "<mo>\u{2061}</mo>", kind: .mo))
            default: out.append(Atom(xml: "<mo lspace=\"0\" rspace=\"0.1667em\">\u{2061}</mo>", kind: .mo))
            }
        }
        return out
    }

    static func join(_ atoms: [Atom]) -> String { atoms.map(\.xml).joined() }

    /// One `<mrow>` unless there is exactly one atom.
    static func row(_ atoms: [Atom]) -> String {
        atoms.count == 1 ? atoms[0].xml : "<mrow>\(join(atoms))</mrow>"
    }

    // MARK: scripts

    /// A nucleus followed by any `^`, `_`, `'` and `\limits`/`\nolimits`.
    mutating func parseScripted() throws -> Atom {
        var base = try parseNucleus()
        var sub: String? = nil, sup: String? = nil
        var primes = 0
        while true {
            skipSpace()
            if lookingAtCommand("limits") { skipSpace(); pos += 7; base.limits = true; continue }
            if lookingAtCommand("nolimits") { skipSpace(); pos += 9; base.limits = false; continue }
            guard let c = peek() else { break }
            if c == "^" {
                pos += 1
                guard sup == nil else { throw MathError.syntax("double superscript") }
                sup = try parseScriptArgument()
            } else if c == "_" {
                pos += 1
                guard sub == nil else { throw MathError.syntax("double subscript") }
                sub = try parseScriptArgument()
            } else if c == "'" {
                pos += 1
                primes += 1
            } else {
                break
            }
        }
        if primes > 0 {
            let mark = ["′", "″", "‴", "⁗"][min(primes, 4) - 1]
            let p = "<mo>\(mark)</mo>"
            sup = sup.map { "<mrow>\(p)\($0)</mrow>" } ?? p
        }
        if sub == nil && sup == nil { return base }

        let underOver: Bool
        switch base.kind {
        case .op, .limitFunction: underOver = base.limits ?? display
        case .integral: underOver = base.limits ?? false
        default: underOver = false
        }
        let b = base.xml
        let xml: String
        switch (sub, sup, underOver) {
        case let (s?, t?, true): xml = "<munderover>\(b)\(s)\(t)</munderover>"
        case let (s?, nil, true): xml = "<munder>\(b)\(s)</munder>"
        case let (nil, t?, true): xml = "<mover>\(b)\(t)</mover>"
        case let (s?, t?, false): xml = "<msubsup>\(b)\(s)\(t)</msubsup>"
        case let (s?, nil, false): xml = "<msub>\(b)\(s)</msub>"
        case let (nil, t?, false): xml = "<msup>\(b)\(t)</msup>"
        default: xml = b
        }
        // A scripted function name still takes function application.
        let kind: Atom.Kind = (base.kind == .function || base.kind == .limitFunction) ? base.kind : .ord
        return Atom(xml: xml, kind: kind == .ord && base.kind == .op ? .op : kind)
    }

    /// A script is one nucleus (a group, a character, or a command), without its own scripts.
    private mutating func parseScriptArgument() throws -> String {
        skipSpace()
        return try parseNucleus().xml
    }

    /// A `{…}` group or a single nucleus, as MathML.
    private mutating func parseArgument() throws -> String {
        skipSpace()
        if peek() == "{" {
            pos += 1
            let (atoms, stop) = try parseList()
            guard stop == .closeBrace else { throw MathError.syntax("unclosed {") }
            return Self.row(atoms)
        }
        guard !atEnd else { throw MathError.syntax("missing argument") }
        return try parseNucleus().xml
    }

    /// An optional `[…]` argument (for `\sqrt[n]`).
    private mutating func parseOptionalArgument() throws -> String? {
        skipSpace()
        guard peek() == "[" else { return nil }
        pos += 1
        var atoms: [Atom] = []
        while true {
            skipSpace()
            guard let c = peek() else { throw MathError.syntax("unclosed [") }
            if c == "]" { pos += 1; break }
            atoms.append(try parseScripted())
        }
        return Self.row(atoms)
    }

    // MARK: nucleus

    mutating func parseNucleus() throws -> Atom {
        skipSpace()
        guard let c = peek() else { throw MathError.syntax("missing operand") }
        switch c {
        case "{":
            pos += 1
            let (atoms, stop) = try parseList()
            guard stop == .closeBrace else { throw MathError.syntax("unclosed {") }
            return Atom(xml: Self.row(atoms), kind: .ord)
        case "\\":
            pos += 1
            return try parseCommand(try readCommandName())
        case "^", "_":
            // a script with no base
            return Atom(xml: "<mrow></mrow>", kind: .ord)
        case "}":
            throw MathError.syntax("unbalanced }")
        default:
            break
        }
        if c.isNumber && c.isASCII {
            var n = ""
            while let d = peek() {
                if d.isASCII && d.isNumber { n.append(d); pos += 1 } else if d == ".", let e = peek(1), e.isASCII,
                    e.isNumber { n.append(d); pos += 1 } else { break }
            }
            return Atom(xml: "<mn>\(n.map { font.apply($0) }.joined())</mn>", kind: .ord)
        }
        pos += 1
        if c.isLetter {
            if font == .roman {
                var word = String(c)
                while let d = peek(), d.isLetter { word.append(d); pos += 1 }
                return Atom(xml: word.count == 1 ? "<mi mathvariant=\"normal\">\(HTML.text(word))</mi>"
                    : "<mi>\(HTML.text(word))</mi>", kind: .ord)
            }
            return Atom(xml: "<mi>\(HTML.text(font.apply(c)))</mi>", kind: .ord)
        }
        switch c {
        case "-": return Atom(xml: "<mo>−</mo>", kind: .mo)
        case "*": return Atom(xml: "<mo>∗</mo>", kind: .mo)
        case "~": return Atom(xml: "<mspace width=\"0.25em\"></mspace>", kind: .ord)
        case "(", "[": return Atom(xml: "<mo stretchy=\"false\">\(c)</mo>", kind: .open)
        case ")", "]": return Atom(xml: "<mo stretchy=\"false\">\(c)</mo>", kind: .close)
        case "|": return Atom(xml: "<mo stretchy=\"false\">|</mo>", kind: .mo)
        case "'": return Atom(xml: "<mo>′</mo>", kind: .mo)
        case "$", "#", "%": throw MathError.syntax("unexpected \(c)")
        default: return Atom(xml: "<mo>\(HTML.text(String(c)))</mo>", kind: .mo)
        }
    }

    // MARK: commands

    private mutating func withFont<T>(_ f: MathFont, _ body: (inout MathParser) throws -> T) rethrows -> T {
        let saved = font
        font = f
        defer { font = saved }
        return try body(&self)
    }

    mutating func parseCommand(_ name: String) throws -> Atom {
        if let g = MathSymbols.greek[name] {
            if font != .normal && font != .roman && font != .italic {
                return Atom(xml: "<mi>\(font.apply(g))</mi>", kind: .ord)
            }
            let upright = g.isUppercase || font == .roman
            return Atom(xml: upright ? "<mi mathvariant=\"normal\">\(g)</mi>" : "<mi>\(g)</mi>", kind: .ord)
        }
        if let s = MathSymbols.identifiers[name] { return Atom(xml: "<mi>\(s)</mi>", kind: .ord) }
        if let s = MathSymbols.operators[name] { return Atom(xml: "<mo>\(HTML.text(s))</mo>", kind: .mo) }
        if let s = MathSymbols.fences[name] {
            let kind: Atom.Kind = MathSymbols.openingFences.contains(s) || name.hasPrefix("l") && s != "|"
                && s != "‖" ? .open : MathSymbols.closingFences.contains(s) ? .close : .mo
            return Atom(xml: "<mo stretchy=\"false\">\(s)</mo>", kind: kind)
        }
        if MathSymbols.functions.contains(name) || MathSymbols.limitFunctions.contains(name) {
            let text = MathSymbols.functionSpelling[name].map { $0.replacingOccurrences(of: " ", with: "\u{2009}") }
                ?? name
            let kind: Atom.Kind = MathSymbols.limitFunctions.contains(name) ? .limitFunction : .function
            return Atom(xml: "<mi>\(text)</mi>", kind: kind)
        }
        if let s = MathSymbols.bigOperators[name] { return Atom(xml: "<mo>\(s)</mo>", kind: .op) }
        if let s = MathSymbols.integrals[name] { return Atom(xml: "<mo>\(s)</mo>", kind: .integral) }
        if let w = MathSymbols.spaces[name] { return Atom(xml: "<mspace width=\"\(w)\"></mspace>", kind: .ord) }
        if let (mark, stretchy, under) = MathSymbols.accents[name] {
            let base = try parseArgument()
            // \vec's arrow is drawn smaller, like TeX's accent arrow (the full-size glyph looks like a relation).
            let size = name == "vec" ? " style=\"font-size:0.75em\"" : ""
            let mo = "<mo stretchy=\"\(stretchy)\"\(size)>\(HTML.text(mark))</mo>"
            return Atom(xml: under ? "<munder accentunder=\"true\">\(base)\(mo)</munder>"
                : "<mover accent=\"true\">\(base)\(mo)</mover>", kind: .ord)
        }
        if let size = MathSymbols.bigSizes[name.replacingOccurrences(of: "[lrm]$", with: "",
                                                                    options: .regularExpression)] {
            let d = try readDelimiter()
            let kind: Atom.Kind = name.hasSuffix("l") ? .open : name.hasSuffix("r") ? .close : .mo
            return Atom(xml: d.isEmpty ? "<mspace width=\"0\"></mspace>"
                : "<mo minsize=\"\(size)\" maxsize=\"\(size)\" stretchy=\"true\">\(d)</mo>", kind: kind)
        }
        switch name {
        case "!": return Atom(xml: "<mspace width=\"0\"></mspace>", kind: .ord)
        case "frac", "dfrac", "tfrac", "cfrac":
            let num = try parseArgument(), den = try parseArgument()
            let frac = "<mfrac>\(num)\(den)</mfrac>"
            switch name {
            case "dfrac", "cfrac": return Atom(xml: "<mrow displaystyle=\"true\" scriptlevel=\"0\">\(frac)</mrow>", kind: .ord)
            case "tfrac": return Atom(xml: "<mrow displaystyle=\"false\">\(frac)</mrow>", kind: .ord)
            default: return Atom(xml: frac, kind: .ord)
            }
        case "binom":
            let n = try parseArgument(), k = try parseArgument()
            return Atom(xml: "<mrow><mo>(</mo><mfrac linethickness=\"0\">\(n)\(k)</mfrac><mo>)</mo></mrow>",
                        kind: .ord)
        case "sqrt":
            if let index = try parseOptionalArgument() {
                return Atom(xml: "<mroot>\(try parseArgument())\(index)</mroot>", kind: .ord)
            }
            return Atom(xml: "<msqrt>\(try parseArgument())</msqrt>", kind: .ord)
        case "left":
            return try parseLeftRight()
        case "middle":
            let d = try readDelimiter()
            return Atom(xml: "<mo stretchy=\"true\">\(d)</mo>", kind: .mo)
        case "mathbb": return try styled(.doubleStruck)
        case "mathcal", "mathscr": return try styled(.script)
        case "mathfrak": return try styled(.fraktur)
        case "mathbf": return try styled(.bold)
        case "boldsymbol", "bm": return try styled(.boldItalic)
        case "mathrm", "rm": return try styled(.roman)
        case "mathit": return try styled(.italic)
        case "mathsf": return try styled(.sansSerif)
        case "mathtt": return try styled(.monospace)
        case "text", "textrm", "mbox", "textnormal", "textit", "textbf", "texttt", "textsf":
            let raw = try readRawGroup()
            return Atom(xml: Self.mtext(raw, style: name), kind: .ord)
        case "operatorname":
            let starred = peek() == "*"
            if starred { pos += 1 }
            let raw = try readRawGroup()
            let text = raw.replacingOccurrences(of: "\\,", with: "\u{2009}")
                .replacingOccurrences(of: "\\;", with: "\u{2009}").replacingOccurrences(of: "\\ ", with: " ")
                .replacingOccurrences(of: "\\!", with: "")
            if text.contains("\\") { throw MathError.syntax("commands inside \\operatorname{\(raw)}") }
            return Atom(xml: "<mi>\(HTML.text(text))</mi>", kind: starred ? .limitFunction : .function)
        case "overset", "stackrel":
            let over = try parseArgument(), base = try parseArgument()
            return Atom(xml: "<mover>\(base)\(over)</mover>", kind: .ord)
        case "underset":
            let under = try parseArgument(), base = try parseArgument()
            return Atom(xml: "<munder>\(base)\(under)</munder>", kind: .ord)
        case "not":
            let next = try parseNucleus()
            if next.xml.hasPrefix("<mo"), let start = next.xml.firstIndex(of: ">"),
               let end = next.xml.range(of: "</mo>", options: .backwards) {
                let inner = String(next.xml[next.xml.index(after: start)..<end.lowerBound])
                let plain = inner.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                let negated = MathSymbols.negations[plain] ?? plain + "\u{0338}"
                return Atom(xml: "<mo>\(HTML.text(negated))</mo>", kind: .mo)
            }
            throw MathError.syntax("\\not must precede a relation")
        case "begin":
            let env = try readRawGroup()
            return try parseEnvironment(env)
        case "{": return Atom(xml: "<mo stretchy=\"false\">{</mo>", kind: .open)
        case "}": return Atom(xml: "<mo stretchy=\"false\">}</mo>", kind: .close)
        case "limits", "nolimits":
            throw MathError.syntax("\\\(name) must follow an operator")
        default:
            throw MathError.unknownCommand("\\" + name)
        }
    }

    private mutating func styled(_ f: MathFont) throws -> Atom {
        let xml = try withFont(f) { p in try p.parseArgument() }
        return Atom(xml: xml, kind: .ord)
    }

    static func mtext(_ raw: String, style: String) -> String {
        var t = raw.replacingOccurrences(of: "\\ ", with: " ").replacingOccurrences(of: "~", with: "\u{00A0}")
        for (cmd, lit) in [("\\%", "%"), ("\\&", "&"), ("\\_", "_"), ("\\#", "#"), ("\\$", "$"), ("\\{", "{"),
                           ("\\}", "}")] {
            t = t.replacingOccurrences(of: cmd, with: lit)
        }
        t = t.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
        // Leading/trailing spaces are significant in \text but collapse in <mtext>: make them non-breaking.
        var scalars = Array(t)
        var i = 0
        while i < scalars.count, scalars[i] == " " { scalars[i] = "\u{00A0}"; i += 1 }
        var j = scalars.count - 1
        while j >= 0, scalars[j] == " " { scalars[j] = "\u{00A0}"; j -= 1 }
        let body = HTML.text(String(scalars))
        switch style {
        case "textbf": return "<mtext style=\"font-weight:bold\">\(body)</mtext>"
        case "textit": return "<mtext style=\"font-style:italic\">\(body)</mtext>"
        case "texttt": return "<mtext style=\"font-family:monospace\">\(body)</mtext>"
        default: return "<mtext>\(body)</mtext>"
        }
    }

    // MARK: delimiters

    /// A delimiter after `\left`, `\right`, `\middle`, `\big…`; `.` is the empty delimiter ("").
    private mutating func readDelimiter() throws -> String {
        skipSpace()
        guard let c = peek() else { throw MathError.syntax("missing delimiter") }
        pos += 1
        if c == "\\" {
            let name = try readCommandName()
            if let s = MathSymbols.fences[name] { return HTML.text(s) }
            switch name {
            case "backslash": return "\\"
            case "uparrow": return "↑"
            case "downarrow": return "↓"
            case "mid": return "∣"
            default: throw MathError.unknownCommand("\\" + name)
            }
        }
        switch c {
        case ".": return ""
        case "(", ")", "[", "]", "|", "/": return String(c)
        case "<": return "⟨"
        case ">": return "⟩"
        default: throw MathError.syntax("bad delimiter \(c)")
        }
    }

    private mutating func parseLeftRight() throws -> Atom {
        let open = try readDelimiter()
        let (atoms, stop) = try parseList()
        guard stop == .right else { throw MathError.syntax("\\left without \\right") }
        let close = try readDelimiter()
        // Chromium draws a stretchy fence around one-line content with a larger glyph variant and visible side
        // gaps, where TeX would use the normal glyph. So fences stretch only around tall content.
        let inner = Self.join(atoms)
        let tall = ["<mfrac", "<munderover", "<munder", "<mtable", "<msqrt", "<mroot", "∑", "∏", "∫",
                    "displaystyle=\"true\"", "stretchy=\"true\""].contains { inner.contains($0) }
        let stretch = tall ? "true" : "false"
        var xml = "<mrow>"
        if !open.isEmpty { xml += "<mo fence=\"true\" form=\"prefix\" stretchy=\"\(stretch)\">\(open)</mo>" }
        xml += inner
        if !close.isEmpty { xml += "<mo fence=\"true\" form=\"postfix\" stretchy=\"\(stretch)\">\(close)</mo>" }
        xml += "</mrow>"
        return Atom(xml: xml, kind: .open)
    }

    // MARK: environments

    private mutating func parseEnvironment(_ env: String) throws -> Atom {
        let known = ["aligned", "align", "align*", "split", "gathered", "gather", "gather*", "cases", "matrix",
                     "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array"]
        guard known.contains(env) else { throw MathError.unknownEnvironment(env) }
        var arraySpec: [Character] = []
        if env == "array" {
            arraySpec = Array(try readRawGroup()).filter { "lcr".contains($0) }
        }
        var rows: [[String]] = []
        var cells: [String] = []
        let wasDisplay = display
        display = ["aligned", "align", "align*", "split", "gathered", "gather", "gather*"].contains(env)
        defer { display = wasDisplay }
        while true {
            var (atoms, stop) = try parseList()
            // In aligned-style environments a cell that starts with a relation keeps its spacing: TeX's {}.
            if cells.count % 2 == 1, display, atoms.first?.kind == .mo {
                atoms.insert(Atom(xml: "<mi></mi>", kind: .ord), at: 0)
            }
            cells.append(Self.join(atoms))
            switch stop {
            case .ampersand: continue
            case .rowSep:
                rows.append(cells); cells = []
                skipSpace()
                if peek() == "[" { // \\[2pt]: spacing hints are ignored
                    while let c = peek(), c != "]" { pos += 1 }
                    pos += 1
                }
            case .endEnv:
                pos += 1 // backslash
                _ = try readCommandName() // "end"
                let closing = try readRawGroup()
                guard closing == env else { throw MathError.syntax("\\begin{\(env)} ended by \\end{\(closing)}") }
                if !(cells.count == 1 && cells[0].isEmpty) || rows.isEmpty { rows.append(cells) }
                return Atom(xml: Self.table(env, rows, arraySpec: arraySpec), kind: .ord)
            case .end: throw MathError.syntax("\\begin{\(env)} without \\end")
            default: throw MathError.syntax("unexpected terminator in {\(env)}")
            }
        }
    }

    /// `<mtable>` with per-cell CSS alignment (MathML Core has no `columnalign`).
    static func table(_ env: String, _ rows: [[String]], arraySpec: [Character]) -> String {
        // Chromium lays the cell's content out as a block, which plain `text-align` does not move; the
        // -webkit- value does (checked by screenshot). Other engines drop it and keep the standard value.
        func align(_ a: String) -> String { "text-align:\(a);text-align:-webkit-\(a)" }
        func style(_ col: Int) -> String {
            switch env {
            case "aligned", "align", "align*", "split":
                // right/left pairs, 1em between pairs, no gap inside a pair
                return col % 2 == 0
                    ? align("right") + ";padding-left:\(col == 0 ? "0" : "1em");padding-right:0"
                    : align("left") + ";padding-left:0;padding-right:0"
            case "cases":
                return align("left") + ";padding-left:0;padding-right:\(col == 0 ? "1em" : "0")"
            case "gathered", "gather", "gather*":
                return align("center") + ";padding-left:0;padding-right:0"
            case "array":
                let a = col < arraySpec.count ? arraySpec[col] : "c"
                return align(a == "l" ? "left" : a == "r" ? "right" : "center")
            default:
                return align("center")
            }
        }
        let displayStyle = ["aligned", "align", "align*", "split", "gathered", "gather", "gather*"].contains(env)
        var xml = displayStyle ? "<mtable displaystyle=\"true\">" : "<mtable>"
        for r in rows {
            xml += "<mtr>"
            for (i, c) in r.enumerated() { xml += "<mtd style=\"\(style(i))\">\(c)</mtd>" }
            xml += "</mtr>"
        }
        xml += "</mtable>"
        func fenced(_ l: String, _ r: String) -> String {
            "<mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">\(l)</mo>\(xml)"
                + (r.isEmpty ? "" : "<mo fence=\"true\" form=\"postfix\" stretchy=\"true\">\(r)</mo>") + "</mrow>"
        }
        switch env {
        case "pmatrix": return fenced("(", ")")
        case "bmatrix": return fenced("[", "]")
        case "Bmatrix": return fenced("{", "}")
        case "vmatrix": return fenced("|", "|")
        case "Vmatrix": return fenced("‖", "‖")
        case "cases": return fenced("{", "")
        default: return xml
        }
    }
}
