import ArgumentParser
import Foundation
import Testing
@testable import Experiment

private enum Step: String, CaseIterable { case first, second, third }

/// The message the argument parser prints for these arguments, or nil when they parse.
private func parseError(_ arguments: [String]) -> String? {
    do {
        _ = try ChapterOptions.parse(arguments)
        return nil
    } catch {
        return ChapterOptions.message(for: error)
    }
}

@Test func chapterOptionsParseTheSharedOptions() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let options = try ChapterOptions.parse(["--profile", "smoke", "--seed", "7", "--threads", "2", "--root", root.path])
    #expect(options.profile == .smoke)
    #expect(options.seed == 7)
    #expect(options.threads == 2)
    #expect(options.rootURL.path == root.standardizedFileURL.path)
    let defaults = try ChapterOptions.parse([])
    #expect(defaults.profile == .default && defaults.seed == 0 && defaults.threads == 1 && defaults.root == ".")
}

@Test func badSharedOptionsAreRefusedNamingTheOption() throws {
    let message = try #require(parseError(["--profile", "fast"]))
    #expect(message.contains("--profile") && message.contains("'smoke', 'default' or 'paper'"))
    #expect(parseError(["--threads", "0"])?.contains("'--threads <threads>': must be at least 1") == true)
    #expect(parseError(["--threads", "two"])?.contains("not a whole number") == true)
    #expect(parseError(["--root", "/nonexistent/x"]) == "--root: no such directory: /nonexistent/x")
    #expect(parseError(["--root", "/dev/null"]) == "--root: not a directory: /dev/null")
}

@Test func listOptionsRefuseEmptyDuplicateAndUnknownNames() throws {
    let parse = OptionValue.list(allowed: ["adult", "diabetes", "shuttle"])
    #expect(try parse("diabetes,adult") == ["diabetes", "adult"])
    #expect(try parse(" shuttle , adult") == ["shuttle", "adult"])
    func refusal(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (error as? OptionValueError)?.description
        }
    }
    #expect(refusal("") == "the list is empty; give at least one of: adult, diabetes, shuttle")
    #expect(refusal(" ") == "the list is empty; give at least one of: adult, diabetes, shuttle")
    #expect(refusal("diabetes,diabetes") == "'diabetes' is listed twice")
    #expect(refusal("adult,,shuttle") == "an empty name in the list (two commas in a row, or one at an end)")
    #expect(refusal("adult,") != nil)
    #expect(refusal("adult,wine") == "unknown value 'wine'; allowed values: adult, diabetes, shuttle")
    #expect(try OptionValue.list(of: Step.self)("third,first") == [.third, .first])
    #expect(throws: OptionValueError.self) { try OptionValue.list(of: Step.self)("") }
}

@Test func integerOptionsRefuseValuesBelowTheirMinimum() throws {
    let parse = OptionValue.integer(atLeast: 1)
    #expect(try parse("20") == 20)
    #expect(throws: OptionValueError("must be at least 1")) { try parse("-5") }
    #expect(throws: OptionValueError("must be at least 1")) { try parse("0") }
    #expect(throws: OptionValueError("not a whole number")) { try parse("1.5") }
}

@Test func seedsAreDerivedByOneRule() {
    #expect(Seeds.derive(base: 0, purpose: .sample, index: 0) == 1_000)
    #expect(Seeds.derive(base: 7, purpose: .sample, count: 3) == [1_007, 1_008, 1_009])
    #expect(Seeds.derive(base: .max, purpose: .sample, index: 1) == 1_000)  // wraps instead of trapping
    #expect(Seeds.derive(base: 7, purpose: .evaluator, count: 3) == [0, 1, 2])
    #expect(Seeds.derive(base: 7, purpose: .sample, count: 0) == [])
}
