import Experiment
import Figures
import Foundation
import GAN
import Tensor

/// Budgets of the 2-D ring GAN: one well-behaved run for the snapshots, GAN Lab panel and loss curves, and a pair
/// of runs that differ in one switch for the mode-collapse figure.
struct RingGANSettings: Codable {
    /// The run behind ring-snapshots, ganlab-panel and ring-losses (non-saturating loss, balanced learning rates).
    var main: RingGANConfig
    /// Collapse: the generator's learning rate 10× the discriminator's (G outruns D and piles onto few modes).
    var collapse: RingGANConfig
    /// Remedy: the same run with the minibatch-standard-deviation feature in the discriminator.
    var remedy: RingGANConfig

    init(profile: Profile) {
        var main = RingGANConfig()
        main.hidden = profile.choose(smoke: 64, default: 128, paper: 128)
        main.batch = profile.choose(smoke: 128, default: 256, paper: 256)
        main.steps = profile.choose(smoke: 600, default: 2000, paper: 5000)
        main.snapshotSteps = [0, 1, 2, 4, 8].map { main.steps * $0 / 8 }
        main.snapshotSamples = 512
        main.gridResolution = profile.choose(smoke: 32, default: 60, paper: 80)
        main.evaluationSamples = profile.choose(smoke: 1000, default: 2500, paper: 5000)
        self.main = main

        var collapse = main
        collapse.steps = profile.choose(smoke: 600, default: 1500, paper: 3000)
        collapse.snapshotSteps = [collapse.steps]
        collapse.generatorLearningRate = 5e-3
        collapse.discriminatorLearningRate = 5e-4
        self.collapse = collapse
        var remedy = collapse
        remedy.minibatchStd = true
        self.remedy = remedy
    }
}

enum RingGANSteps {
    static func run(_ context: TalkContext) throws {
        let s = context.config.ring
        if ["ring-snapshots", "ganlab-panel", "ring-losses"].contains(where: context.draws) {
            let main = train(s.main, label: "ring GAN", rng: context.rng(300))
            if context.draws("ring-snapshots") { try snapshotsFigure(context, main) }
            if context.draws("ganlab-panel") { try ganLabFigure(context, main) }
            if context.draws("ring-losses") { try lossesFigure(context, main) }
        }
        if context.draws("mode-collapse") {
            let collapse = train(s.collapse, label: "ring GAN (collapse)", rng: context.rng(301))
            let remedy = train(s.remedy, label: "ring GAN (remedy)", rng: context.rng(301))
            try modeCollapseFigure(context, collapse, remedy)
        }
    }

    static func train(_ config: RingGANConfig, label: String, rng: RandomGenerator) -> RingGANResult {
        let progress = Progress(total: config.steps, label: label)
        defer { progress.finish() }
        return trainRingGAN(config, rng: rng) { progress.update(step: $0) }
    }

    static func modes(_ c: ModeCoverage, of total: Int) -> String {
        "\(c.modesCovered)/\(total) modes, \(Int((100 * c.highQualityFraction).rounded())) % high quality"
    }

    static func snapshotsFigure(_ context: TalkContext, _ r: RingGANResult) throws {
        let ring = r.config.ring
        let count = r.snapshots.count
        // The slide shows the first, middle and last snapshot: six panels would leave no room for legible text.
        let slide = snapshotsFigure(r, snapshots: Array(Set([0, count / 2, count - 1])).sorted().map { r.snapshots[$0] },
                                    width: 1100, height: 260, brief: true)
        let final = r.snapshots.last!.coverage
        try context.write(snapshotsFigure(r, snapshots: r.snapshots, width: 1100, height: 260, brief: false), id: "ring-snapshots",
                          caption:
            "A GAN learning a ring of \(ring.modes) Gaussians (σ = \(fmt(ring.modeStd))): real samples (green) and "
            + "generated ones (purple) over training (2-D noise, MLPs of width \(r.config.hidden), non-saturating loss, Adam "
            + "lr \(fmt(Double(r.config.generatorLearningRate))) for both). A mode counts as covered when at least "
            + "\(fmt(100 * r.config.coverageFraction)) % of generated points fall within 3σ of its centre. Last "
            + "snapshot: \(modes(final, of: ring.modes)); on \(r.config.evaluationSamples) fresh samples: "
            + "\(modes(r.finalCoverage, of: ring.modes)).", slide: slide)
    }

    /// Real and generated points at each of `snapshots`, one panel each in a row; `brief` titles fit a slide's panel.
    static func snapshotsFigure(_ r: RingGANResult, snapshots: [RingSnapshot], width: Double, height: Double,
                                brief: Bool) -> Figure {
        var figure = Figure(width: width, height: height, columns: snapshots.count)
        figure.sharesX = true
        figure.sharesY = true
        for snap in snapshots {
            figure.panel { p in
                p.scatter(x: snap.real.map(\.x), y: snap.real.map(\.y), label: "real", color: Palette.bluishGreen.withAlpha(0.5),
                          radius: 1.5)
                p.scatter(x: snap.fake.map(\.x), y: snap.fake.map(\.y), label: "generated",
                          color: Palette.reddishPurple.withAlpha(0.7), radius: 1.5)
                let covered = "\(snap.coverage.modesCovered)/\(r.config.ring.modes)"
                p.title = brief ? "\(covered) at \(snap.step)" : "step \(snap.step): \(covered) modes"
                p.xRange = -3...3
                p.yRange = -3...3
                p.legend = snap.step == snapshots.last!.step ? .automatic : .hidden
            }
        }
        return figure
    }

    static func ganLabFigure(_ context: TalkContext, _ r: RingGANResult) throws {
        let picks = [1, r.snapshots.count / 2 + 1, r.snapshots.count - 1].map { min($0, r.snapshots.count - 1) }
        let figure = ganLabFigure(r, picks: picks, legend: true)
        // The slide shows the first and last view without a legend (its text names the colours): with three
        // colour bars beside three plots, the plots would be slivers.
        let slide = ganLabFigure(r, picks: [picks.first!, picks.last!], legend: false)
        try context.write(figure, id: "ganlab-panel", caption:
            "GAN Lab-style view at three steps: the discriminator's output D(x) as the background (bright: \"real\"), "
            + "real points (green), generated points (purple), and arrows along ∇ₓD(x) at generated points, the direction "
            + "the generator's update moves each sample (arrows scaled so the longest is half a unit).", slide: slide)
    }

    /// D(x) as the background, real and generated points and the arrows ∇ₓD, one panel per snapshot in `picks`.
    static func ganLabFigure(_ r: RingGANResult, picks: [Int], legend: Bool) -> Figure {
        let extent = r.config.gridExtent
        var figure = Figure(width: 1100, height: 380, columns: picks.count)
        for (i, index) in picks.enumerated() {
            let snap = r.snapshots[index]
            let longest = snap.arrowGradients.map(\.norm).max() ?? 0
            let scale = longest > 0 ? 0.5 / longest : 1  // the longest arrow is half a unit long
            figure.panel { p in
                p.heatmap(snap.discriminator, x: -extent...extent, y: -extent...extent, valueRange: 0...1,
                          label: i == picks.count - 1 ? "D(x)" : nil)
                p.scatter(x: snap.real.map(\.x), y: snap.real.map(\.y), label: "real", color: Palette.bluishGreen,
                          radius: 1.5)
                p.scatter(x: snap.fake.map(\.x), y: snap.fake.map(\.y), label: "generated", color: Palette.reddishPurple,
                          radius: 1.5)
                p.arrows(x: snap.arrowTails.map(\.x), y: snap.arrowTails.map(\.y), dx: snap.arrowGradients.map(\.x),
                         dy: snap.arrowGradients.map(\.y), scale: scale, label: "∇ₓD at fakes", color: Color.white)
                p.title = "step \(snap.step)"
                p.xRange = -extent...extent
                p.yRange = -extent...extent
                p.legend = legend && i == 0 ? .bottomLeft : .hidden
            }
        }
        return figure
    }

    static func movingAverage(_ v: [Double], window: Int) -> [Double] {
        var out: [Double] = [], sum = 0.0
        for i in v.indices {
            sum += v[i]
            if i >= window { sum -= v[i - window] }
            out.append(sum / Double(min(i + 1, window)))
        }
        return out
    }

    static func lossesFigure(_ context: TalkContext, _ r: RingGANResult) throws {
        let w = max(1, r.discriminatorLoss.count / 100)
        let steps = r.discriminatorLoss.indices.map { Double($0 + 1) }
        var figure = Figure(width: 960, height: 380, columns: 2)
        figure.sharesX = true
        figure.panel { p in
            p.line(x: steps, y: movingAverage(r.discriminatorLoss, window: w), label: "D loss (BCE, real + fake)",
                   color: Palette.blue)
            p.line(x: steps, y: movingAverage(r.generatorLoss, window: w), label: "G loss: −log D(G(z))",
                   color: Palette.vermillion)
            p.referenceLine(y: log4Nats, label: "log 4")
            p.referenceLine(y: log2Nats, label: "log 2")
            p.title = "Losses"
            p.xLabel = "step"
            p.legend = .topRight
        }
        figure.panel { p in
            p.line(x: steps, y: movingAverage(r.meanDReal, window: w), label: "mean D(real)", color: Palette.bluishGreen)
            p.line(x: steps, y: movingAverage(r.meanDFake, window: w), label: "mean D(G(z))", color: Palette.reddishPurple)
            p.referenceLine(y: 0.5, label: "½")
            p.title = "Discriminator outputs"
            p.xLabel = "step"
            p.yRange = 0...1
            p.legend = .topRight
        }
        try context.write(figure, id: "ring-losses", caption:
            "Training curves of the ring GAN (moving average over \(w) steps). At the equilibrium p_g = p_data the "
            + "discriminator outputs ½ everywhere, so its loss −log ½ − log ½ = log 4 and the generator's −log ½ = log 2. "
            + "Final values: D loss \(fmt(r.discriminatorLoss.last!)), mean D(real) \(fmt(r.meanDReal.last!)), "
            + "mean D(G(z)) \(fmt(r.meanDFake.last!)).")
    }

    static func modeCollapseFigure(_ context: TalkContext, _ collapse: RingGANResult, _ remedy: RingGANResult) throws {
        let m = collapse.config.ring.modes
        // The slide's copy names the two runs briefly, so that each title fits over its panel.
        var figure = Figure(width: 820, height: 420, columns: 2), slide = figure
        for brief in [false, true] {
            let runs = brief ? [("G 10× faster", collapse), ("+ minibatch std", remedy)]
                : [("G lr 10× D lr", collapse), ("same + minibatch-std feature in D", remedy)]
            for (name, r) in runs {
                let snap = r.snapshots.last!
                var p = Panel()
                p.scatter(x: snap.real.map(\.x), y: snap.real.map(\.y), label: "real", color: Palette.bluishGreen.withAlpha(0.5),
                          radius: 1.5)
                p.scatter(x: snap.fake.map(\.x), y: snap.fake.map(\.y), label: "generated",
                          color: Palette.reddishPurple.withAlpha(0.7), radius: 1.5)
                p.title = "\(name): \(r.finalCoverage.modesCovered)/\(m)" + (brief ? "" : " modes")
                p.xRange = -3...3
                p.yRange = -3...3
                p.legend = !brief ? .bottomLeft : name == runs.last!.0 ? .outside : .hidden
                if brief { slide.add(p) } else { figure.add(p) }
            }
        }
        figure.sharesX = true
        figure.sharesY = true
        slide.sharesX = true
        slide.sharesY = true
        try context.write(figure, id: "mode-collapse", caption:
            "Left: the generator's learning rate (\(fmt(Double(collapse.config.generatorLearningRate)))) is 10× the "
            + "discriminator's: G chases whatever D currently likes and its samples pile up in a small region "
            + "(\(modes(collapse.finalCoverage, of: m)) on \(collapse.config.evaluationSamples) samples after "
            + "\(collapse.config.steps) steps). Right: the same run with one change, the discriminator also sees the "
            + "batch's spread (minibatch standard deviation), so a collapsed batch is easy to call fake: "
            + "\(modes(remedy.finalCoverage, of: m)).", slide: slide)
    }
}
