import Foundation

/// One folder under `chapters/` that the report renders: a dissertation chapter (`<n>-<name>/chapter.md`) or a
/// deck (`<name>/slides.md`). The folder name is the chapter's id everywhere: `figures/<name>/`,
/// `reports/runs/<name>/`, and the make target.
public struct ChapterFolder: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case chapter
        case deck
    }

    public var name: String
    public var kind: Kind
    /// The leading number of a chapter folder (`3` for `3-tabddpm`); nil for a deck.
    public var number: Int?

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
        number = chapterNumber(of: name)
    }

    /// The narrative's path relative to the root: `chapters/<name>/chapter.md` or `chapters/<name>/slides.md`.
    public var narrative: String {
        "chapters/\(name)/" + (kind == .chapter ? "chapter.md" : "slides.md")
    }
}

/// The leading number of a folder name (`3` for `3-tabddpm`), or nil when it has none.
func chapterNumber(of name: String) -> Int? {
    guard let head = name.split(separator: "-", maxSplits: 1).first, head.allSatisfy(\.isASCII) else { return nil }
    return Int(head)
}

/// `make` target that reproduces a chapter, from its folder name: `3-tabddpm` → `make chapter3`,
/// `talk` → `make talk`.
public func makeTarget(forChapter chapter: String) -> String {
    if let number = chapterNumber(of: chapter) { return "make chapter\(number)" }
    return "make \(chapter)"
}

/// Every chapter and deck, found from the files under `chapters/`; the report knows none by name.
public struct ChapterIndex: Equatable, Sendable {
    /// Dissertation chapters, in the order of their folder numbers.
    public private(set) var chapters: [ChapterFolder]
    /// Decks, by folder name.
    public private(set) var decks: [ChapterFolder]

    /// Orders and checks folders already found: every chapter folder has a number, no two share one.
    public init(chapters: [ChapterFolder], decks: [ChapterFolder]) throws {
        for chapter in chapters where chapter.number == nil {
            throw ReportError(file: chapter.narrative, line: 0, message:
                "a chapter folder's name starts with its number and a dash (e.g. 4-\(chapter.name)), "
                + "which orders the dissertation")
        }
        let ordered = chapters.sorted { ($0.number!, $0.name) < ($1.number!, $1.name) }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where previous.number == next.number {
            throw ReportError(file: next.narrative, line: 0, message:
                "chapter number \(next.number!) is also used by chapters/\(previous.name)")
        }
        self.chapters = ordered
        self.decks = decks.sorted { $0.name < $1.name }
    }

    /// Looks in `<root>/chapters`: a folder with `chapter.md` is a dissertation chapter, one with `slides.md` a deck.
    public static func discover(root: URL) throws -> ChapterIndex {
        let directory = root.appendingPathComponent("chapters", isDirectory: true)
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else {
            throw ReportError(file: "chapters", line: 0, message: "no chapters/ folder under \(root.path)")
        }
        var chapters: [ChapterFolder] = []
        var decks: [ChapterFolder] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            if fileManager.fileExists(atPath: folder.appendingPathComponent("chapter.md").path) {
                chapters.append(ChapterFolder(name: name, kind: .chapter))
            }
            if fileManager.fileExists(atPath: folder.appendingPathComponent("slides.md").path) {
                decks.append(ChapterFolder(name: name, kind: .deck))
            }
        }
        return try ChapterIndex(chapters: chapters, decks: decks)
    }

    /// Chapters, then decks.
    public var all: [ChapterFolder] { chapters + decks }

    /// The chapter whose folder number is `number`.
    public func chapter(numbered number: Int) -> ChapterFolder? {
        chapters.first { $0.number == number }
    }

    /// The folder a claim id belongs to: `C3.2` to the chapter numbered 3; a letter prefix (`T.1`) to the one deck
    /// whose name starts with that letter. Nil when no folder (or more than one deck) fits.
    public func folder(ofClaim id: String) -> ChapterFolder? {
        guard let prefix = id.split(separator: ".").first else { return nil }
        if prefix.count > 1, prefix.first == "C", let number = Int(prefix.dropFirst()) {
            return chapter(numbered: number)
        }
        guard prefix.count == 1 else { return nil }
        let fitting = decks.filter { $0.name.lowercased().hasPrefix(prefix.lowercased()) }
        return fitting.count == 1 ? fitting[0] : nil
    }
}
