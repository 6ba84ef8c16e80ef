import ArgumentParser
import Foundation
import Report

@main
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Stitch the chapters' narratives and run artifacts into self-contained HTML (no training here).",
        subcommands: [Build.self, Audit.self, Diff.self, Math.self],
        defaultSubcommand: Build.self)
}

/// Prints a located error the way compilers do and exits non-zero.
func fail(_ error: Error) -> Never {
    let text = (error as? ReportError)?.description ?? (error as? MathError)?.description ?? "\(error)"
    FileHandle.standardError.write(Data("report: error: \(text)\n".utf8))
    Foundation.exit(1)
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write reports/dissertation.html, reports/<deck>.html for each chapters/<deck>/slides.md, and reports/audit.json.")

    @Option(help: "Project root (holds chapters/, figures/, paper/, reports/).")
    var root: String = "."

    @Option(help: "Output directory (default: <root>/reports).")
    var out: String?

    @Option(name: .customLong("math-font"),
            help: "OpenType/WOFF2 math font to embed (default: Latin Modern Math from fonts-lmodern).")
    var mathFont: String = MathFontEmbed.defaultPath

    @Flag(name: .customLong("no-font"), help: "Do not embed a math font; use the reader's math fonts.")
    var noFont = false

    func run() throws {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let outURL = out.map { URL(fileURLWithPath: $0) } ?? rootURL.appendingPathComponent("reports")
        var font = MathFontEmbed.fallback
        if !noFont {
            font = MathFontEmbed.load(path: mathFont)
            if !font.embedded {
                FileHandle.standardError.write(Data(
                    "report: warning: math font \(mathFont) not found; falling back to the reader's math fonts\n".utf8))
            }
        }
        do {
            let written = try ReportBuilder(root: rootURL, font: font).build(outputDirectory: outURL)
            for u in written {
                let size = (try? FileManager.default.attributesOfItem(atPath: u.path)[.size] as? Int) ?? 0
                print("wrote \(u.path) (\(size / 1024) KB)")
            }
        } catch { fail(error) }
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the audit, write reports/audit.json and print it as Markdown.")

    @Option(help: "Project root.")
    var root: String = "."

    @Flag(help: "Exit with status 1 if any number or claim is 'not reproduced'.")
    var strict = false

    func run() throws {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        do {
            let audit = try ReportBuilder(root: rootURL, font: .fallback).audit()
            let dir = rootURL.appendingPathComponent("reports")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try audit.json().write(to: dir.appendingPathComponent("audit.json"), options: .atomic)
            print(audit.markdown())
            let failed = (audit.summary.numbers["not reproduced"] ?? 0) + (audit.summary.claims["not reproduced"] ?? 0)
            if strict && failed > 0 { throw ExitCode(1) }
        } catch let e as ExitCode { throw e } catch { fail(error) }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs (reports/runs/<chapter> folders) and print the changes as Markdown.")

    @Argument(help: "The first run directory.")
    var runA: String

    @Argument(help: "The second run directory.")
    var runB: String

    @Option(help: "Absolute tolerance for table cells; results.json numbers use their declared tolerance.")
    var tolerance: Double = 0

    @Flag(name: .customLong("fail-on-change"), help: "Exit with status 1 if any change is beyond tolerance.")
    var failOnChange = false

    func run() throws {
        do {
            let r = try RunDiff.compare(URL(fileURLWithPath: runA), URL(fileURLWithPath: runB),
                                        cellTolerance: tolerance)
            print(r.markdown, terminator: "")
            if failOnChange && r.flagged > 0 { throw ExitCode(1) }
        } catch let e as ExitCode { throw e } catch { fail(error) }
    }
}

struct Math: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Convert one LaTeX formula to MathML Core (for checking).")

    @Argument(help: "The LaTeX source.")
    var tex: String

    @Flag(help: "Display style (block).")
    var display = false

    func run() throws {
        do { print(try MathConverter.convert(tex, display: display)) } catch { fail(error) }
    }
}
