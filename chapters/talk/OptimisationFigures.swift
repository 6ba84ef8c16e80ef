import Figures
import Foundation
import GAN

/// The optimisation toys of the GAN-math step: gradient play on x·y, and Adam against plain gradient descent.
extension GANMathSteps {
    static func xyGameFigure(_ context: TalkContext, _ s: GANMathSettings) throws {
        let eta = s.xyLearningRate, steps = s.xySteps
        let start = Point2(1, 1)
        let sim = BilinearGame.simultaneous(from: start, learningRate: eta, steps: steps)
        let alt = BilinearGame.alternating(from: start, learningRate: eta, steps: steps)
        var figure = Figure(width: 900, height: 400, columns: 2)
        figure.panel { p in
            p.line(x: sim.map(\.x), y: sim.map(\.y), label: "simultaneous", color: Palette.vermillion)
            p.line(x: alt.map(\.x), y: alt.map(\.y), label: "alternating", color: Palette.blue)
            p.scatter(x: [start.x], y: [start.y], label: "start", color: Palette.black, radius: 4)
            p.scatter(x: [0], y: [0], label: "equilibrium (0, 0)", color: Palette.bluishGreen, radius: 5)
            p.title = "Gradient play on V(x, y) = x·y (x minimises, y maximises)"
            p.xLabel = "x"
            p.yLabel = "y"
            p.legend = .outside
        }
        figure.panel { p in
            p.line(sim.map(\.norm), label: "simultaneous", color: Palette.vermillion)
            p.line(alt.map(\.norm), label: "alternating", color: Palette.blue)
            p.title = "Distance from the equilibrium"
            p.xLabel = "step"
            p.yLabel = "‖(x, y)‖"
            p.legend = .topLeft
        }
        try context.write(figure, id: "xy-game", caption:
            "Both players take gradient steps of size η = \(fmt(eta)) on V(x, y) = x·y. Simultaneous steps multiply the "
            + "distance from (0, 0) by √(1 + η²) each time and spiral out (×\(fmt(sim.last!.norm / start.norm)) after "
            + "\(steps) steps); alternating steps stay on a closed orbit. Neither converges: the equilibrium is a "
            + "rotation centre, which is why GAN losses oscillate.")
    }

    static func adamFigure(_ context: TalkContext) throws {
        let f = Quadratic2D(a: 1, b: 100)
        let start = Point2(-4, 1.5)
        let steps = 120
        let sgdRate = 0.019  // just under the stability limit 2/b = 0.02
        let sgd = sgdTrajectory(on: f, from: start, learningRate: sgdRate, steps: steps)
        let adam = adamTrajectory(on: f, from: start, learningRate: 0.05, steps: steps)
        let extent = (x: -4.5...1.5, y: -2.0...2.0)
        let r = 80
        let field = (0..<r).map { row in
            (0..<r).map { col in
                let x = extent.x.lowerBound + (extent.x.upperBound - extent.x.lowerBound) * Double(col) / Double(r - 1)
                let y = extent.y.lowerBound + (extent.y.upperBound - extent.y.lowerBound) * Double(row) / Double(r - 1)
                return Foundation.log10(f.value(Point2(x, y)) + 1e-3)
            }
        }
        var figure = Figure(width: 960, height: 400, columns: 2)
        figure.panel { p in
            p.heatmap(field, x: extent.x, y: extent.y, label: "log₁₀ f")
            p.line(x: sgd.map(\.x), y: sgd.map(\.y), label: "SGD, η = \(fmt(sgdRate))", color: Palette.vermillion)
            p.line(x: adam.map(\.x), y: adam.map(\.y), label: "Adam, η = 0.05", color: Palette.black)
            p.scatter(x: [0], y: [0], label: "minimum", color: Palette.reddishPurple, radius: 5)
            p.title = "f(x, y) = ½(x² + 100y²)"
            p.xLabel = "x"
            p.yLabel = "y"
            p.legend = .bottomRight
        }
        figure.panel { p in
            p.line(sgd.map { f.value($0) + 1e-12 }, label: "SGD", color: Palette.vermillion)
            p.line(adam.map { f.value($0) + 1e-12 }, label: "Adam", color: Palette.black)
            p.yScale = .log
            p.title = "Loss per step"
            p.xLabel = "step"
            p.yLabel = "f"
        }
        try context.write(figure, id: "adam-vs-sgd", caption:
            "SGD and Adam (written out as the slide's equations) on an ill-conditioned quadratic. SGD's step is capped by "
            + "the steep y direction (η < 2/100), so it zig-zags in y and crawls along the shallow x direction (x = "
            + "\(fmt(sgd.last!.x)) after \(steps) steps). Adam divides each coordinate's step by that coordinate's own "
            + "gradient scale, so both directions move at about η per step: it heads straight for the minimum (x = "
            + "\(fmt(adam.last!.x))) and then wobbles around it on a scale set by η.")
    }
}
