import ArgumentParser
import Foundation
import Testing
@testable import Experiment

private let plan = CellPlan(chapter: "3-tabddpm", profile: .smoke, seed: 0, threads: 2, estimate: "timed",
                            cells: [.init(id: "diabetes.evaluator", estimatedSeconds: 4),
                                    .init(id: "diabetes.tabddpm", estimatedSeconds: 65.5)])

@Test func planIdsAreOneALineForJobArrays() throws {
    #expect(try plan.text(.ids) == "diabetes.evaluator\ndiabetes.tabddpm\n")
}

@Test func planTextShowsEachCellsCostAndTheTotal() throws {
    let text = try plan.text(.text)
    #expect(text.contains("3-tabddpm, profile smoke, seed 0: 2 cells, costs at 2 threads on this machine"))
    #expect(text.contains("estimate: timed"))
    #expect(text.contains("diabetes.tabddpm    1:06"))
    #expect(text.hasSuffix("total               1:10\n"))
}

@Test func planJSONReadsBackAsThePlan() throws {
    let decoded = try JSONDecoder().decode(CellPlan.self, from: Data(try plan.text(.json).utf8))
    #expect(decoded == plan)
}

@Test func cellOptionsThatContradictEachOtherAreRefusedNamingThem() throws {
    func message(_ arguments: [String]) -> String? {
        do {
            _ = try CellOptions.parse(arguments)
            return nil
        } catch {
            return CellOptions.message(for: error)
        }
    }
    #expect(message(["--plan", "--cell", "a.b"]) == "--plan and --cell cannot be combined: --plan lists the cells, --cell runs one")
    #expect(message(["--plan-format", "ids"]) == "--plan-format needs --plan")
    #expect(message(["--cached-only", "--cell", "a.b"]) == "--cached-only assembles a whole run; it cannot be combined with --cell")
    #expect(message(["--plan", "--plan-format", "yaml"])?.contains("--plan-format") == true)
    #expect(message(["--plan", "--plan-format", "json"]) == nil)
}
