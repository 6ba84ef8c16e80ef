import ArgumentParser
import Experiment
import Foundation

/// The talk's published run, which a `--set` run builds on: it starts from that run's configuration, draws only the
/// figures the changed parameters feed, and carries everything else over, so that `figures/talk/` and the run's
/// results stay whole and every file agrees with the configuration the new manifest records.
struct PublishedTalk {
    let config: TalkConfig
    let results: Results
    let deviations: [String]
    let figures: URL
    let tables: URL

    /// The published run under `root`; an error says how to make one when there is none of this profile and seed,
    /// or when it was made by a talk whose configuration had other fields.
    static func load(root: URL, profile: Profile, seed: UInt64) throws -> PublishedTalk {
        let run = root.appendingPathComponent("reports/runs/talk")
        let command = "talk --profile \(profile.rawValue) --seed \(seed) (make talk PROFILE=\(profile.rawValue))"
        guard let manifest = try? Manifest.read(from: run.appendingPathComponent("manifest.json")),
              let results = try? Results.read(from: run.appendingPathComponent("results.json")) else {
            throw ValidationError("--set builds on a finished talk run, and \(run.path) holds none: run \(command) first")
        }
        let config: TalkConfig
        do {
            config = try JSONDecoder().decode(TalkConfig.self, from: Data(try manifest.config.canonicalText().utf8))
        } catch {
            throw ValidationError("--set: the talk run in \(run.path) was made by an earlier version of the talk (its "
                + "configuration does not read as this one's); run \(command) once, then --set")
        }
        guard config.profile == profile, config.seed == seed else {
            throw ValidationError("--set: the talk run in \(run.path) is profile \(config.profile.rawValue), seed "
                + "\(config.seed); it builds on a run of the same profile and seed: run \(command) first")
        }
        return PublishedTalk(config: config, results: results, deviations: manifest.deviations,
                             figures: root.appendingPathComponent("figures/talk"), tables: run.appendingPathComponent("tables"))
    }

    /// The figure each claim's verdict is computed with.
    static let claimFigures = ["T.1": "optimal-discriminator", "T.2": "jsd-criterion", "T.3": "timegan-pca"]

    /// Copies every figure not drawn again (with its slide copy) into `run`, and the verdicts, tables, deviations
    /// and skipped cells of the parts that did not run.
    func carry(into run: ExperimentRun, drawn: Set<String>, timeGANRan: Bool) throws {
        let fileManager = FileManager.default
        for folder in ["", SlideFigure.folder] {
            let source = figures.appendingPathComponent(folder), target = run.figuresDirectory.appendingPathComponent(folder)
            guard let files = try? fileManager.contentsOfDirectory(atPath: source.path) else { continue }
            try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
            for file in files where !file.hasPrefix(".") && !drawn.contains((file as NSString).deletingPathExtension) {
                let from = source.appendingPathComponent(file)
                var isDirectory: ObjCBool = false
                guard fileManager.fileExists(atPath: from.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                try fileManager.copyItem(at: from, to: target.appendingPathComponent(file))
            }
        }
        for claim in results.claims where !drawn.contains(Self.claimFigures[claim.id] ?? "") { run.record(claim) }
        guard !timeGANRan else { return }
        results.notAttempted.forEach(run.record)
        deviations.forEach(run.recordDeviation)
        try fileManager.createDirectory(at: run.tablesDirectory, withIntermediateDirectories: true)
        for file in (try? fileManager.contentsOfDirectory(atPath: tables.path)) ?? [] where !file.hasPrefix(".") {
            try fileManager.copyItem(at: tables.appendingPathComponent(file), to: run.tablesDirectory.appendingPathComponent(file))
        }
    }
}
