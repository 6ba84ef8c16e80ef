import ArgumentParser
import Experiment
import Foundation

/// A setting a teacher can change in front of the class, `talk --set ring.modes=5`: the figures it feeds (only
/// those are drawn again) and how it reads and writes the run's configuration.
struct TalkParameter {
    let name: String
    let step: TalkStep
    let figures: [String]
    let about: String
    let value: (TalkConfig) -> String
    let apply: (inout TalkConfig, String) throws -> Void

    /// Every parameter, in the order `--list-parameters` prints them.
    static var all: [TalkParameter] { [
        integer("gan.discriminator-steps", .ganMath, ["optimal-discriminator", "jsd-criterion"], atLeast: 1,
                "Adam steps of each trained 1-D discriminator", \.ganMath.discriminator.steps),
        integer("gan.discriminator-hidden", .ganMath, ["optimal-discriminator", "jsd-criterion"], atLeast: 1,
                "hidden width of the 1-D discriminators", \.ganMath.discriminator.hidden),
        real("gan.start", .ganMath, ["generator-gradients"], in: 0.001...0.999,
             "D(G(z)) marked as early training", \.ganMath.startingVerdict),
        integer("kl.resolution", .ganMath, ["kl-vs-reverse-kl"], atLeast: 3,
                "grid-search points per axis of the KL fits", \.ganMath.klResolution),
        real("wgan.clip", .ganMath, ["wgan-critic"], in: 0.001...10, "the critic's weight-clipping bound",
             \.ganMath.critic.clip),
        integer("wgan.steps", .ganMath, ["wgan-critic"], atLeast: 1, "Adam steps of each critic", \.ganMath.critic.steps),
        real("wgan.shift", .ganMath, ["wgan-critic"], in: 0...4, "the shift s drawn on the right panel",
             \.ganMath.criticShownShift),
        real("xy.learning-rate", .ganMath, ["xy-game"], in: 0.0001...2, "step size of the gradient play on x·y",
             \.ganMath.xyLearningRate),
        integer("xy.steps", .ganMath, ["xy-game"], atLeast: 1, "steps of the gradient play on x·y", \.ganMath.xySteps),
        TalkParameter(name: "ring.modes", step: .ringGAN, figures: ringFigures + ["mode-collapse"],
                      about: "Gaussians on the ring (all three ring runs)",
                      value: { "\($0.ring.main.ring.modes)" },
                      apply: { config, text in
                          let modes = try parseInteger(text, atLeast: 2, name: "ring.modes")
                          config.ring.main.ring.modes = modes
                          config.ring.collapse.ring.modes = modes
                          config.ring.remedy.ring.modes = modes
                      }),
        TalkParameter(name: "ring.steps", step: .ringGAN, figures: ringFigures,
                      about: "training steps of the main ring GAN (snapshots at 0, 1/8, 1/4, 1/2 and all of them)",
                      value: { "\($0.ring.main.steps)" },
                      apply: { config, text in
                          let steps = try parseInteger(text, atLeast: 8, name: "ring.steps")
                          config.ring.main.steps = steps
                          config.ring.main.snapshotSteps = [0, 1, 2, 4, 8].map { steps * $0 / 8 }
                      }),
        real("ring.generator-lr", .ringGAN, ringFigures, in: 1e-6...1, "the main ring GAN's generator learning rate",
             \.ring.main.generatorLearningRate),
        real("ring.discriminator-lr", .ringGAN, ringFigures, in: 1e-6...1,
             "the main ring GAN's discriminator learning rate", \.ring.main.discriminatorLearningRate),
        TalkParameter(name: "timegan.iterations", step: .timeGAN, figures: timeGANFigures,
                      about: "iterations of each TimeGAN phase",
                      value: { "\($0.timeGAN.model.iterations)" },
                      apply: { config, text in
                          let iterations = try parseInteger(text, atLeast: 1, name: "timegan.iterations")
                          config.timeGAN.model.iterations = iterations
                          config.timeGAN.secondaryIterations = nil
                      }),
    ] }

    static let ringFigures = ["ring-snapshots", "ganlab-panel", "ring-losses"]
    static let timeGANFigures = ["sine-samples", "stock-samples", "timegan-pca", "timegan-tsne", "timegan-curves"]

    /// `--list-parameters`: one block per parameter with its value under `config`.
    static func listing(config: TalkConfig) -> String {
        all.map { p in
            "\(p.name) = \(p.value(config))  (step \(p.step.rawValue))\n    \(p.about)\n    figures: "
                + p.figures.joined(separator: ", ")
        }.joined(separator: "\n") + "\nExample: talk --set ring.modes=5 --set ring.steps=4000"
    }

    static func named(_ name: String) throws -> TalkParameter {
        guard let parameter = all.first(where: { $0.name == name }) else {
            throw ValidationError("--set: unknown parameter '\(name)'; talk --list-parameters lists them")
        }
        return parameter
    }

    /// The parameters that feed figure `id`, as "name = value" for its caption.
    static func caption(for id: String, config: TalkConfig) -> String? {
        let feeding = all.filter { $0.figures.contains(id) }
        guard !feeding.isEmpty else { return nil }
        return "Parameters (talk --set): " + feeding.map { "\($0.name) = \($0.value(config))" }.joined(separator: ", ") + "."
    }

    /// The same as "name=value" pairs, brief enough for a slide figure's footer.
    static func assignments(for id: String, config: TalkConfig) -> String? {
        let feeding = all.filter { $0.figures.contains(id) }
        return feeding.isEmpty ? nil : feeding.map { "\($0.name)=\($0.value(config))" }.joined(separator: "  ")
    }

    static func integer(_ name: String, _ step: TalkStep, _ figures: [String], atLeast minimum: Int, _ about: String,
                        _ path: WritableKeyPath<TalkConfig, Int>) -> TalkParameter {
        TalkParameter(name: name, step: step, figures: figures, about: about, value: { "\($0[keyPath: path])" },
                      apply: { $0[keyPath: path] = try parseInteger($1, atLeast: minimum, name: name) })
    }

    static func real<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ name: String, _ step: TalkStep, _ figures: [String], in range: ClosedRange<Double>, _ about: String,
        _ path: WritableKeyPath<TalkConfig, Value>) -> TalkParameter {
        TalkParameter(name: name, step: step, figures: figures, about: about, value: { "\($0[keyPath: path])" },
                      apply: { config, text in
                          guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                              throw ValidationError("--set \(name)=\(text): not a number from \(range.lowerBound) to \(range.upperBound)")
                          }
                          config[keyPath: path] = Value(value)
                      })
    }

    static func parseInteger(_ text: String, atLeast minimum: Int, name: String) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= minimum else {
            throw ValidationError("--set \(name)=\(text): not a whole number of at least \(minimum)")
        }
        return value
    }
}
