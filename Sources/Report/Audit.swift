import Artifacts
import Foundation

/// A verdict on one paper number or claim. Raw values are the words the report prints.
public enum Verdict: String, Codable, CaseIterable, Sendable {
    case reproduced = "reproduced"
    case withinTolerance = "within tolerance"
    case notReproduced = "not reproduced"
    case differentData = "different data/metric"
    case notAttempted = "not attempted"
    case notReproducedYet = "not reproduced yet"

    var symbol: String {
        switch self {
        case .reproduced: return "✔"
        case .withinTolerance: return "≈"
        case .notReproduced: return "✘"
        case .differentData: return "⚠"
        case .notAttempted: return "⊘"
        case .notReproducedYet: return "…"
        }
    }
    var cssClass: String {
        switch self {
        case .reproduced: return "v-ok"
        case .withinTolerance: return "v-near"
        case .notReproduced: return "v-fail"
        case .differentData: return "v-diff"
        case .notAttempted: return "v-skip"
        case .notReproducedYet: return "v-yet"
        }
    }
}

/// One number printed in the paper (one cell of `paper/*.csv`).
public struct PaperNumber: Sendable {
    public var table: String
    /// Key columns in CSV order, e.g. [("model","TabDDPM"), ("dataset_code","AD"), ("dataset","adult")].
    public var key: [(String, String)]
    public var metric: String
    public var mean: Double
    public var std: Double?
    public var printedMean: String
    public var printedStd: String?

    public var printed: String { printedStd.map { "\(printedMean) ± \($0)" } ?? printedMean }
    public var keyText: String { (key.map(\.1) + [metric]).joined(separator: " · ") }
    /// Decimal places as printed (for formatting our numbers alike).
    var decimals: Int { printedMean.split(separator: ".").dropFirst().first?.count ?? 0 }

    /// Does a run's `key` (a subset of the columns) select this row?
    func matches(key other: [String: String], metric m: String) -> Bool {
        guard m.lowercased() == metric.lowercased() else { return false }
        let mine = Dictionary(key, uniquingKeysWith: { a, _ in a })
        return other.allSatisfy { k, v in mine[k] == v }
    }
}

/// The paper's tables, read from `paper/table*.csv`.
public enum PaperTables {
    /// The dissertation's table number of a paper CSV (`table4_ml_efficiency_catboost` → 4).
    public static func number(ofTable table: String) -> Int? {
        guard table.hasPrefix("table") else { return nil }
        return Int(table.dropFirst(5).prefix { $0.isNumber })
    }

    /// Every number in one CSV. Wide tables (`x_mean`, `x_std` columns) give metric `x`; long tables
    /// (`metric`, `mean`, `std` columns) take the metric from the `metric` column. Blank cells are skipped.
    /// - Parameter file: the CSV's path for errors (`paper/<table>.csv`).
    public static func numbers(csv: String, table: String, file: String) throws -> [PaperNumber] {
        let document: CSVDocument
        do {
            document = try CSVDocument.parse(csv)
        } catch let .malformed(line, column, columnName, reason) {
            let place = column.map { "column \($0)" + (columnName.map { " (\($0))" } ?? "") + ": " } ?? ""
            throw ReportError(file: file, line: line, message: place + reason)
        } catch {
            throw ReportError(file: file, line: 0, message: error.description)
        }
        let header = document.header
        var out: [PaperNumber] = []
        let long = header.contains("mean")
        let valueColumns = Set(header.filter {
            $0 == "mean" || $0 == "std" || $0 == "metric" || $0.hasSuffix("_mean") || $0.hasSuffix("_std")
        })
        let keyColumns = header.enumerated().filter { !valueColumns.contains($0.element) }
        for row in document.rows {
            let cell = { (name: String) -> String? in
                guard let i = header.firstIndex(of: name) else { return nil }
                let v = row[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            let key = keyColumns.map { ($0.element, row[$0.offset]) }
            var metrics: [(String, String, String)] = [] // (metric, meanColumn, stdColumn)
            if long {
                metrics = [(cell("metric") ?? table, "mean", "std")]
            } else {
                for h in header where h.hasSuffix("_mean") {
                    let m = String(h.dropLast(5))
                    metrics.append((m, h, m + "_std"))
                }
            }
            for (metric, meanColumn, stdColumn) in metrics {
                guard let pm = cell(meanColumn), let mean = Double(pm) else { continue }
                let ps = cell(stdColumn)
                out.append(PaperNumber(table: table, key: key, metric: metric, mean: mean,
                                       std: ps.flatMap(Double.init), printedMean: pm, printedStd: ps))
            }
        }
        return out
    }
}

/// A claim from `paper/claims.md` (`- C1.1 text`), with the chapter folder it belongs to.
public struct Claim: Sendable {
    public var id: String
    public var text: String
    public var chapter: String
}

/// `paper/claims.md`: the claims, and which chapter reproduces which of the paper's numbered tables. Both come from
/// the file and the chapter folders, never from names typed into the report:
/// - a claim `C3.2` belongs to the chapter whose folder number is 3; a letter prefix (`T.1`) to the one deck whose
///   folder name starts with that letter;
/// - a heading `## Chapter 3 — TabDDPM (Tables 4–5, Figures 7–8)` says that paper Tables 4 and 5
///   (`paper/table4_*.csv`, `paper/table5_*.csv`) belong to the chapter numbered 3.
public struct ClaimsFile: Sendable {
    public var claims: [Claim]
    /// Paper table number → chapter folder name.
    public var tableChapters: [Int: String]

    public init(claims: [Claim] = [], tableChapters: [Int: String] = [:]) {
        self.claims = claims
        self.tableChapters = tableChapters
    }

    /// A claim whose chapter folder does not exist is an error naming the line.
    public static func parse(_ markdown: String, file: String, chapters: ChapterIndex) throws -> ClaimsFile {
        var result = ClaimsFile()
        var lineNumber = 0
        var failure: ReportError?
        markdown.enumerateLines { line, stop in
            lineNumber += 1
            if let heading = Rx.match(#"^#{1,6}\s+Chapter\s+(\d+)\b(.*)$"#, line),
               let number = Int(heading[1]!), let folder = chapters.chapter(numbered: number) {
                for table in tableNumbers(in: heading[2]!) { result.tableChapters[table] = folder.name }
            }
            guard let m = Rx.match(#"^\s*[-*]\s+((?:C\d+|[A-Z])\.\d+)\s+(.*)$"#, line) else { return }
            let id = m[1]!
            guard let folder = chapters.folder(ofClaim: id) else {
                failure = ReportError(file: file, line: lineNumber, message:
                    "claim \(id) belongs to no chapter folder (C<n>.x needs chapters/<n>-name/chapter.md; a letter "
                    + "prefix needs exactly one deck chapters/<name>/slides.md whose name starts with it)")
                stop = true
                return
            }
            result.claims.append(Claim(id: id, text: m[2]!, chapter: folder.name))
        }
        if let failure { throw failure }
        return result
    }

    /// `Table 1, Table 2` → [1, 2]; `Tables 4–5` → [4, 5].
    static func tableNumbers(in text: String) -> [Int] {
        let regex = Rx.re(#"Tables?\s+(\d+)(?:\s*[–-]\s*(\d+))?"#)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).flatMap { m -> [Int] in
            let first = Int(ns.substring(with: m.range(at: 1)))!
            let last = m.range(at: 2).location == NSNotFound ? first : Int(ns.substring(with: m.range(at: 2)))!
            return first <= last ? Array(first ... last) : [first]
        }
    }
}

/// One row of the audit: a paper number beside ours.
public struct AuditRow: Codable, Sendable {
    public var paperTable: String
    public var chapter: String
    public var key: [String: String]
    public var label: String
    public var metric: String
    public var paper: String
    public var paperMean: Double
    public var paperStd: Double?
    public var ours: String?
    public var oursMean: Double?
    public var oursStd: Double?
    public var n: Int?
    public var nCovers: String?
    public var delta: Double?
    public var tolerance: String
    public var verdict: Verdict
    public var reason: String?
    public var dataNote: String?
    public var deviation: String?
}

public struct ClaimRow: Codable, Sendable {
    public var id: String
    public var chapter: String
    public var claim: String
    public var verdict: Verdict
    public var evidence: String?
}

/// The audit page's content, also written as `reports/audit.json`.
public struct Audit: Codable, Sendable {
    public struct Counts: Codable, Sendable {
        public var numbers: [String: Int]
        public var claims: [String: Int]
    }
    public var summary: Counts
    public var numbers: [AuditRow]
    public var claims: [ClaimRow]
    /// Run numbers whose paperTable/key/metric match no paper cell (a bug in the run, shown on the page).
    public var unmatched: [String]

    /// Verdict of one paper number, exactly as docs/artifacts.md defines it.
    /// Δ = ours − paper; reproduced if |Δ| ≤ 2·max(paperStd, std); else within tolerance if |Δ| ≤ tolerance;
    /// else not reproduced; a `dataNote` makes it different data/metric; no entry → not attempted (with the
    /// chapter's reason) or, when the chapter has not run, not reproduced yet.
    public static func verdict(paperMean: Double, paperStd: Double?, result: ReproducedNumber?,
                               chapterHasRun: Bool) -> Verdict {
        guard let r = result else { return chapterHasRun ? .notAttempted : .notReproducedYet }
        if let note = r.dataNote, !note.isEmpty { return .differentData }
        let delta = abs(r.mean - paperMean)
        // 1e-9 absorbs binary rounding of decimal inputs (0.79 − 0.78 vs 0.01); it is not a tolerance.
        let eps = 1e-9
        if delta <= 2 * max(paperStd ?? 0, r.std) + eps { return .reproduced }
        if delta <= r.tolerance.absolute + eps { return .withinTolerance }
        return .notReproduced
    }

    /// - Parameters:
    ///   - runs: each run's `results.json`, by chapter folder name.
    ///   - ranChapters: the chapters with a run directory (a chapter that ran but wrote no result for a paper
    ///     number has "not attempted" it).
    ///   - tableChapters: paper table number → chapter folder, from `paper/claims.md`. A table it does not list
    ///     belongs to the run that reports on it, else to no chapter.
    public static func compute(paper: [PaperNumber], claims: [Claim], runs: [String: Results],
                               ranChapters: Set<String>, tableChapters: [Int: String] = [:]) throws -> Audit {
        var rows: [AuditRow] = []
        var used = Set<String>()
        let allNumbers = runs.keys.sorted().flatMap { ch in
            runs[ch]!.numbers.enumerated().map { (id: "\(ch)#\($0.offset)", chapter: ch, n: $0.element) }
        }
        let allNotAttempted = runs.keys.sorted().flatMap { runs[$0]!.notAttempted }
        func chapter(ofTable table: String) -> String? {
            if let number = PaperTables.number(ofTable: table), let chapter = tableChapters[number] { return chapter }
            return runs.keys.sorted().first { ch in
                runs[ch]!.numbers.contains { $0.paperTable == table } || runs[ch]!.notAttempted.contains { $0.paperTable == table }
            }
        }
        for p in paper {
            let chapter = chapter(ofTable: p.table)
            let hit = allNumbers.first {
                !used.contains($0.id) && $0.n.paperTable == p.table && p.matches(key: $0.n.key, metric: $0.n.metric)
            }
            if let hit { used.insert(hit.id) }
            let r = hit?.n
            let ran = chapter.map(ranChapters.contains) ?? false
            let v = verdict(paperMean: p.mean, paperStd: p.std, result: r, chapterHasRun: ran)
            var reason: String? = nil
            if v == .notAttempted {
                reason = allNotAttempted.first {
                    $0.paperTable == p.table && p.matches(key: $0.key, metric: p.metric)
                }?.reason ?? "no result and no reason given by the \(chapter ?? "") run"
            } else if v == .notReproducedYet {
                reason = chapter.map { "chapter \($0) has not been run: \(makeTarget(forChapter: $0))" }
                    ?? "no chapter reproduces \(p.table) (paper/claims.md lists it under no chapter heading)"
            }
            let d = max(p.decimals, 3)
            func f(_ x: Double) -> String { String(format: "%.\(d)f", x) }
            let ours = r.map { f($0.mean) + " ± " + f($0.std) }
            let twoSigma = 2 * max(p.std ?? 0, r?.std ?? 0)
            var tol = "reproduced if |Δ| ≤ 2·max(paper ±, ours ±)"
            if let t = r?.tolerance {
                tol += " = \(f(twoSigma)); within tolerance if |Δ| ≤ \(formatNumber(t.absolute))"
                if !t.rule.isEmpty { tol += " (\(t.rule))" }
            }
            rows.append(AuditRow(
                paperTable: p.table, chapter: chapter ?? "unknown",
                key: Dictionary(p.key, uniquingKeysWith: { a, _ in a }),
                label: p.keyText, metric: p.metric, paper: p.printed, paperMean: p.mean, paperStd: p.std,
                ours: ours, oursMean: r?.mean, oursStd: r?.std, n: r?.n, nCovers: r?.nCovers,
                delta: r.map { $0.mean - p.mean }, tolerance: tol, verdict: v, reason: reason,
                dataNote: r?.dataNote, deviation: r?.deviation))
        }
        let unmatched = allNumbers.filter { !used.contains($0.id) }.map {
            "\($0.chapter): \($0.n.paperTable) \($0.n.key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) \($0.n.metric) = \(formatNumber($0.n.mean))"
        }

        var claimRows: [ClaimRow] = []
        for c in claims {
            let given = runs.keys.sorted().flatMap { runs[$0]!.claims }.first { $0.id == c.id }
            var v = Verdict.notReproducedYet
            if let given {
                guard let parsed = Verdict(rawValue: given.verdict) else {
                    throw ReportError(file: "reports/runs/\(c.chapter)/results.json", line: 0, message:
                        "claim \(c.id): unknown verdict \"\(given.verdict)\" (expected one of \(Verdict.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                v = parsed
            }
            claimRows.append(ClaimRow(id: c.id, chapter: c.chapter, claim: c.text, verdict: v,
                                      evidence: given?.evidence))
        }
        func count<T>(_ xs: [T], _ f: (T) -> Verdict) -> [String: Int] {
            var d: [String: Int] = [:]
            for v in Verdict.allCases { d[v.rawValue] = 0 }
            for x in xs { d[f(x).rawValue, default: 0] += 1 }
            return d
        }
        return Audit(summary: Counts(numbers: count(rows, \.verdict), claims: count(claimRows, \.verdict)),
                     numbers: rows, claims: claimRows, unmatched: unmatched)
    }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    // MARK: rendering

    private func formatDelta(_ row: AuditRow) -> String {
        guard let d = row.delta else { return "" }
        let decimals = max(row.paper.split(separator: " ").first?.split(separator: ".").dropFirst().first?.count ?? 0, 3)
        return (d >= 0 ? "+" : "−") + String(format: "%.\(decimals)f", abs(d))
    }

    private func summaryHTML(_ counts: [String: Int], what: String) -> String {
        var out = "<div class=\"audit-summary\"><span class=\"what\">\(what)</span>"
        for v in Verdict.allCases {
            out += "<span class=\"pill \(v.cssClass)\">\(v.symbol) \(v.rawValue): <b>\(counts[v.rawValue] ?? 0)</b></span>"
        }
        return out + "</div>"
    }

    public func summaryHTML() -> String {
        summaryHTML(summary.numbers, what: "Numbers (\(numbers.count))")
            + summaryHTML(summary.claims, what: "Claims (\(claims.count))")
    }

    /// The audit page: summary counts, then one table per paper table, then the claims.
    public func html() -> String {
        var out = summaryHTML()
        out += "<p class=\"audit-rule\">Δ = ours − paper. <b>reproduced</b>: |Δ| ≤ 2·max(paper ±, ours ±); "
            + "<b>within tolerance</b>: otherwise |Δ| ≤ the absolute tolerance the run declared before running; "
            + "<b>not reproduced</b>: otherwise; <b>different data/metric</b>: the run used stand-in data or another "
            + "metric (Δ still shown); <b>not attempted</b>: the run gives a reason; <b>not reproduced yet</b>: the "
            + "chapter has not been run. Verdicts are computed by the report, never typed in.</p>"
        if !unmatched.isEmpty {
            out += "<div class=\"warning\"><b>Run numbers that match no paper cell</b> (check paperTable/key/metric):<ul>"
                + unmatched.map { "<li>\(HTML.text($0))</li>" }.joined() + "</ul></div>"
        }
        var tables: [String] = []
        for r in numbers where !tables.contains(r.paperTable) { tables.append(r.paperTable) }
        for t in tables {
            let rows = numbers.filter { $0.paperTable == t }
            out += "<h3 class=\"audit-table\">\(HTML.text(t)) <span class=\"muted\">— \(HTML.text(rows.first?.chapter ?? ""))</span></h3>"
            // A table whose chapter has not run: say it once instead of on every row.
            let allYet = rows.allSatisfy { $0.verdict == .notReproducedYet }
            if allYet, let ch = rows.first?.chapter {
                out += "<p class=\"placeholder\">\(notReproducedYetHTML(chapter: ch))</p>"
            }
            out += "<div class=\"table-wrap\"><table class=\"audit\"><thead><tr><th>row · metric</th><th>paper</th>"
                + "<th>ours (n: what n covers)</th><th>Δ</th><th>tolerance rule</th><th>verdict</th></tr></thead><tbody>"
            for r in rows {
                var ours = r.ours.map(HTML.text) ?? "—"
                if let n = r.n { ours += "<br><span class=\"muted\">n = \(n)\(r.nCovers.map { ": " + HTML.text($0) } ?? "")</span>" }
                if let d = r.deviation, !d.isEmpty { ours += "<br><span class=\"muted\">deviation: \(HTML.text(d))</span>" }
                var verdict = "<span class=\"pill \(r.verdict.cssClass)\">\(r.verdict.symbol) \(HTML.text(r.verdict.rawValue))</span>"
                if let why = r.reason, !allYet { verdict += "<br><span class=\"muted\">\(HTML.text(why))</span>" }
                if let note = r.dataNote { verdict += "<br><span class=\"muted\">\(HTML.text(note))</span>" }
                let tol = r.ours == nil ? "<span class=\"muted\">—</span>" : HTML.text(r.tolerance)
                out += "<tr><td>\(HTML.text(r.label))</td><td class=\"num\">\(HTML.text(r.paper))</td>"
                    + "<td class=\"num\">\(ours)</td><td class=\"num\">\(HTML.text(formatDelta(r)))</td>"
                    + "<td class=\"small\">\(tol)</td><td>\(verdict)</td></tr>"
            }
            out += "</tbody></table></div>"
        }
        out += "<h3 class=\"audit-table\">Claims</h3><div class=\"table-wrap\"><table class=\"audit\"><thead><tr>"
            + "<th>id</th><th>claim</th><th>verdict</th><th>evidence</th></tr></thead><tbody>"
        for c in claims {
            out += "<tr><td>\(HTML.text(c.id))</td><td>\(HTML.text(c.claim))</td>"
                + "<td><span class=\"pill \(c.verdict.cssClass)\">\(c.verdict.symbol) \(HTML.text(c.verdict.rawValue))</span></td>"
                + "<td>\(c.evidence.map(HTML.text) ?? (c.verdict == .notReproducedYet ? "run <code>\(HTML.text(makeTarget(forChapter: c.chapter)))</code>" : ""))</td></tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// The audit as Markdown (for `report audit` on the terminal).
    public func markdown() -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var out = "# Audit\n\n| | numbers | claims |\n|---|---:|---:|\n"
        for v in Verdict.allCases {
            out += "| \(v.symbol) \(v.rawValue) | \(summary.numbers[v.rawValue] ?? 0) | \(summary.claims[v.rawValue] ?? 0) |\n"
        }
        out += "\n| table | row · metric | paper | ours | n | Δ | verdict |\n|---|---|---:|---:|---:|---:|---|\n"
        for r in numbers {
            out += "| \(cell(r.paperTable)) | \(cell(r.label)) | \(cell(r.paper)) | \(cell(r.ours ?? "—")) | "
                + "\(r.n.map(String.init) ?? "") | \(formatDelta(r)) | \(cell(r.verdict.rawValue + (r.reason.map { " (\($0))" } ?? ""))) |\n"
        }
        out += "\n| claim | verdict | evidence |\n|---|---|---|\n"
        for c in claims { out += "| \(c.id) | \(c.verdict.rawValue) | \(cell(c.evidence ?? "")) |\n" }
        if !unmatched.isEmpty { out += "\nUnmatched run numbers:\n" + unmatched.map { "- \($0)\n" }.joined() }
        return out
    }
}
