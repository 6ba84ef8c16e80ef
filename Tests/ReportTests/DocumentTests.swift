import Artifacts
import Foundation
import Testing
@testable import Report

/// Assets held in memory.
struct MemoryAssets: AssetProvider {
    var ran: Set<String> = []
    var profiles: [String: String] = [:]
    var figures: [String: FigureAsset] = [:]   // "chapter/id"
    var tables: [String: TableAsset] = [:]
    var notProduced: [String: String] = [:]   // "chapter/id" → reason
    func hasRun(chapter: String) -> Bool { ran.contains(chapter) }
    func profile(chapter: String) -> String? { profiles[chapter] }
    func figure(chapter: String, id: String) -> FigureAsset? { figures["\(chapter)/\(id)"] }
    func table(chapter: String, id: String) -> TableAsset? { tables["\(chapter)/\(id)"] }
    func reasonNotProduced(chapter: String, id: String) -> String? { notProduced["\(chapter)/\(id)"] }
}

let bib = Bibliography(entries: [
    "ho2020ddpm": .init(authors: "J. Ho, A. Jain, P. Abbeel", title: "Denoising Diffusion Probabilistic Models",
                        venue: "NeurIPS", year: 2020, note: nil),
    "kingma2015adam": .init(authors: "D. P. Kingma, J. Ba", title: "Adam", venue: "ICLR", year: 2015, note: nil),
])

func render(_ md: String, chapter: String = "1-gpvae", assets: AssetProvider = MemoryAssets()) throws -> String {
    try Pages.dissertation(parts: [NarrativePart(chapter: chapter, file: "chapters/\(chapter)/chapter.md", markdown: md)],
                           manifests: [:], assets: assets, bibliography: bib, audit: nil, font: .fallback)
}

@Suite struct DocumentTests {
    @Test func numberingAndCrossReferences() throws {
        let md = """
        # Chapter title {#sec:top}

        ## First {#sec:first}

        See @fig:b, @tbl:t, @eq:loss and @sec:first; also @fig:a.

        ![A](fig:a)

        ![B](fig:b)

        $$ L = x^2 $$ {#eq:loss}

        [[tbl:t]]
        """
        let html = try render(md)
        #expect(html.contains("<a class=\"xref\" href=\"#fig-b\">Figure 2</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#fig-a\">Figure 1</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#tbl-t\">Table 1</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#eq-loss\">Equation (1)</a>"))
        #expect(html.contains("<a class=\"xref\" href=\"#sec-first\">Section 1.1</a>"))
        #expect(html.contains("<div class=\"equation\" id=\"eq-loss\">"))
        #expect(html.contains("<span class=\"eqno\">(1)</span>"))
        #expect(html.contains("<h2 id=\"sec-first\"><span class=\"secno\">1.1</span> First</h2>"))
        #expect(html.contains("<span class=\"label\">Figure 2.</span> B"))
    }

    @Test func unresolvedReferenceFailsWithFileAndLine() {
        let md = "# T\n\nFine line.\n\nAnother paragraph\nwith a bad @fig:nope here."
        #expect(throws: ReportError(file: "chapters/1-gpvae/chapter.md", line: 6,
                                    message: "unresolved reference @fig:nope")) { try render(md) }
    }

    @Test func unknownMathCommandReportsFileAndLine() {
        let md = "# T\n\n$$ a + \\bogus $$"
        do {
            _ = try render(md)
            Issue.record("expected an error")
        } catch let e as ReportError {
            #expect(e.file == "chapters/1-gpvae/chapter.md")
            #expect(e.line == 3)
            #expect(e.message.contains("\\bogus"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func citationsAndBibliography() throws {
        let html = try render("# T\n\nDiffusion [@ho2020ddpm] with Adam [@kingma2015adam; @ho2020ddpm].")
        #expect(html.contains("<span class=\"cite\">[<a href=\"#ref-ho2020ddpm\">1</a>]</span>"))
        #expect(html.contains("[<a href=\"#ref-kingma2015adam\">2</a>, <a href=\"#ref-ho2020ddpm\">1</a>]"))
        #expect(html.contains("<li id=\"ref-ho2020ddpm\">J. Ho, A. Jain, P. Abbeel (2020). <em>Denoising Diffusion Probabilistic Models</em>. NeurIPS.</li>"))
        #expect(throws: ReportError(file: "chapters/1-gpvae/chapter.md", line: 3, message: "unknown citation key @nobody")) {
            try render("# T\n\nText [@nobody].")
        }
    }

    @Test func missingFigureInRunChapterFailsNamingFileAndLine() {
        let assets = MemoryAssets(ran: ["3-tabddpm"])
        let md = "# T\n\nIntro.\n\n![Caption](fig:absent)\n"
        do {
            _ = try render(md, chapter: "3-tabddpm", assets: assets)
            Issue.record("expected an error")
        } catch let e as ReportError {
            #expect(e.description.hasPrefix("chapters/3-tabddpm/chapter.md:5: figure fig:absent not found"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func aFigureOrTableTheRunSaysItDidNotProduceShowsTheReason() throws {
        var assets = MemoryAssets(ran: ["3-tabddpm"])
        assets.notProduced = ["3-tabddpm/absent": "data set adult was not in --datasets",
                              "3-tabddpm/gone": "data set adult was not in --datasets"]
        let html = try render("# T\n\n![Caption](fig:absent)\n\n[[tbl:gone]] Rows.\n", chapter: "3-tabddpm", assets: assets)
        #expect(html.contains("Figure 1 — not produced by this run of <code>3-tabddpm</code>: data set adult was not in --datasets."))
        #expect(html.contains("Table 1 — not produced by this run of <code>3-tabddpm</code>: data set adult was not in --datasets."))
    }

    @Test func missingTableInRunChapterFailsNamingFileAndLine() {
        let assets = MemoryAssets(ran: ["3-tabddpm"])
        do {
            _ = try render("# T\n\n[[tbl:ml-efficiency]]", chapter: "3-tabddpm", assets: assets)
            Issue.record("expected an error")
        } catch let e as ReportError {
            #expect(e.file == "chapters/3-tabddpm/chapter.md" && e.line == 3)
            #expect(e.message.contains("tbl:ml-efficiency"))
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test func unrunChapterShowsPlaceholderInsteadOfFailing() throws {
        let html = try render("# T\n\n![Caption](fig:absent)\n\n[[tbl:also-absent]]", chapter: "3-tabddpm")
        let placeholder = "not reproduced yet — run <code>make chapter3</code>"
        #expect(html.components(separatedBy: placeholder).count - 1 >= 3) // banner-free: figure, table, title page
        #expect(html.contains("<figure id=\"fig-absent\" class=\"missing\">"))
        #expect(html.contains("<b>Not reproduced yet</b> — run <code>make chapter3</code>"))
    }

    @Test func runArtifactsAreEmbedded() throws {
        var assets = MemoryAssets(ran: ["1-gpvae"])
        assets.figures["1-gpvae/f"] = FigureAsset(mime: "image/png", data: Data([0x89, 0x50, 0x4E, 0x47]))
        assets.tables["1-gpvae/t"] = TableAsset(markdown: "| a | b |\n|---|--:|\n| 1 | 2 |\n", caption: "From JSON")
        let html = try render("# T\n\n![Cap](fig:f)\n\n[[tbl:t]]", assets: assets)
        #expect(html.contains("<img src=\"data:image/png;base64,iVBORw==\" alt=\"Cap\">"))
        #expect(html.contains("<span class=\"label\">Table 1.</span> From JSON"))
        #expect(html.contains("<td style=\"text-align:right\">2</td>"))
    }

    @Test func userStringsAreEscaped() throws {
        var assets = MemoryAssets(ran: ["1-gpvae"])
        assets.figures["1-gpvae/f"] = FigureAsset(mime: "image/png", data: Data([1, 2, 3]))
        assets.tables["1-gpvae/t"] = TableAsset(
            markdown: "| model | <script>alert(1)</script> |\n|---|---|\n| x | <img src=x onerror=alert(2)> |\n",
            caption: "<script>alert(3)</script>")
        let md = "# T <b>\n\n![<script>alert(1)</script>](fig:f)\n\n[[tbl:t]]\n\nA | in text & <i>raw</i> html."
        let html = try render(md, assets: assets)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>"))
        #expect(html.contains("<span class=\"label\">Figure 1.</span> &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<span class=\"label\">Table 1.</span> &lt;script&gt;alert(3)&lt;/script&gt;"))
        #expect(html.contains("in text &amp; &lt;i&gt;raw&lt;/i&gt; html."))
        #expect(html.contains("T &lt;b&gt;</h1>"))
    }

    @Test func outputHasNoScriptAndFetchesNothing() throws {
        let md = """
        # Title {#sec:t}

        Text with a [link](https://example.org) and [bad](javascript:alert(1)), $x^2$, **bold**, *em*, `code`.

        - item $a$
        - item two

        > quote

        | h1 | h2 |
        |----|----|
        | $\\alpha$ | b |

        ```
        code <b>
        ```
        """
        let html = try render(md)
        let talk = try Pages.deck(markdown: "# Slide\n\n---\n\n## Two\n\n$$ x $$", chapter: "talk", file: "slides.md",
                                  manifest: nil, assets: MemoryAssets(), bibliography: bib, font: .fallback)
        for page in [html, talk] {
            #expect(!page.lowercased().contains("<script"))
            #expect(page.range(of: #"(src|srcset|poster|data)\s*=\s*"?https?:"#, options: .regularExpression) == nil)
            #expect(page.range(of: #"url\(\s*['"]?https?:"#, options: .regularExpression) == nil)
            #expect(page.range(of: #"@import"#, options: .regularExpression) == nil)
            #expect(!page.contains("<link"))
            #expect(!page.lowercased().contains("href=\"javascript:"))
        }
        #expect(html.contains("<a href=\"https://example.org\">link</a>"))
        #expect(html.contains("<strong>bold</strong>") && html.contains("<em>em</em>") && html.contains("<code>code</code>"))
        #expect(html.contains("<pre><code>code &lt;b&gt;</code></pre>"))
        #expect(html.contains("<blockquote><p>quote</p></blockquote>"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("prefers-color-scheme: dark"))
        #expect(talk.contains("@page { size: 1280px 720px"))
    }

    @Test func markdownEdgeCases() throws {
        let html = try render("# T\n\nsnake_case_name and 2*3*4 and \\$5 and $a*b$ *x*\n\n1. one\n2. two\n   continued\n")
        #expect(html.contains("snake_case_name"))
        #expect(html.contains("\\$5") == false && html.contains("$5"))
        #expect(html.contains("<em>x</em>"))
        #expect(html.contains("<ol><li>one</li><li>two\ncontinued</li></ol>"))
    }
}

@Suite struct TalkTests {
    @Test func slidesSplitAndFooter() throws {
        let md = "# Title\n\n---\n\n## GAN {#sec:gan}\n\nSee @sec:gan and @eq:d.\n\n$$ D^* = \\frac{p}{p+q} $$ {#eq:d}\n\n---\n\n```\n---\n```\n"
        let slides = Pages.splitSlides(md)
        #expect(slides.count == 3)
        #expect(slides[1].firstLine == 4)
        let manifest = sampleManifest(chapter: "talk", seeds: ["train": [0], "sample": [0, 1, 2, 3]])
        let html = try Pages.deck(markdown: md, chapter: "talk", file: "chapters/talk/slides.md", manifest: manifest,
                                  assets: MemoryAssets(ran: ["talk"]), bibliography: bib, font: .fallback)
        #expect(html.components(separatedBy: "<section class=\"slide").count - 1 == 3)
        #expect(html.contains("seed sample 0–3; train 0 · config abcdef012345 · kit 0.1.0 · commit 0123456"))
        #expect(html.contains("<title>Title</title>"))
        #expect(html.contains("<a class=\"xref\" href=\"#sec-gan\">Slide 2</a>"))
        #expect(html.contains("Equation (1)"))
        let unrun = try Pages.deck(markdown: md, chapter: "talk", file: "s.md", manifest: nil, assets: MemoryAssets(),
                                   bibliography: bib, font: .fallback)
        #expect(unrun.contains("not reproduced yet — run <code>make talk</code>"))
        #expect(!unrun.contains("config "))
    }

    @Test func speakerNotesAreHiddenOnScreenAndPrintedInTheHandout() throws {
        let md = "# Title\n\n---\n\n## GAN\n\nOn the slide.\n\n???\n\nSay $a/(a+b)$ out loud.\n\n---\n\n## No notes\n\nText.\n"
        let deck = try Pages.deck(markdown: md, chapter: "talk", file: "s.md", manifest: nil, assets: MemoryAssets(),
                                  bibliography: bib, font: .fallback)
        #expect(deck.components(separatedBy: "<section class=\"slide").count - 1 == 3)
        #expect(deck.components(separatedBy: "<aside class=\"notes\">").count - 1 == 1)
        let slide = try #require(deck.range(of: "id=\"slide-2\"").map { String(deck[$0.lowerBound...]) })
        let body = String(slide[..<slide.range(of: "</section>")!.lowerBound])
        #expect(body.contains("On the slide.") && !body.contains("out loud"), "notes stay off the slide")
        #expect(slide.contains("<aside class=\"notes\"><p>Say <math"))
        #expect(deck.contains("aside.notes { display: none; }"))
        #expect(deck.contains("scroll-snap-type: y mandatory") && deck.contains("animation-timeline: scroll(root block)"))
        #expect(deck.contains("style=\"--slides: 3\"") && deck.contains("@page { size: 1280px 720px"))
        #expect(!deck.contains("<script"))
        let handout = try Pages.deck(markdown: md, chapter: "talk", file: "s.md", manifest: nil, assets: MemoryAssets(),
                                     bibliography: bib, font: .fallback, handout: true)
        #expect(handout.contains("<body class=\"handout\"") && handout.contains("@page { size: A4"))
        #expect(handout.contains("body.handout aside.notes { display: block;"))
        #expect(!handout.contains("@page { size: 1280px 720px"))
    }
}
