import Foundation

/// Symbol tables for the LaTeX → MathML Core converter.
enum MathSymbols {
    /// Greek letters → code point. Capitals are set upright (TeX convention), lowercase italic.
    static let greek: [String: Character] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
        "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
        "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
        "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ",
        "omega": "ω",
        "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
        "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    ]

    /// Ordinary symbols set as `<mi>`.
    static let identifiers: [String: String] = [
        "infty": "∞", "partial": "∂", "nabla": "∇", "ell": "ℓ", "hbar": "ℏ", "emptyset": "∅",
        "varnothing": "∅", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "imath": "ı", "jmath": "ȷ",
        "top": "⊤", "bot": "⊥", "angle": "∠", "triangle": "△", "checkmark": "✓", "square": "□",
    ]

    /// Operators, relations, arrows and punctuation set as `<mo>`.
    static let operators: [String: String] = [
        // relations
        "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼",
        "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝", "in": "∈", "notin": "∉", "ni": "∋",
        "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "ll": "≪", "gg": "≫", "prec": "≺",
        "succ": "≻", "preceq": "⪯", "succeq": "⪰", "perp": "⊥", "parallel": "∥", "mid": "∣", "nmid": "∤",
        "models": "⊨", "vdash": "⊢", "coloneqq": "≔", "triangleq": "≜", "doteq": "≐", "asymp": "≍",
        "leqslant": "⩽", "geqslant": "⩾", "lesssim": "≲", "gtrsim": "≳",
        // arrows
        "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
        "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "impliedby": "⟸", "iff": "⟺",
        "mapsto": "↦", "longrightarrow": "⟶", "longleftarrow": "⟵", "longmapsto": "⟼", "uparrow": "↑",
        "downarrow": "↓", "updownarrow": "↕", "hookrightarrow": "↪", "rightleftharpoons": "⇌",
        // binary operators
        "cdot": "⋅", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆", "circ": "∘",
        "bullet": "∙", "oplus": "⊕", "ominus": "⊖", "otimes": "⊗", "odot": "⊙", "cup": "∪", "cap": "∩",
        "setminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "sqcup": "⊔", "sqcap": "⊓",
        "dagger": "†", "ddagger": "‡", "amalg": "⨿", "diamond": "⋄",
        // logic and misc
        "forall": "∀", "exists": "∃", "nexists": "∄", "neg": "¬", "lnot": "¬", "therefore": "∴",
        "because": "∵",
        // dots and punctuation
        "ldots": "…", "dots": "…", "dotsc": "…", "dotsb": "⋯", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
        "colon": ":", "prime": "′",
        // literal characters
        "%": "%", "#": "#", "&": "&", "_": "_", "$": "$", "backslash": "\\",
    ]

    /// Fence-like symbols (not stretched unless inside `\left…\right`).
    static let fences: [String: String] = [
        "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]", "|": "‖",
        "langle": "⟨", "rangle": "⟩", "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|",
        "vert": "|", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋",
    ]
    static let openingFences: Set<String> = ["(", "[", "{", "⟨", "⌈", "⌊"]
    static let closingFences: Set<String> = [")", "]", "}", "⟩", "⌉", "⌋"]

    /// Function names set upright, followed by U+2061 FUNCTION APPLICATION.
    static let functions: Set<String> = [
        "log", "ln", "lg", "exp", "sin", "cos", "tan", "cot", "sec", "csc", "sinh", "cosh", "tanh", "coth",
        "arcsin", "arccos", "arctan", "arg", "deg", "det", "dim", "hom", "ker", "gcd",
    ]
    /// Function names whose scripts go under/over in display style.
    static let limitFunctions: Set<String> = [
        "lim", "liminf", "limsup", "min", "max", "sup", "inf", "argmin", "argmax", "Pr", "det", "gcd",
    ]
    static let functionSpelling: [String: String] = [
        "liminf": "lim inf", "limsup": "lim sup", "argmin": "arg min", "argmax": "arg max",
    ]

    /// Big operators: limits under/over in display style (∑ ∏ ⋃ …).
    static let bigOperators: [String: String] = [
        "sum": "∑", "prod": "∏", "coprod": "∐", "bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁",
        "bigotimes": "⨂", "bigvee": "⋁", "bigwedge": "⋀", "bigsqcup": "⨆",
    ]
    /// Integrals: scripts to the side unless `\limits`.
    static let integrals: [String: String] = [
        "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
    ]

    /// Accent commands → (mark, stretchy, under).
    static let accents: [String: (String, Bool, Bool)] = [
        // Code points chosen by what Chromium 156 + Latin Modern Math actually render (checked by screenshot):
        // spacing modifier letters sit centred when not stretched; U+0302, U+203E and arrows stretch.
        "hat": ("\u{02C6}", false, false), "widehat": ("\u{0302}", true, false), "bar": ("\u{00AF}", false, false),
        "overline": ("\u{203E}", true, false), "tilde": ("\u{02DC}", false, false),
        "widetilde": ("\u{02DC}", true, false), "vec": ("\u{2192}", false, false),
        "overrightarrow": ("\u{2192}", true, false), "overleftarrow": ("\u{2190}", true, false),
        "dot": ("\u{02D9}", false, false), "ddot": ("\u{00A8}", false, false), "check": ("\u{02C7}", false, false),
        "breve": ("\u{02D8}", false, false), "acute": ("\u{00B4}", false, false), "grave": ("\u{0060}", false, false),
        "underline": ("\u{203E}", true, true),
    ]

    /// Spacing commands → width in em.
    static let spaces: [String: String] = [
        ",": "0.1667em", "thinspace": "0.1667em", ":": "0.2222em", ">": "0.2222em", "medspace": "0.2222em",
        ";": "0.2778em", "thickspace": "0.2778em", " ": "0.25em", "enspace": "0.5em", "quad": "1em",
        "qquad": "2em",
    ]

    /// `\big` family → size.
    static let bigSizes: [String: String] = [
        "big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.470em",
    ]

    /// `\not` compositions with a dedicated code point.
    static let negations: [String: String] = [
        "=": "≠", "∈": "∉", "<": "≮", ">": "≯", "≤": "≰", "≥": "≱", "⊂": "⊄", "⊆": "⊈", "∼": "≁", "≈": "≉",
        "≡": "≢", "∣": "∤", "∃": "∄",
    ]
}

/// Letter styles mapped to Unicode Mathematical Alphanumeric Symbols (MathML Core ignores `mathvariant`).
enum MathFont: Equatable {
    case normal, roman, bold, boldItalic, doubleStruck, script, fraktur, sansSerif, monospace, italic

    /// The styled form of one character; characters without a styled form are returned unchanged.
    func apply(_ c: Character) -> String {
        guard let s = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return String(c) }
        let v = s.value
        let upper = v >= 0x41 && v <= 0x5A, lower = v >= 0x61 && v <= 0x7A, digit = v >= 0x30 && v <= 0x39
        let greekUpper = v >= 0x391 && v <= 0x3A9, greekLower = v >= 0x3B1 && v <= 0x3C9
        func at(_ base: UInt32, _ offset: UInt32) -> String {
            String(Character(Unicode.Scalar(base + offset)!))
        }
        switch self {
        case .normal, .roman, .italic: return String(c)
        case .bold:
            if upper { return at(0x1D400, v - 0x41) }
            if lower { return at(0x1D41A, v - 0x61) }
            if digit { return at(0x1D7CE, v - 0x30) }
            if greekUpper { return at(0x1D6A8, v - 0x391) }
            if greekLower { return at(0x1D6C2, v - 0x3B1) }
        case .boldItalic:
            if upper { return at(0x1D468, v - 0x41) }
            if lower { return at(0x1D482, v - 0x61) }
            if digit { return at(0x1D7CE, v - 0x30) }
            if greekUpper { return at(0x1D71C, v - 0x391) }
            if greekLower { return at(0x1D736, v - 0x3B1) }
        case .doubleStruck:
            let holes: [Character: String] = ["C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"]
            if let h = holes[c] { return h }
            if upper { return at(0x1D538, v - 0x41) }
            if lower { return at(0x1D552, v - 0x61) }
            if digit { return at(0x1D7D8, v - 0x30) }
        case .script:
            let holes: [Character: String] = [
                "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
                "e": "ℯ", "g": "ℊ", "o": "ℴ",
            ]
            if let h = holes[c] { return h }
            if upper { return at(0x1D49C, v - 0x41) }
            if lower { return at(0x1D4B6, v - 0x61) }
        case .fraktur:
            let holes: [Character: String] = ["C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"]
            if let h = holes[c] { return h }
            if upper { return at(0x1D504, v - 0x41) }
            if lower { return at(0x1D51E, v - 0x61) }
        case .sansSerif:
            if upper { return at(0x1D5A0, v - 0x41) }
            if lower { return at(0x1D5BA, v - 0x61) }
            if digit { return at(0x1D7E2, v - 0x30) }
        case .monospace:
            if upper { return at(0x1D670, v - 0x41) }
            if lower { return at(0x1D68A, v - 0x61) }
            if digit { return at(0x1D7F6, v - 0x30) }
        }
        return String(c)
    }
}
