import Experiment
import Figures
import Foundation

/// How TimeGAN and the recurrent GAN trained: their loss curves (did the generator learn at all?) and where the
/// wall time went, per model and phase.
extension TimeGANSteps {
    static func writeTraining(_ results: [(PreparedData, [Scored])], run: ExperimentRun, context: TalkContext) throws {
        try writeTimings(results, run: run)
        var figure = Figure(width: 960, height: 300 * Double(results.count), columns: 2)
        var slide = Figure(width: 960, height: 340, columns: results.count)
        for (data, rows) in results {
            if let timeGAN = rows.first(where: { $0.model == "TimeGAN" })?.training {
                var p = Panel()
                p.title = "\(data.title): TimeGAN"
                p.yScale = .log
                p.xLabel = "iteration in phase"
                for (k, phase) in timeGAN.phases.enumerated() {
                    guard let loss = phase.losses.first else { continue }
                    let curve = TrainingRecord.thinned(loss.values.map { max($0, 1e-6) })
                    p.line(x: curve.steps, y: curve.values, label: "\(phase.name): \(loss.name)",
                           color: Palette.series[k % Palette.series.count])
                }
                p.legend = .outside
                figure.add(p)
            }
            if let baseline = rows.first(where: { $0.model == "recurrent GAN" }) {
                let p = baselinePanel(baseline, title: "\(data.title): recurrent GAN")
                figure.add(p)
                var brief = p
                brief.title = data.id
                brief.legend = data.id == results.last!.0.id ? .outside : .hidden
                slide.add(brief)
            }
        }
        try context.write(figure, id: "timegan-curves", caption:
            "Training losses, averaged over windows of consecutive iterations. Left: TimeGAN's main loss in each phase "
            + "(embedding: reconstruction; supervised: next-step latent error; joint: the generator's adversarial loss), "
            + "log scale. Right: the recurrent GAN's generator and discriminator losses with the values of the "
            + "equilibrium D = ½ (generator log 2, discriminator log 4). A discriminator loss falling towards 0 while the "
            + "generator's climbs means the discriminator wins every time: the generator is not learning.",
                          slide: slide)
    }

    static func baselinePanel(_ scored: Scored, title: String) -> Panel {
        var p = Panel()
        p.title = title
        p.xLabel = "iteration"
        for (k, loss) in (scored.training?.phases.first?.losses ?? []).enumerated() {
            let curve = TrainingRecord.thinned(loss.values)
            p.line(x: curve.steps, y: curve.values, label: loss.name, color: k == 0 ? Palette.vermillion : Palette.blue)
        }
        p.referenceLine(y: log(2), label: "log 2")
        p.referenceLine(y: log(4), label: "log 4")
        p.legend = .outside
        return p
    }

    /// Wall time per model and phase: where a run's budget goes.
    static func writeTimings(_ results: [(PreparedData, [Scored])], run: ExperimentRun) throws {
        var table = ResultTable(
            id: "timegan-timings",
            caption: "Wall time of each training phase (this run, \(run.blas.threads) thread(s), a shared machine; "
                + "scoring not included). Per network: every TimeGAN network is a 3-layer GRU of the same size, so a "
                + "phase's cost follows its passes (forward and backward) through one: an embedding iteration runs 2 "
                + "(embedder, recovery), a supervised one 2 (embedder, supervisor), a joint one 26 (twice a generator "
                + "step through embedder, generator, supervisor twice, recovery and discriminator twice, and an embedder "
                + "step through embedder, recovery and supervisor; then a discriminator step through embedder, "
                + "generator, supervisor and discriminator three times). The recurrent GAN's iteration is 5 "
                + "discriminator steps and 1 generator step at batch 28.",
            columns: [.init("data set"), .init("model"), .init("phase"), .init("iterations", alignment: .right),
                      .init("seconds", alignment: .right), .init("ms per iteration", alignment: .right)])
        for (data, rows) in results {
            for row in rows {
                for phase in row.training?.phases ?? [] {
                    table.append([.text(data.title), .text(row.model), .text(phase.name), .text("\(phase.steps)"),
                                  .text(String(format: "%.1f", phase.seconds)),
                                  .text(String(format: "%.1f", 1000 * phase.seconds / Double(max(phase.steps, 1))))])
                }
            }
        }
        try run.write(table)
    }
}
