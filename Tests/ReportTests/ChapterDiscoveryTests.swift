import Foundation
import Testing
@testable import Report

@Suite struct ChapterDiscoveryTests {
    @Test func chaptersAreOrderedByTheirFolderNumberAndDecksFoundBySlides() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(["chapters/10-x/chapter.md": "# X", "chapters/2-y/chapter.md": "# Y", "chapters/1-z/chapter.md": "# Z",
                   "chapters/deck/slides.md": "# D", "chapters/notes/README.md": "not a chapter",
                   "chapters/references.json": "{}"], under: root)
        let index = try ChapterIndex.discover(root: root)
        #expect(index.chapters.map(\.name) == ["1-z", "2-y", "10-x"])
        #expect(index.chapters.map(\.number) == [1, 2, 10])
        #expect(index.decks.map(\.name) == ["deck"])
        #expect(index.all.map(\.narrative) == ["chapters/1-z/chapter.md", "chapters/2-y/chapter.md",
                                               "chapters/10-x/chapter.md", "chapters/deck/slides.md"])
        #expect(index.folder(ofClaim: "C10.2")?.name == "10-x")
        #expect(index.folder(ofClaim: "D.1")?.name == "deck")
        #expect(index.folder(ofClaim: "C3.1") == nil)
    }

    @Test func theKitsOwnChaptersAreFound() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let index = try ChapterIndex.discover(root: repository)
        #expect(index.chapters.map(\.name) == ["1-gpvae", "2-segmentation", "3-tabddpm"])
        #expect(index.decks.map(\.name) == ["talk"])
    }

    @Test func makeTargetsComeFromTheFolderName() {
        #expect(makeTarget(forChapter: "3-tabddpm") == "make chapter3")
        #expect(makeTarget(forChapter: "12-new") == "make chapter12")
        #expect(makeTarget(forChapter: "talk") == "make talk")
    }

    @Test func unnumberedOrDuplicateChapterFoldersAreRefused() throws {
        #expect(throws: ReportError.self) {
            try ChapterIndex(chapters: [ChapterFolder(name: "intro", kind: .chapter)], decks: [])
        }
        #expect {
            try ChapterIndex(chapters: [ChapterFolder(name: "3-a", kind: .chapter), ChapterFolder(name: "3-b", kind: .chapter)],
                             decks: [])
        } throws: { error in
            (error as? ReportError)?.description == "chapters/3-b/chapter.md: chapter number 3 is also used by chapters/3-a"
        }
    }
}
