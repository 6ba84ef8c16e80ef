import Foundation
import Testing
@testable import Artifacts

@Test func atomicWriteCreatesParentsAndLeavesNoTemporaryFile() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("a/b/out.txt")
    try AtomicFile.write("first version, rather long\n", to: url)
    #expect(try text(url) == "first version, rather long\n")
    try AtomicFile.write("short\n", to: url)
    #expect(try text(url) == "short\n")
    #expect(try contents(of: url.deletingLastPathComponent()) == ["out.txt"])
}

@Test func atomicWriteFailureNamesThePathAndKeepsTheOldFile() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let blocker = directory.appendingPathComponent("file")
    try AtomicFile.write("keep", to: blocker)
    #expect {
        try AtomicFile.write("x", to: blocker.appendingPathComponent("child.txt"))
    } throws: { error in
        guard case let .fileSystem(path, operation, _) = error as? ArtifactError else { return false }
        return path == blocker.path && operation == "create directory"
            && (error as! ArtifactError).description.hasPrefix("cannot create directory \(blocker.path): ")
    }
    #expect(try text(blocker) == "keep")
    #expect(try contents(of: directory) == ["file"])
}

private struct RenderFailed: Error {}

@Test func produceCommitsEveryFileTogether() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let urls = ["a.txt", "b.txt"].map { directory.appendingPathComponent($0) }
    try AtomicFile.write("old a", to: urls[0])
    try AtomicFile.produce(urls) { temporaries in
        #expect(temporaries.count == 2)
        #expect(temporaries.allSatisfy { $0.hasPrefix(directory.path + "/.") })
        try Data("new a".utf8).write(to: URL(fileURLWithPath: temporaries[0]))
        try Data("new b".utf8).write(to: URL(fileURLWithPath: temporaries[1]))
        // Nothing is visible under the final names until the body has finished.
        #expect(try text(urls[0]) == "old a")
        #expect(!FileManager.default.fileExists(atPath: urls[1].path))
    }
    #expect(try text(urls[0]) == "new a")
    #expect(try text(urls[1]) == "new b")
    #expect(try contents(of: directory) == ["a.txt", "b.txt"])
}

@Test func produceCommitsNothingWhenTheBodyFails() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let urls = ["a.txt", "b.txt"].map { directory.appendingPathComponent($0) }
    try AtomicFile.write("old a", to: urls[0])
    try AtomicFile.write("old b", to: urls[1])
    #expect(throws: RenderFailed.self) {
        try AtomicFile.produce(urls) { temporaries in
            try Data("new a".utf8).write(to: URL(fileURLWithPath: temporaries[0]))
            throw RenderFailed()
        }
    }
    #expect(try text(urls[0]) == "old a")
    #expect(try text(urls[1]) == "old b")
    #expect(try contents(of: directory) == ["a.txt", "b.txt"])
}

@Test func produceRefusesATemporaryTheBodyNeverWrote() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let urls = ["a.txt", "b.txt"].map { directory.appendingPathComponent($0) }
    #expect {
        try AtomicFile.produce(urls) { temporaries in
            try Data("a".utf8).write(to: URL(fileURLWithPath: temporaries[0]))
        }
    } throws: { error in
        guard case let .fileSystem(path, operation, _) = error as? ArtifactError else { return false }
        return path.hasPrefix(directory.appendingPathComponent(".b.txt.").path) && operation == "open for flushing"
    }
    #expect(try contents(of: directory) == [])
}
