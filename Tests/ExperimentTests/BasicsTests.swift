import Foundation
import Testing
@testable import Experiment

@Test func meanAndSampleStandardDeviationGoldenValues() {
    #expect(Statistics.mean([2, 4, 4, 4, 5, 5, 7, 9]) == 5)
    #expect(Statistics.sampleStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) == 2.138089935299395)
    #expect(Statistics.mean([0.79, 0.80, 0.81]) == 0.8000000000000002)
    #expect(Statistics.sampleStandardDeviation([0.79, 0.80, 0.81]) == 0.010000000000000009)
    #expect(Statistics.sampleStandardDeviation([3]) == 0)
    #expect(Statistics.mean([]).isNaN)
    #expect(Summary(of: [1, 2, 3]) == Summary(mean: 2, std: 1, n: 3))
}

@Test func profilesChooseTheirBudget() {
    #expect(Profile.paper.choose(smoke: 20, default: 3000, paper: 30000) == 30000)
    #expect(Profile.smoke.choose(smoke: 20, default: 3000, paper: 30000) == 20)
}

@Test func progressInLogsPrintsEveryTenthAndTheEnd() {
    var lines: [String] = []
    let progress = Progress(total: 1000, label: "train", isTerminal: false) { lines.append($0) }
    for step in 1 ... 1000 { progress.update(step: step, loss: 0.5) }
    progress.update(step: 1000)
    #expect(lines.count == 10)
    #expect(lines.first?.hasPrefix("train 100/1000 (10%)  loss 0.5") == true)
    #expect(lines.last?.hasPrefix("train 1000/1000 (100%)  loss 0.5") == true)
    #expect(lines.last?.contains("took") == true)
    #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
}

@Test func progressOnATerminalRedrawsOneLineRarely() {
    var output: [String] = []
    let progress = Progress(total: 100_000, label: "sample", isTerminal: true) { output.append($0) }
    for step in 1 ... 100_000 { progress.update(step: step) }
    // The loop takes far less than 250 ms per redraw interval, so few redraws happen besides the final one.
    #expect(output.count >= 1 && output.count <= 8)
    #expect(output.allSatisfy { $0.hasPrefix("\r") })
    #expect(output.last?.hasPrefix("\rsample 100000/100000 (100%)") == true)
    #expect(output.last?.hasSuffix("\n") == true)
}

@Test func progressFinishClosesAnOpenTerminalLine() {
    var output: [String] = []
    let progress = Progress(total: 10, label: "x", isTerminal: true) { output.append($0) }
    Thread.sleep(forTimeInterval: 0.3)
    progress.update(step: 3)
    progress.finish()
    progress.update(step: 10)
    #expect(output.count == 2)
    #expect(output.first?.hasPrefix("\rx 3/10 (30%)") == true)
    #expect(output.last == "\n")
}

@Test func progressShowsARateOnlyOnceMeasuredOverASecond() {
    func line(step: Int, total: Int = 100, elapsed: Double, steps: Int, seconds: Double) -> String {
        Progress.line(label: "train", step: step, total: total, loss: nil, elapsed: elapsed,
                      measured: (steps, seconds))
    }
    // The first update, a few microseconds after the bar was made: no rate, no ETA.
    #expect(line(step: 1, elapsed: 0.000_002, steps: 0, seconds: 0) == "train 1/100 (1%)")
    #expect(line(step: 10, elapsed: 0.4, steps: 9, seconds: 0.4) == "train 10/100 (10%)")
    #expect(line(step: 21, elapsed: 2.1, steps: 20, seconds: 2.0) == "train 21/100 (21%)  10.0 it/s  ETA 0:08")
    #expect(line(step: 3, total: 10, elapsed: 9, steps: 1, seconds: 4) == "train 3/10 (30%)  4.00 s/it  ETA 0:28")
    #expect(line(step: 100, elapsed: 0.3, steps: 99, seconds: 0.3) == "train 100/100 (100%)  took 0:00")
    #expect(line(step: 100, elapsed: 12, steps: 99, seconds: 11) == "train 100/100 (100%)  9.0 it/s  took 0:12")
}

@Test func aLazilyCreatedProgressBarDoesNotInventARate() {
    var lines: [String] = []
    // Created at the first step report (as trainers that learn their total late do), then updated at once.
    let progress = Progress(total: 5, label: "epochs", isTerminal: false) { lines.append($0) }
    progress.update(step: 1, loss: 0.5)
    progress.update(step: 2, loss: 0.4)
    #expect(lines == ["epochs 1/5 (20%)  loss 0.5\n", "epochs 2/5 (40%)  loss 0.4\n"])
}
