import Foundation
import Testing
@testable import Figures

/// Tick labels never run into each other: numeric ticks are thinned to what fits, long category names are
/// turned and cut, and the sidecar records what is drawn (with the full names).
@Suite struct TickFittingTests {
    @Test func thinningKeepsEveryKthTickFromTheAnchor() {
        // Ticks 30 points apart with labels 35 wide: every 2nd fits (60 ≥ 35 + 8), counted from the tick at index 1.
        let positions = (0..<8).map { Double($0) * 30 }
        #expect(Ticks.thinned(positions: positions, extents: Array(repeating: 35, count: 8), gap: 8, anchor: 1)
                == [1, 3, 5, 7])
        #expect(Ticks.thinned(positions: positions, extents: Array(repeating: 20, count: 8), gap: 8) == Array(0..<8))
        // 100 wide needs 108 between centres: every 5th (150) is the first of 1, 2, 5 that fits.
        #expect(Ticks.thinned(positions: positions, extents: Array(repeating: 100, count: 8), gap: 8) == [0, 5])
    }

    @Test func truncationCutsToTheWidthWithAnEllipsis() {
        let width = { (text: String) in Double(text.count) * 6 }
        #expect(Ticks.truncated("Self-emp-not-inc", maxWidth: 60, width: width) == "Self-emp-…")
        #expect(Ticks.truncated("Private", maxWidth: 60, width: width) == "Private")
        #expect(Ticks.truncated("Never worked", maxWidth: 42, width: width) == "Never…")
    }

    /// Adult's fnlwgt (up to 1.5 million) in a third of a 900-point figure printed `2×10⁵4×10⁵6×10⁵…`.
    @Test func wideNumericLabelsAreThinned() throws {
        var figure = Figure(width: 900, height: 260, columns: 3)
        let values = (0..<200).map { Double($0) * 7_400 + 12_000 }
        for title in ["fnlwgt", "age", "hours"] {
            figure.panel { p in
                p.title = title
                p.histogram(title == "fnlwgt" ? values : values.map { $0 / 20_000 }, bins: .count(30), label: "Real")
            }
        }
        let x = try JSON(figure.sidecar(id: "thinned", caption: "c"))["panels"]?[0]?["x"]
        // Loose ticks every 2×10⁵ from 0 to 1.6×10⁶; every 2nd is labelled, from the tick at 0.
        #expect(x?["ticks"]?.doubles == [0, 400_000, 800_000, 1_200_000, 1_600_000])
        #expect(x?["tickLabels"]?.strings == ["0", "4×10⁵", "8×10⁵", "1.2×10⁶", "1.6×10⁶"])
        #expect(x?["domain"]?.doubles == [0, 1_600_000])
    }

    @Test func longCategoryNamesAreTurnedAndCutWithTheFullNamesInTheSidecar() throws {
        let names = ["Private", "Self-emp-not-inc", "Local-gov", "State-gov", "Self-emp-inc", "Federal-gov",
                     "Without-pay", #"A <very> long & "quoted" category name that cannot fit"#]
        var figure = Figure(width: 900, height: 260, columns: 3)
        figure.panel { p in
            p.title = "workclass"
            p.bars(categories: names, values: names.indices.map { 1 / Double($0 + 1) }, label: "Real")
        }
        figure.panel { p in p.bars(categories: ["a", "b"], values: [1, 2]) }
        let panels = try JSON(figure.sidecar(id: "categories", caption: "c"))["panels"]
        let x = panels?[0]?["x"]
        #expect(x?["tickLabels"]?.strings == names)
        #expect(x?["tickLabelAngle"]?.double == 45)
        let shown = try #require(x?["shownTickLabels"]?.strings)
        #expect(Array(shown.prefix(7)) == Array(names.prefix(7)))
        #expect(shown[7].hasPrefix("A <very> long") && shown[7].hasSuffix("…") && shown[7].count < names[7].count)
        // Short names that fit side by side stay level and whole.
        #expect(panels?[1]?["x"]?["tickLabelAngle"] == nil)
        #expect(panels?[1]?["x"]?["shownTickLabels"] == nil)
    }
}
