import Foundation
@testable import Figures

/// One example of every figure kind, shared by the rendering tests and the visual check
/// (`FIGURES_DEMO_DIR=/tmp/figures-demo swift test --filter FiguresTests.gallery`).
enum Gallery {
    /// A deterministic pseudo-random stream (SplitMix64), so examples need no seeds from elsewhere.
    struct Stream {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            sqrt(-2 * log(max(uniform(), 1e-300))) * cos(2 * .pi * uniform())
        }
    }

    static func lines() -> Figure {
        var figure = Figure(width: 640, height: 400)
        let steps = (0..<60).map { Double($0) * 50 }
        let dLoss = steps.map { 1.386 + 0.6 * exp(-$0 / 600) * cos($0 / 300) }
        let gLoss = steps.map { 0.693 + 1.2 * exp(-$0 / 500) }
        figure.panel { p in
            p.title = "GAN losses on the 8-Gaussian ring"
            p.line(x: steps, y: dLoss, label: "discriminator", band: Band(center: dLoss, halfWidth: steps.map { _ in 0.08 }))
            p.line(x: steps, y: gLoss, label: "generator", style: .dashed)
            p.referenceLine(y: log(4), label: "log 4 (equilibrium)")
            p.referenceLine(x: 1500, label: "lr decay")
            p.xLabel = "training step"
            p.yLabel = "loss"
        }
        figure.footer = "seed 0 · config 1a2b3c · kit 0.1.0"
        return figure
    }

    static func logScale() -> Figure {
        var figure = Figure(width: 560, height: 380)
        let epochs = (1...200).map(Double.init)
        figure.panel { p in
            p.title = "ELBO terms"
            p.line(x: epochs, y: epochs.map { 300 / $0 + 2 }, label: "reconstruction")
            p.line(x: epochs, y: epochs.map { 0.05 * pow($0, 0.8) }, label: "KL", style: .dotted)
            p.xScale = .log
            p.yScale = .log
            p.xLabel = "epoch"
            p.yLabel = "nats"
        }
        return figure
    }

    static func histograms() -> Figure {
        var stream = Stream(state: 7)
        let real = (0..<2000).map { _ in stream.normal() * 1.0 + 0.5 }
        let synthetic = (0..<2000).map { _ in stream.normal() * 1.3 + 0.2 }
        var figure = Figure(width: 560, height: 360)
        figure.panel { p in
            p.title = "Age (standardised): real vs TabDDPM"
            p.histogram(real, bins: .count(30), label: "real", density: true)
            p.histogram(synthetic, bins: .count(30), label: "synthetic", density: true)
            p.xLabel = "value"
            p.yLabel = "density"
        }
        return figure
    }

    static func bars() -> Figure {
        var figure = Figure(width: 600, height: 360)
        let datasets = ["abalone", "adult", "buddy", "california", "king"]
        figure.panel { p in
            p.title = "ML efficiency (CatBoost)"
            p.bars(categories: datasets, values: [0.55, 0.81, 0.91, 0.84, 0.88], label: "real", errors: [0.01, 0.003, 0.005, 0.004, 0.006])
            p.bars(categories: datasets, values: [0.55, 0.80, 0.91, 0.83, 0.83], label: "TabDDPM", errors: [0.006, 0.002, 0.004, 0.003, 0.005])
            p.bars(categories: datasets, values: [0.43, 0.78, 0.88, 0.70, 0.73], label: "CTGAN", errors: [0.01, 0.004, 0.006, 0.005, 0.007])
            p.yLabel = "score"
            p.legend = .outside
        }
        return figure
    }

    static func correlation() -> Figure {
        let names = ["age", "education-num", "hours-per-week", "capital-gain", "income"]
        let m: [[Double]] = [
            [1.00, 0.04, 0.07, 0.08, 0.23],
            [0.04, 1.00, 0.15, 0.12, 0.34],
            [0.07, 0.15, 1.00, 0.08, 0.23],
            [0.08, 0.12, 0.08, 1.00, 0.22],
            [0.23, 0.34, 0.23, 0.22, 1.00],
        ].enumerated().map { r, row in row.enumerated().map { c, v in r == c ? v : (r + c) % 3 == 0 ? -v : v } }
        var figure = Figure(width: 520, height: 440)
        figure.panel { p in
            p.title = "Correlation difference, adult"
            p.matrix(m, rowLabels: names, columnLabels: names, valueRange: -1...1, annotate: true, label: "Pearson r")
        }
        return figure
    }

    static func ganLab() -> Figure {
        var stream = Stream(state: 3)
        let n = 40
        let field = (0..<n).map { r in
            (0..<n).map { c -> Double in
                let (x, y) = (-2 + 4 * (Double(c) + 0.5) / Double(n), -2 + 4 * (Double(r) + 0.5) / Double(n))
                return 1 / (1 + exp(-(2 - x * x - y * y) * 1.5))
            }
        }
        let realX = (0..<60).map { _ in stream.normal() * 0.35 }, realY = (0..<60).map { _ in stream.normal() * 0.35 }
        let fakeX = (0..<30).map { _ in 1.2 + stream.normal() * 0.2 }, fakeY = (0..<30).map { _ in -0.9 + stream.normal() * 0.2 }
        var figure = Figure(width: 520, height: 440)
        figure.panel { p in
            p.title = "Step 400: D(x), real, fake and ∇G"
            p.heatmap(field, x: -2...2, y: -2...2, colormap: .sequential, valueRange: 0...1, label: "D(x)")
            p.scatter(x: realX, y: realY, label: "real", color: Palette.bluishGreen, radius: 3)
            p.scatter(x: fakeX, y: fakeY, label: "fake", color: Palette.reddishPurple, radius: 3)
            p.arrows(x: fakeX, y: fakeY, dx: fakeX.map { -$0 }, dy: fakeY.map { -$0 }, scale: 0.3, label: "generator gradient",
                     color: Palette.vermillion)
            p.xLabel = "x₁"
            p.yLabel = "x₂"
        }
        return figure
    }

    static func samples() -> Figure {
        var stream = Stream(state: 11)
        let tiles = (0..<16).map { k -> Raster in
            let pixels = (0..<(28 * 28)).map { i -> Float in
                let (x, y) = (Double(i % 28) - 13.5, Double(i / 28) - 13.5)
                let ring = exp(-pow(hypot(x, y) - 6 - Double(k % 4), 2) / 4)
                return Float(min(1, ring + 0.1 * stream.uniform()))
            }
            return Raster(gray: pixels, width: 28, height: 28)
        }
        var figure = Figure(width: 600, height: 330, columns: 2)
        figure.panel { p in
            p.title = "Real"
            p.images(Array(tiles[0..<8]) + Array(tiles[0..<8]), columns: 4)
        }
        figure.panel { p in
            p.title = "GP-VAE samples"
            p.images(tiles, columns: 4)
        }
        return figure
    }

    static func segmentation() -> Figure {
        let size = 64
        var pixels: [Float] = [], labels: [Int] = []
        for y in 0..<size {
            for x in 0..<size {
                let (dx, dy) = (Double(x - 32), Double(y - 30))
                let r = hypot(dx, dy)
                pixels += [Float(0.3 + 0.4 * exp(-r / 30)), Float(0.25 + 0.3 * exp(-r / 25)), Float(0.3)]
                labels.append(r < 9 ? 2 : r < 20 ? 1 : 0)
            }
        }
        let raster = Raster(rgb: pixels, width: size, height: size)
        var figure = Figure(width: 640, height: 300, columns: 2)
        figure.panel { p in
            p.title = "Image"
            p.image(raster)
        }
        figure.panel { p in
            p.title = "Predicted mask"
            p.image(raster, mask: SegmentationMask(labels: labels, width: size, height: size,
                                                   classNames: ["background", "optic disc", "optic cup"]))
        }
        return figure
    }

    static func multiPanel() -> Figure {
        var figure = Figure(width: 720, height: 440, columns: 2)
        figure.title = "Optimal discriminator as p_g approaches p_data"
        figure.sharesX = true
        figure.sharesY = true
        let xs = (0...120).map { -4 + 8 * Double($0) / 120 }
        func gauss(_ x: Double, _ m: Double) -> Double { exp(-(x - m) * (x - m) / 2) / sqrt(2 * .pi) }
        for (i, shift) in [3.0, 2.0, 1.0, 0.0].enumerated() {
            figure.panel { p in
                p.title = "(\(["a", "b", "c", "d"][i])) mean gap \(Int(shift))"
                let pd = xs.map { gauss($0, -shift / 2) }, pg = xs.map { gauss($0, shift / 2) }
                p.line(x: xs, y: pd, label: "p_data", color: Palette.black)
                p.line(x: xs, y: pg, label: "p_g", color: Palette.bluishGreen)
                p.line(x: xs, y: zip(pd, pg).map { $0 / ($0 + $1) }, label: "D*(x)", style: .dashed, color: Palette.blue)
                p.referenceLine(y: 0.5, label: "½")
                p.xLabel = "x"
                p.yLabel = "density / D"
                p.legend = i == 0 ? .automatic : .hidden
            }
        }
        return figure
    }

    static let all: [(id: String, figure: Figure)] = [
        ("lines", lines()), ("log-scale", logScale()), ("histograms", histograms()), ("bars", bars()),
        ("correlation", correlation()), ("gan-lab", ganLab()), ("samples", samples()), ("segmentation", segmentation()),
        ("multi-panel", multiPanel()),
    ]
}
