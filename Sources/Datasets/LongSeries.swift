import Foundation
import Tensor

/// A practitioner's time series in long format: one row per (series, time), an id column, a time column and one
/// column per feature, an empty cell where a value is missing. Read strictly — every refusal names the file, line
/// and column — so that a bad file stops a run before anything is trained or written.
public struct LongSeries: Sendable {
    public var file: String
    public var idColumn: String
    public var timeColumn: String
    /// The feature columns, in the file's order.
    public var features: [String]
    /// The file's header and cells as read, written back by `imputedCSV`.
    public var header: [String]
    public var cells: [[String]]
    /// Per row: its time, and per feature its value or nil when the cell is empty.
    public var times: [Double]
    public var values: [[Double?]]
    /// The series in order of first appearance, each with its rows sorted by time.
    public var series: [(id: String, rows: [Int])]

    /// The suffix of the uncertainty column `imputedCSV` writes beside each feature.
    public static let deviationSuffix = "_sd"

    /// Reads and checks `url`: the id and time columns exist, at least one feature column is left, no header
    /// name repeats or would clash with an uncertainty column, times and values are finite numbers, no (id, time)
    /// pair repeats, every series has at least two rows, and every feature has at least one value.
    public static func load(_ url: URL, idColumn: String = "id", timeColumn: String = "time") throws -> LongSeries {
        try FileProblem.checkReadable(url)
        return try LongSeries(csv: CSVReader.read(url), idColumn: idColumn, timeColumn: timeColumn)
    }

    public init(csv: CSVTable, idColumn: String, timeColumn: String) throws {
        let file = csv.file
        func fail(_ line: Int, _ column: Int?, _ reason: String) -> DataError {
            .csv(file: file, line: line, column: column.map { $0 + 1 }, columnName: column.map { csv.header[$0] }, reason: reason)
        }
        let id = try csv.columnIndex(idColumn), time = try csv.columnIndex(timeColumn)
        guard id != time else { throw fail(1, id, "the id and time columns must differ") }
        for (c, name) in csv.header.enumerated() {
            if let first = csv.header.firstIndex(of: name), first < c { throw fail(1, c, "the column name \(name) appears twice") }
        }
        let featureColumns = csv.header.indices.filter { $0 != id && $0 != time }
        guard !featureColumns.isEmpty else {
            throw fail(1, nil, "no feature columns: the file has only its id (\(idColumn)) and time (\(timeColumn)) columns")
        }
        for c in featureColumns {
            if let clash = csv.header.firstIndex(of: csv.header[c] + Self.deviationSuffix) {
                throw fail(1, clash, "the imputed file gets a column \(csv.header[clash]) for the uncertainty of \(csv.header[c]); rename this one")
            }
        }
        guard !csv.rows.isEmpty else { throw fail(1, nil, "no rows after the header") }

        var times: [Double] = [], values: [[Double?]] = []
        var order: [String] = [], rowsOf: [String: [Int]] = [:], seen: [String: [Double: Int]] = [:]
        for (r, row) in csv.rows.enumerated() {
            let line = csv.lines[r]
            let key = row[id]
            guard !key.isEmpty else { throw fail(line, id, "empty series id") }
            let t = try CSVTable.number(row[time], file: file, line: line, column: time + 1, name: csv.header[time])
            if let earlier = seen[key]?[t] {
                throw fail(line, time, "series \(key) has time \(row[time]) twice (also on line \(csv.lines[earlier]))")
            }
            seen[key, default: [:]][t] = r
            if rowsOf[key] == nil { order.append(key) }
            rowsOf[key, default: []].append(r)
            times.append(t)
            values.append(try featureColumns.map { c in
                row[c].isEmpty ? nil : try CSVTable.number(row[c], file: file, line: line, column: c + 1, name: csv.header[c])
            })
        }
        // The kit computes in 32-bit floats.
        _ = try Table.checkMagnitudes(times, csv: csv, column: time)
        for (f, c) in featureColumns.enumerated() { _ = try Table.checkMagnitudes(values.map { $0[f] ?? 0 }, csv: csv, column: c) }
        for key in order where rowsOf[key]!.count < 2 {
            throw fail(csv.lines[rowsOf[key]![0]], id, "series \(key) has a single row; a series needs at least two time steps")
        }
        for (f, c) in featureColumns.enumerated() where !values.contains(where: { $0[f] != nil }) {
            throw fail(1, c, "feature \(csv.header[c]) has no value in any row; drop the column")
        }
        self.file = file
        self.idColumn = idColumn
        self.timeColumn = timeColumn
        features = featureColumns.map { csv.header[$0] }
        header = csv.header
        cells = csv.rows
        self.times = times
        self.values = values
        series = order.map { key in (key, rowsOf[key]!.sorted { (times[$0], $0) < (times[$1], $1) }) }
    }

    /// The longest series' number of rows: every series is padded to it.
    public var length: Int { series.map(\.rows.count).max() ?? 0 }

    /// Where row `r` sits in `[N][T]` (series index · T + step).
    func slots() -> [Int: Int] {
        var slot: [Int: Int] = [:]
        for (n, s) in series.enumerated() {
            for (t, r) in s.rows.enumerated() { slot[r] = n * length + t }
        }
        return slot
    }

    /// The series ready for imputation, each feature standardised by the mean and standard deviation of the values
    /// the models see (a constant feature is only centred). A seeded `fraction` of the observed values of each
    /// feature, but never all of them, is hidden from the models and scored (`scored` = 1) in `scoring`; `complete`
    /// shows every observed value. Steps after a short series' last row are padding (`present` = 0).
    public func sequences(hiding fraction: Double, seed: UInt64) throws
        -> (scoring: SequenceSet, complete: SequenceSet, mean: [Double], scale: [Double]) {
        precondition(fraction > 0 && fraction < 1, "LongSeries: the hidden fraction must be in (0, 1)")
        let (n, t, d) = (series.count, length, features.count)
        let slot = slots()
        var hidden = Set<Int>()
        let random = RandomGenerator(seed: seed)
        for f in 0..<d {
            let observed = values.indices.filter { values[$0][f] != nil }
            let count = Swift.min(Int((fraction * Double(observed.count)).rounded()), observed.count - 1)
            for i in random.derived(UInt64(f)).permutation(observed.count).prefix(count) { hidden.insert(observed[i] * d + f) }
        }
        guard !hidden.isEmpty else {
            throw DataError.csv(file: file, line: 1, column: nil, columnName: nil, reason: "too few observed values to hide "
                + String(format: "%g %%", fraction * 100) + " of them for scoring; give more rows or a larger --hide")
        }
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        for f in 0..<d {
            let seen = values.indices.compactMap { r in hidden.contains(r * d + f) ? nil : values[r][f] }
            mean[f] = seen.reduce(0, +) / Double(seen.count)
            let variance = seen.reduce(0) { $0 + ($1 - mean[f]) * ($1 - mean[f]) } / Double(seen.count)
            if variance > 0 { scale[f] = variance.squareRoot() }
        }
        var x = [Float](repeating: 0, count: n * t * d), observed = x, scored = x
        var present = [Float](repeating: 0, count: n * t), stepTimes = present
        for r in values.indices {
            let s = slot[r]!
            present[s] = 1
            stepTimes[s] = Float(times[r])
            for f in 0..<d {
                guard let v = values[r][f] else { continue }
                x[s * d + f] = Float((v - mean[f]) / scale[f])
                observed[s * d + f] = 1
                if hidden.contains(r * d + f) { scored[s * d + f] = 1 }
            }
        }
        let labels = [Int](repeating: 0, count: n)
        let complete = SequenceSet(count: n, length: t, features: d, values: x, observed: observed,
                                   scored: [Float](repeating: 0, count: x.count), present: present, times: stepTimes,
                                   labels: labels, classes: 1)
        var scoring = complete
        scoring.observed = zip(observed, scored).map { $0 * (1 - $1) }
        scoring.scored = scored
        return (scoring, complete, mean, scale)
    }

    /// The file's rows in its order with every empty feature cell filled from `imputed` and a `<feature>_sd`
    /// column per feature from `deviations` (0 where the value was observed), both `[N][T][D]` in the file's units.
    public func imputedCSV(imputed: [Float], deviations: [Float]) -> String {
        let slot = slots(), d = features.count
        let featureIndex = features.map { header.firstIndex(of: $0)! }
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func number(_ v: Float) -> String { String(format: "%.7g", Double(v)) }
        var lines = [(header + features.map { $0 + Self.deviationSuffix }).map(quote).joined(separator: ",")]
        for (r, row) in cells.enumerated() {
            var out = row
            var spread: [String] = []
            for f in 0..<d {
                let at = slot[r]! * d + f
                if values[r][f] == nil {
                    out[featureIndex[f]] = number(imputed[at])
                    spread.append(number(deviations[at]))
                } else {
                    spread.append("0")
                }
            }
            lines.append((out + spread).map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
