import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a long loop (training steps, samples): step, loss, rate and time left. On a terminal it redraws
/// one line at most four times a second; in a log (standard error not a terminal) it writes a line only at each
/// tenth of the work and at the end, so logs stay short. An update costs one clock read unless it prints.
///
/// The rate is measured from the first update, not from creation (set-up before the loop, or a bar created lazily
/// at the first step, would distort it), and shown only once that interval is at least a second: a rate timed over
/// a few microseconds reads as nonsense like `881834.2 it/s`.
///
/// Not thread-safe: update it from the loop that does the work.
public final class Progress {
    public let total: Int
    public let label: String

    private let isTerminal: Bool
    private let output: (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private var lastDecile = 0
    /// The first update's step and time, from which the rate is measured.
    private var firstUpdate: (step: Int, time: ContinuousClock.Instant)?
    private var drewLine = false
    private var finished = false
    private let redrawInterval = Duration.milliseconds(250)

    /// - Parameters:
    ///   - total: the step count at which the work is done.
    ///   - label: shown at the start of each line, e.g. `"train adult"`.
    public convenience init(total: Int, label: String) {
        self.init(total: total, label: label, isTerminal: isatty(STDERR_FILENO) != 0, output: printToStandardError)
    }

    /// Reports through `output` instead of standard error; `isTerminal` picks redrawing or log lines.
    public init(total: Int, label: String, isTerminal: Bool, output: @escaping (String) -> Void) {
        self.total = max(total, 1)
        self.label = label
        self.isTerminal = isTerminal
        self.output = output
        start = clock.now
        lastDraw = start
    }

    /// Records that `step` of `total` steps are done (1-based: `step == total` means finished).
    public func update(step: Int, loss: Double? = nil) {
        guard !finished else { return }
        if firstUpdate == nil { firstUpdate = (step, clock.now) }
        let done = step >= total
        if isTerminal {
            let now = clock.now
            guard done || now - lastDraw >= redrawInterval else { return }
            lastDraw = now
            output("\r" + line(step: step, loss: loss, now: now) + "\u{1B}[K" + (done ? "\n" : ""))
            drewLine = !done
        } else {
            let decile = min(10, step * 10 / total)
            guard done || decile > lastDecile else { return }
            lastDecile = decile
            output(line(step: step, loss: loss, now: clock.now) + "\n")
        }
        finished = done
    }

    /// Ends a terminal line left open by an early exit from the loop, so the next output starts cleanly.
    public func finish() {
        if isTerminal, drewLine, !finished { output("\n") }
        finished = true
    }

    private func line(step: Int, loss: Double?, now: ContinuousClock.Instant) -> String {
        let measured = firstUpdate.map { (steps: step - $0.step, seconds: seconds(now - $0.time)) }
        return Self.line(label: label, step: step, total: total, loss: loss, elapsed: seconds(now - start),
                         measured: measured ?? (0, 0))
    }

    /// The shortest interval a rate is shown for.
    static let minimumRateInterval = 1.0

    /// One progress line. `measured` is the steps done over the seconds since the first update; the rate and the
    /// time left appear once that interval is at least `minimumRateInterval` long, and a finished loop says how
    /// long it took.
    static func line(label: String, step: Int, total: Int, loss: Double?, elapsed: Double,
                     measured: (steps: Int, seconds: Double)) -> String {
        let percent = min(100, step * 100 / total)
        var parts = ["\(label) \(step)/\(total) (\(percent)%)"]
        if let loss { parts.append("loss " + String(format: "%.4g", loss)) }
        if measured.seconds >= minimumRateInterval, measured.steps > 0 {
            let rate = Double(measured.steps) / measured.seconds
            parts.append(rate >= 1 ? String(format: "%.1f it/s", rate) : String(format: "%.2f s/it", 1 / rate))
            if step < total { parts.append("ETA " + clockText(Double(total - step) / rate)) }
        }
        if step >= total { parts.append("took " + clockText(elapsed)) }
        return parts.joined(separator: "  ")
    }
}

public func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

/// `m:ss` or `h:mm:ss`.
func clockText(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let total = Int(seconds.rounded())
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    return hours > 0
        ? String(format: "%d:%02d:%02d", hours, minutes, secs)
        : String(format: "%d:%02d", minutes, secs)
}

/// Writes text to standard error straight through file descriptor 2: unbuffered (so progress and step lines
/// interleave correctly with crashes), and free of the shared mutable `stderr` global that Swift 6 rejects.
public func printToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { buffer in
            write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}
