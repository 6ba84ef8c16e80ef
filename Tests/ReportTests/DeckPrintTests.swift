import Foundation
import Testing
@testable import Report

/// The talk's deck printed by headless Chromium, as `make pdf` prints it: one page per slide, no slide whose text
/// runs past its bottom edge, and a handout of two slides per page. Built from the real `slides.md` without a run
/// (figures are placeholders), so it checks the layout, not the numbers.
@Suite struct DeckPrintTests {
    static let browser = ["chromium-headless-shell", "chromium"].lazy.compactMap { name -> String? in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func deck(handout: Bool) throws -> (html: String, slides: Int) {
        let file = "chapters/talk/slides.md"
        let markdown = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
        let references = try Data(contentsOf: Self.root.appendingPathComponent("chapters/references.json"))
        let html = try Pages.deck(markdown: markdown, chapter: "talk", file: file, manifest: nil, assets: MemoryAssets(),
                                  bibliography: try Bibliography.load(references, file: "chapters/references.json"),
                                  font: .fallback, handout: handout)
        return (html, html.components(separatedBy: "<section class=\"slide").count - 1)
    }

    /// Runs the browser headless with its profile in `directory`; returns standard output.
    func chromium(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.browser!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                             "--user-data-dir=\(directory.appendingPathComponent("profile").path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Pages of a PDF Chromium wrote (its page objects are uncompressed `/Type /Page` dictionaries).
    func pageCount(_ url: URL) throws -> Int {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        return text.components(separatedBy: "/Type /Page").count - text.components(separatedBy: "/Type /Pages").count
    }

    @Test(.enabled(if: browser != nil, "chromium-headless-shell not found: scripts/setup.sh chromium-headless-shell installs it"))
    func theDeckPrintsOneSlidePerPageAndTheHandoutTwo() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (html, slides) = try deck(handout: false)
        #expect(slides > 20)
        let page = directory.appendingPathComponent("talk.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let pdf = directory.appendingPathComponent("talk.pdf")
        _ = try chromium(["--print-to-pdf=\(pdf.path)", page.absoluteString], in: directory)
        #expect(try pageCount(pdf) == slides)

        let (handoutHTML, _) = try deck(handout: true)
        let handout = directory.appendingPathComponent("talk-handout.html")
        try handoutHTML.write(to: handout, atomically: true, encoding: .utf8)
        let handoutPDF = directory.appendingPathComponent("talk-handout.pdf")
        _ = try chromium(["--print-to-pdf=\(handoutPDF.path)", handout.absoluteString], in: directory)
        #expect(try pageCount(handoutPDF) == (slides + 1) / 2)
    }

    /// Runs a test-only copy of `html` with a script that lists the elements matching `selector` whose content is
    /// taller than they are; returns the list ("none" when there is none) and how many were checked.
    func overflowing(_ selector: String, in html: String, window: String, directory: URL) throws -> (list: String?, checked: String?) {
        let probe = """
            <script>
            const boxes = [...document.querySelectorAll('\(selector)')];
            const over = boxes.map((b, i) => [i + 1, b.scrollHeight - b.clientHeight]).filter(x => x[1] > 1).map(x => x.join(':'));
            document.body.setAttribute('data-checked', String(boxes.length));
            document.body.setAttribute('data-overflowing', over.join(' ') || 'none');
            </script>
            </body>
            """
        let page = directory.appendingPathComponent("probe.html")
        try html.replacingOccurrences(of: "</body>", with: probe).write(to: page, atomically: true, encoding: .utf8)
        let dom = try chromium(["--window-size=\(window)", "--virtual-time-budget=2000", "--dump-dom", page.absoluteString],
                               in: directory)
        func attribute(_ name: String) -> String? {
            dom.range(of: name + #"="[^"]*""#, options: .regularExpression).map { String(dom[$0].dropFirst(name.count + 2).dropLast()) }
        }
        return (attribute("data-overflowing"), attribute("data-checked"))
    }

    /// Slides at 1280 × 720; handout items (slide and notes) at the printed A4 text width, 186 mm ≈ 703 px.
    @Test(.enabled(if: browser != nil, "chromium-headless-shell not found: scripts/setup.sh chromium-headless-shell installs it"))
    func nothingOverflowsOnASlideOrInTheHandout() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (html, slides) = try deck(handout: false)
        let deck = try overflowing(".slide-body", in: html, window: "1280,720", directory: directory)
        #expect(deck.checked == "\(slides)", "the probe ran over every slide")
        #expect(deck.list == "none", "slides (number:pixels) running past their bottom edge")
        let handout = try overflowing(".slide-frame", in: try self.deck(handout: true).html, window: "703,1000",
                                      directory: directory)
        #expect(handout.checked == "\(slides)")
        #expect(handout.list == "none", "handout items (number:pixels) whose notes are cut off")
    }
}
