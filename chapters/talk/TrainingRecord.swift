import Foundation
import TimeGAN

/// What one model's training looked like: each phase's losses in step order and the wall time the phase took.
/// Curves show whether a generator trained at all; the times show where a run's budget goes.
final class TrainingRecord {
    struct Phase {
        var name: String
        var steps = 0
        var seconds = 0.0
        /// Loss name → one value per step, in the order the model reports them.
        var losses: [(name: String, values: [Double])] = []
    }

    let model: String
    private(set) var phases: [Phase] = []
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant

    init(model: String) {
        self.model = model
        last = clock.now
    }

    /// Records one training event; the time since the previous one counts towards the event's phase.
    func record(_ event: TrainingEvent) {
        let now = clock.now
        let elapsed = now - last
        last = now
        if phases.last?.name != event.phase.rawValue {
            phases.append(Phase(name: event.phase.rawValue, losses: event.losses.map { ($0.name, []) }))
        }
        let index = phases.count - 1
        phases[index].steps += 1
        phases[index].seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        for (k, loss) in event.losses.enumerated() where k < phases[index].losses.count {
            phases[index].losses[k].values.append(Double(loss.value))
        }
    }

    /// `values` averaged over consecutive windows so that at most `points` remain, with the step each window ends on.
    static func thinned(_ values: [Double], points: Int = 300) -> (steps: [Double], values: [Double]) {
        let window = max(1, (values.count + points - 1) / points)
        var steps: [Double] = [], means: [Double] = []
        for start in stride(from: 0, to: values.count, by: window) {
            let chunk = values[start..<min(start + window, values.count)]
            steps.append(Double(start + chunk.count))
            means.append(chunk.reduce(0, +) / Double(chunk.count))
        }
        return (steps, means)
    }
}
