import ChapterProgramSupport
import Foundation

/// The chapter3 program's tests share its executable and a small classification table.
class Chapter3TestCase: ChapterProgramTestCase {
    override var program: String { "chapter3" }

    /// 300 rows: y = "yes" when x1 + noise > 0; x2 whole numbers 0–4; c a category that leans with y.
    func writeToyCSV(_ name: String = "toy.csv", edit: (inout [String]) -> Void = { _ in }) throws -> URL {
        var state: UInt64 = 42
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["x1,x2,c,y"]
        for _ in 0..<300 {
            let x1 = next() * 4 - 2, noise = next() - 0.5
            let label = x1 + noise > 0 ? "yes" : "no"
            let c = label == "yes" ? (next() < 0.7 ? "red" : "blue") : (next() < 0.7 ? "blue" : "green")
            lines.append(String(format: "%.4f,%d,%@,%@", x1, Int(next() * 5), c, label))
        }
        edit(&lines)
        let url = root.appendingPathComponent(name)
        try lines.joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
