import Artifacts
import Foundation

/// `report diff <runA> <runB>`: what changed between two runs of a chapter (`reports/runs/<chapter>` folders),
/// as Markdown. Numbers of `results.json` are matched by paperTable + key + metric and flagged when |Δ| exceeds
/// the run's declared absolute tolerance; table cells of `tables/*.json` are matched by path and
/// flagged when |Δ| exceeds `cellTolerance`.
public enum RunDiff {
    public struct Change: Sendable {
        public var item: String
        public var a: Double?
        public var b: Double?
        public var tolerance: Double?
        public var flagged: Bool
        public var delta: Double? { (a != nil && b != nil) ? b! - a! : nil }
    }

    public struct Result: Sendable {
        public var markdown: String
        public var flagged: Int
        public var changes: [Change]
    }

    /// Numeric leaves of a JSON table, with readable paths. Rows that are objects are named by their string
    /// fields ("TabDDPM/AD"); rows that are arrays use the sibling `columns`/`header` names.
    public static func flatten(_ v: JSONValue, path: String = "", columns: [String]? = nil) -> [(String, Double)] {
        func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : "\(a).\(b)" }
        switch v {
        case .integer(let i): return [(path, Double(i))]
        case .number(let d): return [(path, d)]
        case .string(let s):
            // "0.79 ± 0.01" → 0.79
            if let m = Rx.match(#"^\s*([-+−]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:±.*)?$"#, s),
               let d = Double(m[1]!.replacingOccurrences(of: "−", with: "-")) {
                return [(path, d)]
            }
            return []
        case .object(let o):
            let cols = (o["columns"] ?? o["header"])?.array?.compactMap { $0.string ?? $0["name"]?.string }
            return o.keys.sorted().flatMap { k in flatten(o[k]!, path: join(path, k), columns: cols) }
        case .array(let a):
            var out: [(String, Double)] = []
            var seen: [String: Int] = [:]
            for (i, e) in a.enumerated() {
                var name = "[\(i)]"
                var cols: [String]? = nil
                switch e {
                case .object(let o):
                    let labels = o.keys.sorted().compactMap { k -> String? in
                        guard let s = o[k]?.string, flatten(.string(s)).isEmpty else { return nil }
                        return s
                    }
                    if !labels.isEmpty { name = "[" + labels.joined(separator: "/") + "]" }
                case .array(let cells):
                    cols = columns
                    let labels = cells.compactMap { c -> String? in
                        guard let s = c.string, flatten(.string(s)).isEmpty else { return nil }
                        return s
                    }
                    if !labels.isEmpty { name = "[" + labels.joined(separator: "/") + "]" }
                default: break
                }
                seen[name, default: 0] += 1
                if seen[name]! > 1 { name += "#\(seen[name]!)" }
                if case .array(let cells) = e, let cols {
                    for (j, c) in cells.enumerated() {
                        let col = j < cols.count ? cols[j] : "[\(j)]"
                        out += flatten(c, path: path + name + "." + col)
                    }
                } else {
                    out += flatten(e, path: path + name)
                }
            }
            return out
        default: return []
        }
    }

    /// A contract file of a run, nil when absent.
    static func read<File: ArtifactFile>(_ type: File.Type, _ url: URL) throws -> File? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try File.read(from: url)
        } catch let error as ArtifactError {
            throw ReportError(file: url.path, line: 0, message: reportMessage(error))
        }
    }

    static func load(_ url: URL) throws -> JSONValue? {
        guard let d = try? Data(contentsOf: url) else { return nil }
        do { return try JSONValue.load(d) } catch {
            throw ReportError(file: url.path, line: 0, message: "invalid JSON: \(error)")
        }
    }

    public static func compare(_ runA: URL, _ runB: URL, cellTolerance: Double = 0) throws -> Result {
        let fm = FileManager.default
        for u in [runA, runB] where !fm.fileExists(atPath: u.path) {
            throw ReportError(file: u.path, line: 0, message: "no such run directory")
        }
        var md = "# Run diff\n\nA: `\(runA.path)`  \nB: `\(runB.path)`\n\n"
        var all: [Change] = []

        // Provenance.
        let ma = try read(Manifest.self, runA.appendingPathComponent("manifest.json"))
        let mb = try read(Manifest.self, runB.appendingPathComponent("manifest.json"))
        var prov: [(String, String, String)] = []
        for (name, get) in [("git commit", { (m: Manifest) in m.git.commit }),
                            ("dirty", { $0.git.dirty.map(String.init) ?? "unknown" }),
                            ("config hash", \.configHash), ("profile", \.profile), ("kit version", \.kitVersion),
                            ("seeds", { Pages.seedsText($0.seeds) }), ("swift", \.swift)]
            as [(String, (Manifest) -> String)] {
            let a = ma.map(get) ?? "—", b = mb.map(get) ?? "—"
            if a != b { prov.append((name, a, b)) }
        }
        md += "## Provenance\n\n"
        if prov.isEmpty { md += "No differences in commit, config hash, profile, kit version, seeds or toolchain.\n\n" } else {
            md += "| field | A | B |\n|---|---|---|\n"
            for p in prov { md += "| \(cell(p.0)) | \(cell(p.1)) | \(cell(p.2)) |\n" }
            md += "\n"
        }

        // results.json numbers.
        let ra = try read(Results.self, runA.appendingPathComponent("results.json"))
        let rb = try read(Results.self, runB.appendingPathComponent("results.json"))
        func key(_ n: ReproducedNumber) -> String {
            "\(n.paperTable) " + n.key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",") + " \(n.metric)"
        }
        var numbers: [Change] = []
        let na = Dictionary((ra?.numbers ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let nb = Dictionary((rb?.numbers ?? []).map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        for k in Set(na.keys).union(nb.keys).sorted() {
            let a = na[k], b = nb[k]
            let tol = b?.tolerance.absolute ?? a?.tolerance.absolute ?? 0
            var c = Change(item: k, a: a?.mean, b: b?.mean, tolerance: tol, flagged: false)
            if let d = c.delta { c.flagged = abs(d) > tol + 1e-12 } else { c.flagged = true }
            if c.a != c.b { numbers.append(c) }
        }
        md += "## results.json numbers\n\n"
        md += table(numbers, empty: ra == nil && rb == nil ? "Neither run has results.json.\n" : "No number changed.\n")
        all += numbers

        // Claims.
        let ca = Dictionary((ra?.claims ?? []).map { ($0.id, $0.verdict) }, uniquingKeysWith: { a, _ in a })
        let cb = Dictionary((rb?.claims ?? []).map { ($0.id, $0.verdict) }, uniquingKeysWith: { a, _ in a })
        let claimChanges = Set(ca.keys).union(cb.keys).sorted().filter { ca[$0] != cb[$0] }
        if !claimChanges.isEmpty {
            md += "## Claim verdicts\n\n| claim | A | B |\n|---|---|---|\n"
            for id in claimChanges { md += "| \(cell(id)) | \(cell(ca[id] ?? "—")) | \(cell(cb[id] ?? "—")) | ⚠ |\n" }
            md += "\n"
        }

        // Tables.
        let ta = tableFiles(runA), tb = tableFiles(runB)
        md += "## Tables\n\n"
        let names = Set(ta).union(tb).sorted()
        if names.isEmpty { md += "Neither run has tables/*.json.\n\n" }
        for name in names {
            let ja = try load(runA.appendingPathComponent("tables/\(name)"))
            let jb = try load(runB.appendingPathComponent("tables/\(name)"))
            let fa = Dictionary((ja.map { flatten($0) } ?? []), uniquingKeysWith: { a, _ in a })
            let fb = Dictionary((jb.map { flatten($0) } ?? []), uniquingKeysWith: { a, _ in a })
            var changes: [Change] = []
            for k in Set(fa.keys).union(fb.keys).sorted() where fa[k] != fb[k] {
                var c = Change(item: "\(name): \(k)", a: fa[k], b: fb[k], tolerance: cellTolerance, flagged: true)
                if let d = c.delta { c.flagged = abs(d) > cellTolerance + 1e-12 }
                changes.append(c)
            }
            md += "### \(name)\(ja == nil ? " (only in B)" : jb == nil ? " (only in A)" : "")\n\n"
            md += table(changes, empty: "No cell changed.\n")
            all += changes
        }
        let flagged = all.filter(\.flagged).count + claimChanges.count
        md += "**\(all.count) numeric change(s), \(flagged) beyond tolerance.**\n"
        return Result(markdown: md, flagged: flagged, changes: all)
    }

    static func tableFiles(_ run: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("tables").path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func table(_ changes: [Change], empty: String) -> String {
        guard !changes.isEmpty else { return empty + "\n" }
        func f(_ d: Double?) -> String { d.map { String(format: "%.6g", $0) } ?? "—" }
        var md = "| item | A | B | Δ | tolerance | |\n|---|---:|---:|---:|---:|---|\n"
        for c in changes {
            let d = c.delta.map { ($0 >= 0 ? "+" : "") + String(format: "%.4g", $0) } ?? (c.a == nil ? "added" : "removed")
            md += "| \(cell(c.item)) | \(f(c.a)) | \(f(c.b)) | \(d) | \(f(c.tolerance)) | \(c.flagged ? "⚠ beyond tolerance" : "") |\n"
        }
        return md + "\n"
    }
}
