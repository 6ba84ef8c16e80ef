import Artifacts
import Foundation

/// Reads the artifact layout of docs/artifacts.md under a project root.
public struct FileAssets: AssetProvider {
    public var root: URL
    /// For a deck: figures from `figures/<chapter>/slides/` (drawn at slide size) when there, and whichever of
    /// PNG and SVG is smaller.
    public var forSlides: Bool
    public init(root: URL, forSlides: Bool = false) {
        self.root = root
        self.forSlides = forSlides
    }

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
        if forSlides {
            let slides = dir.appendingPathComponent("slides", isDirectory: true)
            let svg = try? Data(contentsOf: slides.appendingPathComponent("\(id).svg"))
            let png = try? Data(contentsOf: slides.appendingPathComponent("\(id).png"))
            let caption = sidecarCaption(slides.appendingPathComponent("\(id).json"))
            // A deck is one file to carry around: whichever of the two is smaller.
            if let svg, png == nil || svg.count <= png!.count { return FigureAsset(mime: "image/svg+xml", data: svg, caption: caption) }
            if let png { return FigureAsset(mime: "image/png", data: png, caption: caption) }
        }
        let caption = sidecarCaption(dir.appendingPathComponent("\(id).json"))
        let svg = try? Data(contentsOf: dir.appendingPathComponent("\(id).svg"))
        let png = try? Data(contentsOf: dir.appendingPathComponent("\(id).png"))
        // Vector unless the figure is mostly raster images: Cairo's SVG then carries them uncompressed, many
        // times the PNG's size (a grid of digit frames: 8 MB against 110 KB). A deck takes the smaller.
        let svgLimit = forSlides ? 1 : 4
        if let svg, png == nil || svg.count <= svgLimit * png!.count {
            return FigureAsset(mime: "image/svg+xml", data: svg, caption: caption)
        }
        return png.map { FigureAsset(mime: "image/png", data: $0, caption: caption) }
    }

    public func table(chapter: String, id: String) -> TableAsset? {
        let dir = runDirectory(chapter).appendingPathComponent("tables", isDirectory: true)
        guard let d = try? Data(contentsOf: dir.appendingPathComponent("\(id).md")),
              let md = String(data: d, encoding: .utf8) else { return nil }
        let caption = try? ResultTable.read(from: dir.appendingPathComponent("\(id).json")).caption
        return TableAsset(markdown: md, caption: caption)
    }

    public func profile(chapter: String) -> String? {
        (try? manifest(chapter))??.profile
    }

    public func reasonNotProduced(chapter: String, id: String) -> String? {
        (try? manifest(chapter))??.notProduced?[id]
    }

    /// `manifest.json` of a run, if there is one.
    public func manifest(_ chapter: String) throws -> Manifest? {
        try read(Manifest.self, "manifest.json", of: chapter)
    }

    /// `results.json` of a run, if there is one.
    public func results(_ chapter: String) throws -> Results? {
        try read(Results.self, "results.json", of: chapter)
    }

    /// A contract file of a run: nil when absent, an error naming the file and field when it does not decode.
    private func read<File: ArtifactFile>(_ type: File.Type, _ name: String, of chapter: String) throws -> File? {
        let url = runDirectory(chapter).appendingPathComponent(name)
        guard fm.fileExists(atPath: url.path) else { return nil }
        do {
            return try File.read(from: url)
        } catch let error as ArtifactError {
            throw ReportError(file: "reports/runs/\(chapter)/\(name)", line: 0, message: reportMessage(error))
        }
    }
}

/// The facts of an artifact error without its path (a `ReportError` names the file itself).
func reportMessage(_ error: ArtifactError) -> String {
    switch error {
    case let .invalid(_, reason): "does not follow docs/artifacts.md: \(reason)"
    case let .fileSystem(_, operation, reason): "cannot \(operation): \(reason)"
    case let .encoding(what, reason): "cannot encode \(what): \(reason)"
    }
}
