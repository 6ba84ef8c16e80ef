import Artifacts
import Foundation
import Testing
@testable import Experiment

/// A package with two library files, a chapter with code and narrative, and the manifest files.
private func makePackage() throws -> URL {
    let root = try makeTemporaryDirectory()
    for (path, text) in [("Package.swift", "// package"), ("Package.resolved", "{}"),
                         ("Sources/Core/A.swift", "let a = 1"), ("Sources/CKernels/k.c", "int k;"),
                         ("chapters/1-demo/Main.swift", "print(1)"), ("chapters/1-demo/chapter.md", "# Demo"),
                         ("chapters/2-other/Main.swift", "print(2)")] {
        try AtomicFile.write(text, to: root.appendingPathComponent(path))
    }
    return root
}

@Test func codeVersionCoversEverySourceFileInPathOrder() throws {
    let root = try makePackage()
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(try CodeVersion.files(chapterFolder: "1-demo", packageRoot: root) == [
        "Package.resolved", "Package.swift", "Sources/CKernels/k.c", "Sources/Core/A.swift", "chapters/1-demo/Main.swift",
    ])
    let base = try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root)
    #expect(base.count == 64)
    #expect(try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root) == base)

    // Narrative and other chapters do not count; code does, and so does a file's name.
    try AtomicFile.write("# Demo, revised", to: root.appendingPathComponent("chapters/1-demo/chapter.md"))
    try AtomicFile.write("print(3)", to: root.appendingPathComponent("chapters/2-other/Main.swift"))
    #expect(try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root) == base)
    try AtomicFile.write("let a = 2", to: root.appendingPathComponent("Sources/Core/A.swift"))
    let edited = try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root)
    #expect(edited != base)
    try FileManager.default.moveItem(at: root.appendingPathComponent("Sources/Core/A.swift"),
                                     to: root.appendingPathComponent("Sources/Core/B.swift"))
    #expect(try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root) != edited)
}

@Test func codeVersionFailsWhenSourcesAreMissing() throws {
    let root = try makePackage()
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(throws: KitError.self) { try CodeVersion.digest(chapterFolder: "9-absent", packageRoot: root) }
    try FileManager.default.removeItem(at: root.appendingPathComponent("Sources"))
    do {
        _ = try CodeVersion.digest(chapterFolder: "1-demo", packageRoot: root)
        Issue.record("expected an error")
    } catch let error as KitError {
        #expect(error.description.contains("Sources"))
    }
}

@Test func codeVersionOfThisPackageFindsTheChapters() throws {
    let files = try CodeVersion.files(chapterFolder: "3-tabddpm")
    #expect(files.contains("Sources/Experiment/CodeVersion.swift"))
    #expect(files.contains("chapters/3-tabddpm/Chapter3.swift"))
    #expect(!files.contains("chapters/3-tabddpm/chapter.md"))
    #expect(!files.contains { $0.hasPrefix("chapters/talk/") })
}
