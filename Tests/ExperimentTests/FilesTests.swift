import Foundation
import Testing
@testable import Experiment

@Test func sha256OfKnownContentMatchesTheStandardVectors() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let abc = directory.appendingPathComponent("abc.txt")
    let empty = directory.appendingPathComponent("empty.txt")
    try Data("abc".utf8).write(to: abc)
    try Data().write(to: empty)
    #expect(try SHA256Hex.digest(ofFile: abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(try SHA256Hex.digest(ofFile: empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256Hex.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}

@Test func streamedHashEqualsInMemoryHashAcrossChunks() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("big.bin")
    let data = Data((0 ..< (3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try data.write(to: url)
    #expect(try SHA256Hex.digest(ofFile: url) == SHA256Hex.digest(of: data))
}

@Test func hashingAMissingFileNamesIt() throws {
    let url = URL(fileURLWithPath: "/nonexistent/input.csv")
    do {
        _ = try SHA256Hex.digest(ofFile: url)
        Issue.record("expected an error")
    } catch let error as ArtifactError {
        #expect(error.description.contains("/nonexistent/input.csv"))
    }
}

@Test func failedWritesAreKitErrorsNamingThePath() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let blocker = directory.appendingPathComponent("file")
    try Data("keep".utf8).write(to: blocker)
    let table = ResultTable(id: "t", caption: "c", columns: [.init("a")], rows: [["x"]])
    #expect {
        try table.write(to: blocker)
    } throws: { error in
        guard case let .fileSystem(path, operation, _) = error as? KitError else { return false }
        return path == blocker.path && operation == "create directory"
    }
    #expect(try String(contentsOf: blocker, encoding: .utf8) == "keep")
}
