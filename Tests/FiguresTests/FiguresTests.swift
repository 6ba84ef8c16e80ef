import Foundation
import Testing
@testable import Figures

/// A fresh empty directory under the system temporary directory.
func scratchDirectory(_ name: String = #function) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("figures-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Parsed JSON for assertions. `JSONDecoder` rather than `JSONSerialization`, which on Linux can parse a
/// double one ulp off (log 4 came back as …904 instead of …906).
enum JSON: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSON].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    init(_ data: Data) throws { self = try JSONDecoder().decode(JSON.self, from: data) }

    subscript(key: String) -> JSON? { if case .object(let o) = self { return o[key] } else { return nil } }
    subscript(index: Int) -> JSON? { if case .array(let a) = self, a.indices.contains(index) { return a[index] } else { return nil } }
    var double: Double? { if case .number(let v) = self { return v } else { return nil } }
    var int: Int? { double.flatMap { Int(exactly: $0) } }
    var string: String? { if case .string(let v) = self { return v } else { return nil } }
    var bool: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    var array: [JSON]? { if case .array(let v) = self { return v } else { return nil } }
    var doubles: [Double]? { array?.compactMap(\.double) }
    var ints: [Int]? { array?.compactMap(\.int) }
    var strings: [String]? { array?.compactMap(\.string) }
}

func json(_ url: URL) throws -> JSON { try JSON(Data(contentsOf: url)) }

func layers(_ sidecar: JSON, panel: Int = 0) -> [JSON] {
    sidecar["panels"]?[panel]?["layers"]?.array ?? []
}

@Suite struct Rendering {
    @Test(arguments: Gallery.all.map(\.id))
    func galleryFigureWritesAllFormats(id: String) throws {
        let figure = Gallery.all.first { $0.id == id }!.figure
        let demo = ProcessInfo.processInfo.environment["FIGURES_DEMO_DIR"].map { URL(fileURLWithPath: $0) }
        let directory = try demo ?? scratchDirectory()
        defer { if demo == nil { try? FileManager.default.removeItem(at: directory) } }
        let urls = try figure.write(to: directory, id: id, caption: "Example: \(id).")
        #expect(urls.map(\.lastPathComponent) == ["png", "svg", "pdf", "json"].map { "\(id).\($0)" })
        let png = try PNGImage.read(from: urls[0])
        #expect(png.width == Int(figure.width) * figure.pngScale)
        #expect(png.height == Int(figure.height) * figure.pngScale)
        #expect(try String(contentsOf: urls[1], encoding: .utf8).hasPrefix("<?xml"))
        #expect(try Data(contentsOf: urls[2]).prefix(5) == Data("%PDF-".utf8))
        let sidecar = try json(urls[3])
        #expect(sidecar["id"]?.string == id)
        #expect(sidecar["caption"]?.string == "Example: \(id).")
        #expect(sidecar["panels"]?.array?.count == figure.panels.count)
    }

    @Test func twoRendersAreByteIdentical() throws {
        let (first, second) = (try scratchDirectory(), try scratchDirectory())
        defer { for directory in [first, second] { try? FileManager.default.removeItem(at: directory) } }
        for (id, figure) in Gallery.all {
            let a = try figure.write(to: first, id: id, caption: "c")
            let b = try figure.write(to: second, id: id, caption: "c")
            for (x, y) in zip(a, b) {
                #expect(try Data(contentsOf: x) == Data(contentsOf: y), "\(x.lastPathComponent) differs between renders")
            }
        }
    }

    @Test func pdfCarriesTheFixedCreationDate() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Gallery.lines().write(to: directory, id: "lines", caption: "c")[2]
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(text.contains("/CreationDate (20000101000000Z)"))
    }

    @Test func writeLeavesNoTemporaryFiles() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Gallery.bars().write(to: directory, id: "bars", caption: "c")
        try Gallery.bars().write(to: directory, id: "bars", caption: "overwritten")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["bars.json", "bars.pdf", "bars.png", "bars.svg"])
        #expect(try json(directory.appendingPathComponent("bars.json"))["caption"]?.string == "overwritten")
    }

    @Test func failedWriteLeavesNothingBehind() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var figure = Figure()
        figure.panel { $0.line(x: [0, 1], y: [0, .nan]) }
        #expect(throws: FigureError.self) { try figure.write(to: directory, id: "broken", caption: "c") }
        // A directory where the PNG should go makes the final rename fail after rendering.
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("blocked.png"), withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent("blocked.png/x").path, contents: Data()))
        var good = Figure()
        good.panel { $0.line(x: [0, 1], y: [0, 1]) }
        #expect(throws: FigureError.self) { try good.write(to: directory, id: "blocked", caption: "c") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(names == ["blocked.png"])
    }
}

@Suite struct Sidecar {
    @Test func lineSidecarHoldsThePlottedNumbers() throws {
        var figure = Figure()
        figure.title = "Losses"
        figure.panel { p in
            p.line(x: [0, 1, 2], y: [3, 2.5, 2.25], label: "D loss", band: Band(lower: [2.9, 2.4, 2.2], upper: [3.1, 2.6, 2.3]))
            p.scatter(x: [0.5], y: [2.75], label: "checkpoint")
            p.referenceLine(y: log(4), label: "log 4")
            p.xLabel = "step"
            p.yLabel = "loss"
        }
        let sidecar = try JSON(figure.sidecar(id: "losses", caption: "Two losses."))
        #expect(sidecar["title"]?.string == "Losses")
        let panel = sidecar["panels"]?[0]
        #expect(panel?["xLabel"]?.string == "step")
        let l = layers(sidecar)
        #expect(l.map { $0["kind"]?.string } == ["line", "scatter", "referenceLine"])
        #expect(l[0]["label"]?.string == "D loss")
        #expect(l[0]["x"]?.doubles == [0, 1, 2])
        #expect(l[0]["y"]?.doubles == [3, 2.5, 2.25])
        #expect(l[0]["bandUpper"]?.doubles == [3.1, 2.6, 2.3])
        #expect(l[0]["color"]?.string == "#0072b2")
        #expect(l[1]["color"]?.string == "#d55e00")
        #expect(l[2]["value"]?.double == log(4))
        // Data 2.2…3.1 plus the reference line at 1.386: step 0.5 (nearest 1-2-5 to 2.1 / 5), loose domain.
        #expect(panel?["y"]?["ticks"]?.doubles == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
        #expect(panel?["y"]?["domain"]?.doubles == [1.0, 3.5])
        #expect(panel?["y"]?["tickLabels"]?.strings == ["1.0", "1.5", "2.0", "2.5", "3.0", "3.5"])
    }

    @Test func histogramCountsMatchTheRawData() throws {
        var stream = Gallery.Stream(state: 42)
        let real = (0..<500).map { _ in stream.normal() }
        let fake = (0..<300).map { _ in stream.normal() * 2 }
        var figure = Figure()
        figure.panel { p in
            p.histogram(real, bins: .count(12), label: "real")
            p.histogram(fake, bins: .count(12), label: "fake", density: true)
            p.histogram([0, 0.5, 1, 1, 2, 7], bins: .edges([0, 1, 2]), label: "fixed")
        }
        let l = layers(try JSON(figure.sidecar(id: "h", caption: "")))
        // Pooled range for the two `.count` histograms: both get the same edges.
        let pooled = real + fake
        let (low, high) = (pooled.min()!, pooled.max()!)
        let edges = l[0]["binEdges"]?.doubles ?? []
        #expect(edges == l[1]["binEdges"]?.doubles)
        #expect(edges.count == 13 && edges.first == low && edges.last == high)
        for (k, data) in [real, fake].enumerated() {
            var expected = [Int](repeating: 0, count: 12)
            for v in data { expected[min(11, Int((v - low) / ((high - low) / 12)))] += 1 }
            #expect(l[k]["counts"]?.ints == expected)
        }
        let heights = l[1]["heights"]?.doubles ?? []
        let area = zip(heights, zip(edges, edges.dropFirst())).map { $0 * ($1.1 - $1.0) }.reduce(0, +)
        #expect(abs(area - 1) < 1e-12)
        #expect(l[2]["counts"]?.ints == [2, 3])
        #expect(l[2]["outsideEdges"]?.int == 1)
    }

    @Test func barsHeatmapsAndImagesAreRecorded() throws {
        let sidecars = try Gallery.all.map { try JSON($0.figure.sidecar(id: $0.id, caption: "")) }
        let byID = Dictionary(uniqueKeysWithValues: zip(Gallery.all.map(\.id), sidecars))
        let bars = layers(byID["bars"]!)
        #expect(bars.count == 3)
        #expect(bars[1]["values"]?.doubles == [0.55, 0.80, 0.91, 0.83, 0.83])
        #expect(bars[1]["categories"]?.strings == ["abalone", "adult", "buddy", "california", "king"])
        let matrix = layers(byID["correlation"]!)[0]
        #expect(matrix["matrix"]?[1]?[4]?.double == 0.34)
        #expect(matrix["valueRange"]?.doubles == [-1, 1])
        #expect(matrix["annotated"]?.bool == true)
        let gan = layers(byID["gan-lab"]!)
        #expect(gan.map { $0["kind"]?.string } == ["heatmap", "scatter", "scatter", "arrows"])
        #expect(gan[0]["xExtent"]?.doubles == [-2, 2])
        let image = layers(byID["segmentation"]!, panel: 1).first?["image"]
        let classes = image?["classes"]?.array ?? []
        #expect(classes.map { $0["name"]?.string } == ["background", "optic disc", "optic cup"])
        #expect(classes.compactMap { $0["pixels"]?.int }.reduce(0, +) == 64 * 64)
        #expect(classes.first?["color"] == nil)
        #expect(classes.last?["color"]?.string == "#009e73")
        let samples = layers(byID["samples"]!, panel: 1).first?["image"]
        #expect(samples?["tiles"]?.int == 16)
        #expect(samples?["width"]?.int == 4 * 28 + 3 * 2)
    }

    @Test func sidecarKeysAreSorted() throws {
        let text = String(decoding: try Gallery.lines().sidecar(id: "lines", caption: "c"), as: UTF8.self)
        let topLevelKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(topLevelKeys == topLevelKeys.sorted())
        #expect(topLevelKeys.contains("caption"))
    }
}

@Suite struct Ticking {
    @Test func niceLinearTicks() {
        #expect(Ticks.linear(lower: 0, upper: 0.97) == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(Ticks.linear(lower: -3.2, upper: 7.9) == [-4, -2, 0, 2, 4, 6, 8])
        #expect(Ticks.linear(lower: 0, upper: 2950) == [0, 500, 1000, 1500, 2000, 2500, 3000])
        #expect(Ticks.linear(lower: 0.5, upper: 0.5) == [0.44, 0.46, 0.48, 0.5, 0.52, 0.54, 0.56])
        #expect(Ticks.labels(linear: [0, 0.2, 0.4]) == ["0.0", "0.2", "0.4"])
        #expect(Ticks.labels(linear: [0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"])
        #expect(Ticks.labels(linear: [-1, 0, 1]) == ["−1", "0", "1"])
        #expect(Ticks.labels(linear: [0, 1e6, 2e6]) == ["0", "10⁶", "2×10⁶"])
    }

    @Test func logTicks() {
        #expect(Ticks.logarithmic(lower: 0.003, upper: 250) == [0.001, 0.01, 0.1, 1, 10, 100, 1000])
        #expect(Ticks.logarithmic(lower: 2, upper: 8) == [1, 2, 5, 10])
        #expect(Ticks.logarithmic(lower: 1e-12, upper: 1) == [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1])
        #expect(Ticks.labels(log: [0.001, 1, 1000, 1e-6, 1e7]) == ["0.001", "1", "1000", "10⁻⁶", "10⁷"])
    }
}

@Suite struct Colors {
    @Test func colormapGoldenValues() {
        #expect(Colormap.diverging.color(at: 0.5).hexString == "#ffffff")
        // Regression values of the OKLab construction (dark purple → yellow; blue → white → red).
        #expect(Colormap.sequential.color(at: 0).hexString == "#4c0f6d")
        #expect(Colormap.sequential.color(at: 1).hexString == "#f2ed2b")
        #expect(Colormap.diverging.color(at: 0).hexString == "#005bb4")
        #expect(Colormap.diverging.color(at: 1).hexString == "#a9231e")
        let mid = Colormap.diverging.color(at: 0.5)
        #expect(abs(mid.red - 1) < 1e-6 && abs(mid.green - 1) < 1e-6 && abs(mid.blue - 1) < 1e-6)
    }

    @Test func sequentialLightnessRises() {
        let luminance = stride(from: 0.0, through: 1.0, by: 0.05).map { Colormap.sequential.color(at: $0).luminance }
        #expect(zip(luminance, luminance.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func okabeItoOrder() {
        #expect(Palette.series.map(\.hexString) == ["#0072b2", "#d55e00", "#009e73", "#e69f00", "#56b4e9", "#cc79a7", "#f0e442", "#000000"])
    }
}

@Suite struct BadInput {
    func error(_ build: (inout Panel) -> Void) -> FigureError? {
        var figure = Figure()
        figure.panel(build)
        do {
            _ = try figure.sidecar(id: "bad", caption: "")
            return nil
        } catch {
            return error as? FigureError
        }
    }

    @Test func emptySeries() {
        let e = error { $0.line(x: [], y: [], label: "loss") }
        #expect(e == .emptyData("panel 1, line 'loss'"))
        #expect(e?.description.contains("empty") == true)
    }

    @Test func nanValue() {
        let e = error { p in
            p.title = "T"
            p.scatter(x: [1, 2, 3], y: [1, .nan, 3], label: "fake")
        }
        #expect(e == .nonFinite("panel 1 'T', scatter 'fake'", field: "y", index: 1))
        #expect(e?.description.contains("NaN") == true)
    }

    @Test func mismatchedLengths() {
        let e = error { $0.line(x: [1, 2, 3], y: [1, 2], label: "D") }
        #expect(e == .lengthMismatch("panel 1, line 'D'", field: "y", expected: 3, actual: 2))
        #expect(e?.description.contains("mismatched") == true)
        #expect(error { $0.line(x: [1, 2], y: [1, 2], band: Band(lower: [0], upper: [3, 3])) } != nil)
    }

    @Test func nonPositiveOnLogScale() {
        let e = error { p in
            p.yScale = .log
            p.line(x: [1, 2], y: [1, 0], label: "kl")
        }
        #expect(e == .nonPositiveOnLogScale("panel 1, line 'kl'", field: "y", index: 1))
    }

    @Test func otherProblems() {
        #expect(error { _ in } == .emptyData("panel 1"))
        #expect(error { $0.bars(categories: ["a", "b"], values: [1], label: "x") } != nil)
        #expect(error { $0.matrix([[1, 2], [3]], rowLabels: ["a", "b"], columnLabels: ["a", "b"]) } != nil)
        #expect(error { $0.histogram([1, 2], bins: .edges([2, 1])) } != nil)
        #expect(error { $0.image(Raster(gray: [0, 1, 0], width: 2, height: 2)) }
            == .lengthMismatch("panel 1, image", field: "pixels", expected: 4, actual: 3))
        #expect(throws: FigureError.self) { try Figure().sidecar(id: "x", caption: "") }
        var ok = Figure()
        ok.panel { $0.line([1, 2]) }
        #expect(throws: FigureError.self) { try ok.sidecar(id: "Not Kebab", caption: "") }
    }
}

@Suite struct DirectPNG {
    @Test func grayRoundTrip() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("gray.png")
        let pixels: [Float] = [0, 0.5, 1, 0.25, 0.75, 1, 0, 0]
        try PNGImage.write(gray: pixels, width: 4, height: 2, to: url)
        let back = try PNGImage.read(from: url)
        #expect(back.width == 4 && back.height == 2 && back.channels == .gray)
        #expect(back.pixels.map { Int(($0 * 255).rounded()) } == [0, 128, 255, 64, 191, 255, 0, 0])
    }

    @Test func rgbGridRoundTrip() throws {
        let red = Raster(rgb: [Float](repeating: 0, count: 12).enumerated().map { $0.offset % 3 == 0 ? 1 : 0 }, width: 2, height: 2)
        let gray = Raster(gray: [0.5, 0.5, 0.5, 0.5], width: 2, height: 2)
        let grid = try Raster.grid([red, gray, red], columns: 2, padding: 1, background: 1)
        #expect(grid.width == 5 && grid.height == 5 && grid.channels == .rgb)
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("grid.png")
        try PNGImage.write(grid, to: url)
        let back = try PNGImage.read(from: url)
        #expect(back.width == 5 && back.height == 5)
        #expect(Array(back.pixels[0..<3]) == [1, 0, 0])  // top-left: red tile
        #expect(Array(back.pixels[6..<9]) == [1, 1, 1])  // padding column
        #expect(abs(back.pixels[9] - 128 / 255) < 1e-6)  // gray tile
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["grid.png"])
    }

    @Test func badRasterThrows() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.png")
        #expect(throws: FigureError.self) { try PNGImage.write(gray: [0, 1], width: 2, height: 2, to: url) }
        #expect(throws: FigureError.self) { try PNGImage.write(rgb: [0, .nan, 0], width: 1, height: 1, to: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(throws: FigureError.self) { try PNGImage.read(from: url) }
    }
}
