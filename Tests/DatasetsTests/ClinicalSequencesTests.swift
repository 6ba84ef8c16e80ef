import Foundation
import Testing
@testable import Datasets

@Suite struct ClinicalSequencesTests {
    /// Ten patients; window 100 days, horizon 500. D ends inside the window and E is censored before the horizon
    /// (both left out); B, C, I, J died or had a transplant by day 500 (1); A, F, G, H did not (0).
    let fixture = """
    id,day,futime,status,a,b
    A,0,1000,0,2.718281828459045,10
    A,30,1000,0,1,
    A,90,1000,0,7.38905609893065,12
    A,150,1000,0,100,100
    B,0,300,2,1,
    B,100,300,2,2,20
    C,0,400,1,3,5
    D,0,50,2,4,4
    E,0,200,0,5,5
    F,0,600,2,6,6
    F,60,600,2,6.5,
    G,0,800,0,1.5,7
    G,10,800,0,1.6,8
    G,20,800,0,1.7,9
    H,0,500,0,2.5,3
    I,0,150,2,3.5,
    I,45,150,2,3.6,2
    J,0,499,2,4.5,1
    """ + "\n"

    func records(_ text: String? = nil) throws -> PatientRecords {
        try PatientRecords(csv: CSVReader.parse(text ?? fixture, file: "pbc.csv"), features: ["a", "b"])
    }

    func options(heldOut: Double = 0.3, seed: UInt64 = 1) -> ClinicalSequences.Options {
        .init(features: ["a", "b"], logFeatures: ["a"], window: 100, horizon: 500, heldOut: heldOut,
              validation: 0, test: 0.25, seed: seed)
    }

    func labels(_ c: ClinicalSequences) -> [String: Int] {
        var out: [String: Int] = [:]
        for (ids, set) in [(c.trainIDs, c.sets.train), (c.validationIDs, c.sets.validation), (c.testIDs, c.sets.test)] {
            for (id, label) in zip(ids, set.labels) { out[id] = label }
        }
        return out
    }

    @Test func outcomesAndExclusionsFollowWindowAndHorizon() throws {
        let c = try ClinicalSequences(records: records(), options: options())
        #expect(labels(c) == ["A": 0, "B": 1, "C": 1, "F": 0, "G": 0, "H": 0, "I": 1, "J": 1])
        #expect(c.endedInWindow == ["D"] && c.censoredBeforeHorizon == ["E"])
        // Stratified: one of each outcome in the test set.
        #expect(c.sets.test.labels.sorted() == [0, 1] && c.sets.train.count == 6)
    }

    @Test func visitsInTheWindowWithRealTimesAndPadding() throws {
        let c = try ClinicalSequences(records: records(), options: options(heldOut: 0))
        let all = [c.sets.train, c.sets.test]
        #expect(all.allSatisfy { $0.length == 3 && $0.features == 2 && $0.classes == 2 })
        func find(_ id: String) -> (SequenceSet, Int) {
            if let n = c.trainIDs.firstIndex(of: id) { return (c.sets.train, n) }
            return (c.sets.test, c.testIDs.firstIndex(of: id)!)
        }
        let (setA, a) = find("A")   // day 150 is past the window
        #expect(Array(setA.times[(a * 3)..<(a * 3 + 3)]) == [0, 30, 90])
        #expect(Array(setA.present[(a * 3)..<(a * 3 + 3)]) == [1, 1, 1])
        let (setB, b) = find("B")   // day 100 is on the window's edge: kept; then padding
        #expect(Array(setB.times[(b * 3)..<(b * 3 + 3)]) == [0, 100, 0])
        #expect(Array(setB.present[(b * 3)..<(b * 3 + 3)]) == [1, 1, 0])
        #expect(Array(setB.observed[(b * 6)..<(b * 6 + 6)]) == [1, 0, 1, 1, 0, 0])   // b missing at day 0; padding
        // Values: A's first a is e, so ln a = 1, scaled by the training statistics; the scale inverts exactly.
        let scaleA = c.scales[0]
        #expect(scaleA.logarithm && !c.scales[1].logarithm)
        #expect(abs(Double(setA.values[a * 6]) - (1 - scaleA.mean) / scaleA.std) < 1e-5)
        #expect(abs(scaleA.invert(Double(setA.values[a * 6 + 4])) - 7.38905609893065) < 1e-4)
        #expect(abs(c.scales[1].invert(Double(setA.values[a * 6 + 1])) - 10) < 1e-4)
    }

    @Test func scalingUsesTrainingPatientsOnly() throws {
        let c = try ClinicalSequences(records: records(), options: options(heldOut: 0))
        // By hand: the mean of ln a over the training patients' visits in the window.
        let data = try records()
        let logs = data.patients.filter { c.trainIDs.contains($0.id) }.flatMap { p in
            zip(p.days, p.values).filter { $0.0 <= 100 }.map { log($0.1[0]!) }
        }
        #expect(abs(c.scales[0].mean - logs.reduce(0, +) / Double(logs.count)) < 1e-12)
        // Changing a test patient's values changes nothing in the scaling.
        let test = c.testIDs[0]
        let lines = fixture.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("\(test),") else { return String(line) }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[4] = "9999"
            return cells.joined(separator: ",")
        }
        let other = try ClinicalSequences(records: records(lines.joined(separator: "\n")), options: options(heldOut: 0))
        #expect(other.scales == c.scales)
        #expect(other.sets.train == c.sets.train)
        #expect(other.sets.test != c.sets.test)
    }

    @Test func theArtificialMaskHidesOnlyObservedValues() throws {
        let c = try ClinicalSequences(records: records(), options: options(heldOut: 0.3, seed: 4))
        let data = try records()
        var hidden = 0
        for (ids, set) in [(c.trainIDs, c.sets.train), (c.testIDs, c.sets.test)] {
            for (n, id) in ids.enumerated() {
                let patient = data.patients.first { $0.id == id }!
                for t in 0..<3 {
                    for d in 0..<2 {
                        let at = (n * 3 + t) * 2 + d
                        let measured = t < patient.days.count && patient.days[t] <= 100 && patient.values[t][d] != nil
                        #expect(set.observed[at] * set.scored[at] == 0)
                        if !measured { #expect(set.observed[at] == 0 && set.scored[at] == 0 && set.values[at] == 0) }
                        if set.scored[at] == 1 {
                            #expect(measured)
                            hidden += 1
                            let truth = patient.values[t][d]!
                            #expect(abs(c.scales[d].invert(Double(set.values[at])) - truth) < 1e-4 * max(1, truth))
                        }
                        if measured { #expect(set.observed[at] + set.scored[at] == 1) }
                    }
                }
            }
        }
        #expect(hidden > 0)
        // Deterministic from the seed.
        let again = try ClinicalSequences(records: records(), options: options(heldOut: 0.3, seed: 4))
        #expect(again.sets == c.sets)
        #expect(try ClinicalSequences(records: records(), options: options(heldOut: 0.3, seed: 5)).sets.sha256 != c.sets.sha256)
    }

    @Test func badRecordsNameLineAndColumn() throws {
        func failure(_ text: String) -> String? {
            message { _ = try PatientRecords(csv: CSVReader.parse(text, file: "p.csv"), features: ["a"]) }
        }
        let head = "id,day,futime,status,a\n"
        #expect(failure(head + "A,0,10,0,x\n") == "p.csv:2, column 5 (a): \"x\" is not a number in a numeric column")
        #expect(failure(head + "A,0,10,0,1\nA,0,10,0,2\n")
                == "p.csv:3, column 2 (day): visit day 0 of patient A does not come after the previous visit (day 0)")
        #expect(failure(head + "A,0,10,0,1\nA,5,10,2,2\n") == "p.csv:3, column 4 (status): status differs from this patient's earlier rows")
        #expect(failure(head + "A,0,10,0,1\nB,0,10,0,1\nA,5,10,0,2\n") == "p.csv:4, column 1 (id): the rows of patient A are not together")
        #expect(failure(head + "A,0,10,3,1\n") == "p.csv:2, column 4 (status): status \"3\" is not 0 (censored), 1 (transplant) or 2 (dead)")
        #expect(failure("id,day,status,a\nA,0,0,1\n")?.hasPrefix("p.csv:1: no column named futime") == true)
        let zero = message {
            _ = try ClinicalSequences(records: PatientRecords(csv: CSVReader.parse(head + "A,0,900,0,0\n", file: "p.csv"), features: ["a"]),
                                      options: .init(features: ["a"], logFeatures: ["a"], window: 100, horizon: 500))
        }
        #expect(zero == "p.csv:2: a is 0, which cannot be log-transformed")
    }
}
