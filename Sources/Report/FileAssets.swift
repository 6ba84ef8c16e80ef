import Artifacts
import Foundation

/// Reads the artifact layout of docs/artifacts.md under a project root.
public struct FileAssets: AssetProvider {
    public var root: URL
    public init(root: URL) { self.root = root }

    private var fm: FileManager { FileManager.default }

    public func runDirectory(_ chapter: String) -> URL {
        root.appendingPathComponent("reports/runs/\(chapter)", isDirectory: true)
    }

    public func hasRun(chapter: String) -> Bool {
        var isDir: ObjCBool = false
        return fm.fileExists(atPath: runDirectory(chapter).path, isDirectory: &isDir) && isDir.boolValue
    }

    private func sidecarCaption(_ url: URL) -> String? {
        guard let d = try? Data(contentsOf: url), let j = try? JSONValue.load(d) else { return nil }
        return j["caption"]?.string ?? j["title"]?.string
    }

    public func figure(chapter: String, id: String) -> FigureAsset? {
        let dir = root.appendingPathComponent("figures/\(chapter)", isDirectory: true)
        let caption = sidecarCaption(dir.appendingPathComponent("\(id).json"))
        for (ext, mime) in [("svg", "image/svg+xml"), ("png", "image/png")] {
            if let d = try? Data(contentsOf: dir.appendingPathComponent("\(id).\(ext)")) {
                return FigureAsset(mime: mime, data: d, caption: caption)
            }
        }
        return nil
    }

    public func table(chapter: String, id: String) -> TableAsset? {
        let dir = runDirectory(chapter).appendingPathComponent("tables", isDirectory: true)
        guard let d = try? Data(contentsOf: dir.appendingPathComponent("\(id).md")),
              let md = String(data: d, encoding: .utf8) else { return nil }
        return TableAsset(markdown: md, caption: sidecarCaption(dir.appendingPathComponent("\(id).json")))
    }

    /// `manifest.json` of a run, if any.
    public func manifest(_ chapter: String) throws -> JSONValue? {
        let url = runDirectory(chapter).appendingPathComponent("manifest.json")
        guard let d = try? Data(contentsOf: url) else { return nil }
        do { return try JSONValue.load(d) } catch {
            throw ReportError(file: "reports/runs/\(chapter)/manifest.json", line: 0, message: "invalid JSON: \(error)")
        }
    }

    /// `results.json` of a run, if any.
    public func results(_ chapter: String) throws -> RunResults? {
        let url = runDirectory(chapter).appendingPathComponent("results.json")
        guard let d = try? Data(contentsOf: url) else { return nil }
        do { return try JSONDecoder().decode(RunResults.self, from: d) } catch {
            throw ReportError(file: "reports/runs/\(chapter)/results.json", line: 0,
                              message: "does not follow docs/artifacts.md: \(error)")
        }
    }
}
