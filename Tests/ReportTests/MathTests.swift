import Testing
@testable import Report

/// Golden tests: one per construct of the LaTeX subset. The expected strings are the exact MathML Core we emit.
@Suite struct MathGoldenTests {
    func body(_ tex: String, display: Bool = false) throws -> String { try MathConverter.body(tex, display: display) }

    @Test func fraction() throws {
        #expect(try body(#"\frac{a}{b}"#) == "<mrow><mfrac><mi>a</mi><mi>b</mi></mfrac></mrow>")
    }

    @Test func subAndSuperscripts() throws {
        #expect(try body("x_i^2") == "<mrow><msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup></mrow>")
        #expect(try body("x^{2}") == "<mrow><msup><mi>x</mi><mn>2</mn></msup></mrow>")
        #expect(try body("f'") == "<mrow><msup><mi>f</mi><mo>′</mo></msup></mrow>")
    }

    @Test func numbersAndMinus() throws {
        #expect(try body("-0.5") == "<mrow><mo>−</mo><mn>0.5</mn></mrow>")
    }

    @Test func roots() throws {
        #expect(try body(#"\sqrt{x}"#) == "<mrow><msqrt><mi>x</mi></msqrt></mrow>")
        #expect(try body(#"\sqrt[3]{x}"#) == "<mrow><mroot><mi>x</mi><mn>3</mn></mroot></mrow>")
    }

    @Test func sumWithLimitsDisplayAndInline() throws {
        #expect(try body(#"\sum_{i=1}^{n}"#, display: true)
            == "<mrow><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover></mrow>")
        #expect(try body(#"\sum_{i=1}^{n}"#, display: false)
            == "<mrow><msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup></mrow>")
    }

    @Test func productAndIntegral() throws {
        #expect(try body(#"\prod_{l}"#, display: true) == "<mrow><munder><mo>∏</mo><mi>l</mi></munder></mrow>")
        // integrals keep their limits at the side, as in TeX, unless \limits
        #expect(try body(#"\int_0^1"#, display: true) == "<mrow><msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup></mrow>")
        #expect(try body(#"\int\limits_0^1"#, display: true)
            == "<mrow><munderover><mo>∫</mo><mn>0</mn><mn>1</mn></munderover></mrow>")
    }

    @Test func leftRight() throws {
        // around tall content the fences stretch
        #expect(try body(#"\left( \frac{a}{b} \right)"#) == "<mrow><mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo>"
            + "<mfrac><mi>a</mi><mi>b</mi></mfrac><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)</mo></mrow></mrow>")
        // around one-line content they keep the normal glyph (Chromium would otherwise pick a wider variant)
        #expect(try body(#"\left( x \right)"#) == "<mrow><mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"false\">(</mo>"
            + "<mi>x</mi><mo fence=\"true\" form=\"postfix\" stretchy=\"false\">)</mo></mrow></mrow>")
        #expect(try body(#"\left\lVert x \right."#) == "<mrow><mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"false\">‖</mo>"
            + "<mi>x</mi></mrow></mrow>")
        #expect(throws: MathError.self) { try MathConverter.body(#"\left( x"#) }
    }

    @Test func letterStylesAreUnicodeNotMathvariant() throws {
        #expect(try body(#"\mathbb{E}\mathbb{R}"#) == "<mrow><mi>𝔼</mi><mi>ℝ</mi></mrow>")
        #expect(try body(#"\mathcal{L}\mathcal{N}"#) == "<mrow><mi>ℒ</mi><mi>𝒩</mi></mrow>")
        #expect(try body(#"\mathbf{x}"#) == "<mrow><mi>𝐱</mi></mrow>")
        #expect(try body(#"\boldsymbol{\mu}"#) == "<mrow><mi>𝝁</mi></mrow>")
        #expect(try body(#"\mathrm{KL}"#) == "<mrow><mi>KL</mi></mrow>")
        let all = try body(#"\mathbb{E}\mathcal{L}\mathbf{z}\mathfrak{g}\mathsf{A}"#)
        #expect(!all.contains("mathvariant"))
    }

    @Test func text() throws {
        #expect(try body(#"\text{ if } x"#) == "<mrow><mtext>\u{A0}if\u{A0}</mtext><mi>x</mi></mrow>")
        #expect(try body(#"\text{a<b}"#) == "<mrow><mtext>a&lt;b</mtext></mrow>")
    }

    @Test func operatorname() throws {
        #expect(try body(#"\operatorname{JSD}(p)"#) == "<mrow><mi>JSD</mi><mo>\u{2061}</mo><mo stretchy=\"false\">(</mo>"
            + "<mi>p</mi><mo stretchy=\"false\">)</mo></mrow>")
        #expect(try body(#"\operatorname*{arg\,max}_\theta"#, display: true)
            == "<mrow><munder><mi>arg\u{2009}max</mi><mi>θ</mi></munder></mrow>")
    }

    @Test func functionsGetApplicationAndThinSpace() throws {
        #expect(try body(#"\log x"#) == "<mrow><mi>log</mi><mo lspace=\"0\" rspace=\"0.1667em\">\u{2061}</mo><mi>x</mi></mrow>")
        #expect(try body(#"\max_{x}"#, display: true) == "<mrow><munder><mi>max</mi><mi>x</mi></munder></mrow>")
        #expect(try body(#"\exp"#) == "<mrow><mi>exp</mi></mrow>")
        // thin space between an ordinary atom and an operator name, as in TeX
        #expect(try body(#"a\log(y)"#) == "<mrow><mi>a</mi><mspace width=\"0.1667em\"></mspace><mi>log</mi><mo>\u{2061}</mo>"
            + "<mo stretchy=\"false\">(</mo><mi>y</mi><mo stretchy=\"false\">)</mo></mrow>")
    }

    @Test func accents() throws {
        #expect(try body(#"\hat{x}"#) == "<mrow><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">ˆ</mo></mover></mrow>")
        #expect(try body(#"\bar{x}"#) == "<mrow><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">¯</mo></mover></mrow>")
        #expect(try body(#"\tilde{x}"#) == "<mrow><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">˜</mo></mover></mrow>")
        #expect(try body(#"\vec{v}"#)
            == "<mrow><mover accent=\"true\"><mi>v</mi><mo stretchy=\"false\" style=\"font-size:0.75em\">→</mo></mover></mrow>")
        #expect(try body(#"\dot{x}"#) == "<mrow><mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">˙</mo></mover></mrow>")
    }

    @Test func alignedUsesCSSAlignment() throws {
        let m = try body(#"\begin{aligned} a &= b \\ c &\le d \end{aligned}"#)
        let r = "text-align:right;text-align:-webkit-right;padding-left:0;padding-right:0"
        let l = "text-align:left;text-align:-webkit-left;padding-left:0;padding-right:0"
        #expect(m == "<mrow><mtable displaystyle=\"true\"><mtr><mtd style=\"\(r)\"><mi>a</mi></mtd><mtd style=\"\(l)\">"
            + "<mi></mi><mo>=</mo><mi>b</mi></mtd></mtr><mtr><mtd style=\"\(r)\"><mi>c</mi></mtd><mtd style=\"\(l)\">"
            + "<mi></mi><mo>≤</mo><mi>d</mi></mtd></mtr></mtable></mrow>")
        #expect(!m.contains("columnalign"))
    }

    @Test func cases() throws {
        let m = try body(#"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}"#)
        #expect(m.hasPrefix("<mrow><mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">{</mo><mtable><mtr>"))
        #expect(m.contains("<mtd style=\"text-align:left;text-align:-webkit-left;padding-left:0;padding-right:1em\"><mn>1</mn></mtd>"))
        #expect(m.contains("<mtext>otherwise</mtext>"))
        #expect(m.components(separatedBy: "<mtr>").count == 3)
    }

    @Test func matrices() throws {
        let c = "text-align:center;text-align:-webkit-center"
        #expect(try body(#"\begin{pmatrix} a & b \end{pmatrix}"#)
            == "<mrow><mrow><mo fence=\"true\" form=\"prefix\" stretchy=\"true\">(</mo><mtable><mtr><mtd style=\"\(c)\"><mi>a</mi></mtd>"
            + "<mtd style=\"\(c)\"><mi>b</mi></mtd></mtr></mtable><mo fence=\"true\" form=\"postfix\" stretchy=\"true\">)</mo></mrow></mrow>")
        let b = try body(#"\begin{bmatrix} 1 \\ 2 \end{bmatrix}"#)
        #expect(b.contains(">[</mo>") && b.contains(">]</mo>") && b.components(separatedBy: "<mtr>").count == 3)
    }

    @Test func greek() throws {
        #expect(try body(#"\alpha\varepsilon\Gamma"#)
            == "<mrow><mi>α</mi><mi>ε</mi><mi mathvariant=\"normal\">Γ</mi></mrow>")
    }

    @Test func operatorsAndRelations() throws {
        #expect(try body(#"\le\ge\ne\approx\sim\in\propto\cdot\times\to\leftarrow\mid"#)
            == "<mrow><mo>≤</mo><mo>≥</mo><mo>≠</mo><mo>≈</mo><mo>∼</mo><mo>∈</mo><mo>∝</mo><mo>⋅</mo><mo>×</mo>"
            + "<mo>→</mo><mo>←</mo><mo>∣</mo></mrow>")
        #expect(try body(#"\infty\partial\nabla"#) == "<mrow><mi>∞</mi><mi>∂</mi><mi>∇</mi></mrow>")
        #expect(try body(#"\lVert x \rVert \| y"#) == "<mrow><mo stretchy=\"false\">‖</mo><mi>x</mi><mo stretchy=\"false\">‖</mo>"
            + "<mo stretchy=\"false\">‖</mo><mi>y</mi></mrow>")
        #expect(try body(#"a < b"#) == "<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>")
    }

    @Test func spacing() throws {
        #expect(try body(#"a\,b\;c\quad d"#) == "<mrow><mi>a</mi><mspace width=\"0.1667em\"></mspace><mi>b</mi>"
            + "<mspace width=\"0.2778em\"></mspace><mi>c</mi><mspace width=\"1em\"></mspace><mi>d</mi></mrow>")
    }

    @Test func displaystyle() throws {
        #expect(try body(#"\displaystyle \sum_i x"#)
            == "<mrow><mrow displaystyle=\"true\" scriptlevel=\"0\"><munder><mo>∑</mo><mi>i</mi></munder><mi>x</mi></mrow></mrow>")
    }

    @Test func wholeElementKeepsEscapedTeX() throws {
        let m = try MathConverter.convert("a < b", display: true)
        #expect(m == "<math display=\"block\"><semantics><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>"
            + "<annotation encoding=\"application/x-tex\">a &lt; b</annotation></semantics></math>")
    }

    @Test func unknownCommandThrowsNamingIt() {
        #expect(throws: MathError.unknownCommand(#"\foo"#)) { try MathConverter.convert(#"x + \foo{y}"#, display: false) }
        #expect(throws: MathError.unknownEnvironment("tabular")) {
            try MathConverter.convert(#"\begin{tabular}x\end{tabular}"#, display: false)
        }
        #expect(throws: MathError.self) { try MathConverter.convert(#"\frac{a}{b"#, display: false) }
    }
}
