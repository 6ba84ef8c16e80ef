import Experiment
import Figures
import Foundation
import GAN

/// The two figures a lecture on GAN training needs beside the JSD argument: how much gradient each generator loss
/// passes back, and what a Wasserstein critic says where the JSD is flat.
extension GANMathSteps {
    /// Both generator losses and the size of the gradient each sends to the discriminator's logit, on one plot.
    static func generatorGradientFigure(_ context: TalkContext, _ s: GANMathSettings) throws {
        let d = (1..<500).map { Double($0) / 500 }
        var figure = Figure(width: 760, height: 420)
        figure.panel { p in
            p.line(x: d, y: d.map(GeneratorLoss.saturating.value), label: "loss log(1 − D)", color: Palette.blue)
            p.line(x: d, y: d.map(GeneratorLoss.nonSaturating.value), label: "loss −log D", color: Palette.vermillion)
            p.line(x: d, y: d.map { Swift.abs(GeneratorLoss.saturating.logitGradient($0)) }, label: "its gradient: D",
                   style: .dashed, color: Palette.blue)
            p.line(x: d, y: d.map { Swift.abs(GeneratorLoss.nonSaturating.logitGradient($0)) }, label: "its gradient: 1 − D",
                   style: .dashed, color: Palette.vermillion)
            p.referenceLine(x: s.startingVerdict, label: "early training")
            p.title = "Saturating vs non-saturating generator loss"
            p.xLabel = "D(G(z))"
            p.yLabel = "loss, |∂loss/∂logit|"
            p.yRange = -3...4
            p.legend = .outside
        }
        let start = s.startingVerdict
        try context.write(figure, id: "generator-gradients", caption:
            "The saturating generator loss log(1 − D) and the non-saturating −log D (solid) as functions of the "
            + "discriminator's verdict D(G(z)), with the size of the gradient each passes to the discriminator's logit "
            + "(dashed), computed from σ′ = σ(1 − σ). At D(G(z)) = \(fmt(start)), early in training, the saturating loss "
            + "passes \(fmt(Swift.abs(GeneratorLoss.saturating.logitGradient(start)))) and the non-saturating one "
            + "\(fmt(Swift.abs(GeneratorLoss.nonSaturating.logitGradient(start)))).")
    }

    /// U[0, 1] against U[s, s + 1]: the JSD stops at log 2 once the supports separate, W₁ = |s| keeps growing, and
    /// a trained WGAN critic finds it; at one shift, the critic beside the optimal discriminator.
    static func wassersteinCriticFigure(_ context: TalkContext, _ s: GANMathSettings) throws {
        let real = Uniform1D(lower: 0, upper: 1)
        let grid = Grid1D(lower: -0.5, upper: 4.5, count: 501)
        let shifts = Set(s.criticShifts + [s.criticShownShift]).sorted()
        let progress = Progress(total: shifts.count, label: "WGAN critic")
        var critics: [Double: TrainedCritic1D] = [:]
        for (i, shift) in shifts.enumerated() {
            critics[shift] = trainCritic1D(p: real, q: Uniform1D(lower: shift, upper: shift + 1), grid: grid,
                                           settings: s.critic, rng: context.rng(700 + UInt64(i)))
            progress.update(step: i + 1)
        }
        let estimates = s.criticShifts.map { "\(fmt($0)): \(fmt(critics[$0]!.wassersteinEstimate))" }
        try context.write(criticFigure(s, critics: critics, real: real, grid: grid, brief: false), id: "wgan-critic", caption:
            "The example of the JSD-saturation figure, p = U[0, 1] against q = U[s, s + 1]. Left: the JSD is log 2 for "
            + "every s ≥ 1, while the Wasserstein distance W₁ = |s| keeps growing; dots: a WGAN critic (ReLU MLP of "
            + "width \(s.critic.hidden), weights clipped to ±\(fmt(Double(s.critic.clip))), \(s.critic.steps) Adam steps) "
            + "trained on samples, its E_p[f] − E_q[f] divided by its steepest slope on the grid (clipping bounds the "
            + "slope, not to 1): " + estimates.joined(separator: ", ") + ". Right: at s = \(fmt(s.criticShownShift)) the "
            + "optimal discriminator is 1 on p's support and 0 on q's, flat on both, so it gives the generator no "
            + "direction; the critic rises steadily from q towards p, a slope the generator can follow.",
                          slide: criticFigure(s, critics: critics, real: real, grid: grid, brief: true))
    }

    /// Left: JSD, W₁ and the critics' estimates against the shift; right: the critic and the optimal D at one shift.
    /// `brief` titles and labels fit a slide, legends beside the plots.
    static func criticFigure(_ s: GANMathSettings, critics: [Double: TrainedCritic1D], real: Uniform1D, grid: Grid1D,
                             brief: Bool) -> Figure {
        let line = stride(from: 0.0, through: 3.0, by: 0.02).map { $0 }
        var figure = Figure(width: 960, height: 400, columns: 2)
        figure.panel { p in
            p.line(x: line, y: line.map { jensenShannonUniforms(width: 1, shift: $0) }, label: "JSD", color: Palette.blue)
            p.line(x: line, y: line.map(wassersteinUniforms), label: brief ? "W₁" : "W₁ = |s|", color: Palette.vermillion)
            p.scatter(x: s.criticShifts, y: s.criticShifts.map { critics[$0]!.wassersteinEstimate },
                      label: brief ? "critic" : "trained critic", color: Palette.vermillion, radius: 4)
            p.title = brief ? "JSD and W₁" : "Distance as U[s, s+1] leaves U[0, 1]"
            p.xLabel = "shift s"
            if !brief { p.yLabel = "nats / distance" }
            p.legend = brief ? .outside : .topLeft
        }
        let shown = critics[s.criticShownShift]!
        let x = grid.points
        let pd = x.map(real.pdf), pg = x.map(Uniform1D(lower: s.criticShownShift, upper: s.criticShownShift + 1).pdf)
        let supported = x.indices.filter { pd[$0] + pg[$0] > 0 }
        figure.panel { p in
            p.line(x: x, y: shown.critic.map { $0 / shown.slope }, label: brief ? "critic" : "critic f / max|f′|",
                   color: Palette.vermillion)
            p.scatter(x: supported.map { x[$0] }, y: supported.map { optimalDiscriminator(pData: pd[$0], pG: pg[$0]) },
                      label: brief ? "optimal D" : "optimal D (JSD)", color: Palette.blue, radius: 1.5)
            p.title = brief ? "s = \(fmt(s.criticShownShift))" : "s = \(fmt(s.criticShownShift)): what the generator is told"
            p.xLabel = "x"
            p.legend = brief ? .outside : .topRight
        }
        return figure
    }
}
