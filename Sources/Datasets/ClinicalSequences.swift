import Foundation
import Tensor

/// Clinical series for imputation and a downstream outcome, built from `PatientRecords` as the GP-VAE
/// reference's PhysioNet protocol does: an observation window per patient, a binary outcome, and observed values
/// hidden artificially (the model never sees them) so that imputation can be scored where the truth is known.
///
/// - Sequence: the visits in the first `window` days after the first visit, with their real times (days);
///   padded to the longest such series, padding marked by `present` = 0.
/// - Outcome: 1 when the patient died or had a transplant (status 2 or 1) within `horizon` days of the first
///   visit. Patients whose follow-up ends inside the window are left out (their outcome would be visible in the
///   series), and so are patients censored alive before the horizon (their outcome is unknown).
/// - Scaling: skewed labs are log-transformed, then every feature is standardised with the mean and standard
///   deviation of the values the model sees in the training patients only.
/// - Split by patient, stratified by outcome (`DataSplit.make`).
public struct ClinicalSequences: Sendable {
    public struct Options: Equatable, Sendable {
        public var features: [String]
        /// Features log-transformed before standardising.
        public var logFeatures: Set<String>
        /// Days after the first visit whose visits form the series.
        public var window: Double
        /// Days after the first visit within which death or transplant counts as the outcome.
        public var horizon: Double
        /// Fraction of the observed values hidden for scoring imputation.
        public var heldOut: Double
        public var validation: Double
        public var test: Double
        public var seed: UInt64

        /// pbcseq's 7 laboratory values and 4 clinical signs (0/1; edema 0/0.5/1), two years of visits, death or
        /// transplant within five years, 10 % of observed values held out, a 70/15/15 split.
        public init(features: [String] = ["bili", "chol", "albumin", "alk.phos", "ast", "platelet", "protime",
                                          "ascites", "hepato", "spiders", "edema"],
                    logFeatures: Set<String> = ["bili", "chol", "alk.phos", "ast"],
                    window: Double = 730, horizon: Double = 1826, heldOut: Double = 0.1,
                    validation: Double = 0.15, test: Double = 0.15, seed: UInt64 = 0) {
            self.features = features
            self.logFeatures = logFeatures
            self.window = window
            self.horizon = horizon
            self.heldOut = heldOut
            self.validation = validation
            self.test = test
            self.seed = seed
        }
    }

    /// How one feature was scaled: `(log? ln x : x − mean) / std`.
    public struct Scale: Equatable, Sendable {
        public var feature: String
        public var logarithm: Bool
        public var mean: Double
        public var std: Double

        public func apply(_ x: Double) -> Double { ((logarithm ? Foundation.log(x) : x) - mean) / std }
        public func invert(_ z: Double) -> Double {
            let x = z * std + mean
            return logarithm ? Foundation.exp(x) : x
        }
    }

    public var options: Options
    public var sets: SequenceSplits
    /// The patients' ids, in the order of each set's sequences.
    public var trainIDs: [String], validationIDs: [String], testIDs: [String]
    public var scales: [Scale]
    /// Patients left out: follow-up ended inside the window; censored alive before the horizon.
    public var endedInWindow: [String], censoredBeforeHorizon: [String]

    public init(records: PatientRecords, options: Options = Options()) throws {
        guard records.features == options.features else {
            throw DataError.schema(file: records.file, reason: "the records hold \(records.features), the options ask for \(options.features)")
        }
        guard options.window > 0, options.horizon > options.window else {
            throw DataError.split(reason: "the window (\(options.window) days) must be positive and end before the horizon (\(options.horizon) days)")
        }
        guard (0..<1).contains(options.heldOut) else {
            throw DataError.split(reason: "the held-out fraction \(options.heldOut) must be in [0, 1)")
        }
        var cohort: [(patient: PatientRecords.Patient, index: Int, label: Int)] = []
        var ended: [String] = [], censored: [String] = []
        for (index, patient) in records.patients.enumerated() {
            if patient.followUp <= options.window { ended.append(patient.id); continue }
            let event = patient.status != 0
            if !event, patient.followUp < options.horizon { censored.append(patient.id); continue }
            cohort.append((patient, index, event && patient.followUp <= options.horizon ? 1 : 0))
        }
        guard !cohort.isEmpty else { throw DataError.split(reason: "no patient is followed beyond the window") }

        let (features, steps) = (options.features.count, cohort.map { Self.visits(of: $0.patient, within: options.window) }.max()!)
        let entry = steps * features
        var raw = [Double](repeating: 0, count: cohort.count * entry)
        var observed = [Float](repeating: 0, count: raw.count), scored = observed
        var present = [Float](repeating: 0, count: cohort.count * steps), times = present
        let masks = RandomGenerator(seed: options.seed).derived(0x6d61_736b)  // "mask": apart from the split's stream
        for (n, member) in cohort.enumerated() {
            let draws = masks.derived(UInt64(member.index)).uniform([entry]).scalars
            let first = member.patient.days[0]
            for t in 0..<Self.visits(of: member.patient, within: options.window) {
                present[n * steps + t] = 1
                times[n * steps + t] = Float(member.patient.days[t] - first)
                for d in 0..<features {
                    guard let x = member.patient.values[t][d] else { continue }
                    let at = n * entry + t * features + d
                    if options.logFeatures.contains(options.features[d]), x <= 0 {
                        throw DataError.csv(file: records.file, line: member.patient.lines[t], column: nil, columnName: nil,
                                            reason: "\(options.features[d]) is \(x.formatted()), which cannot be log-transformed")
                    }
                    raw[at] = x
                    if Double(draws[t * features + d]) < options.heldOut { scored[at] = 1 } else { observed[at] = 1 }
                }
            }
        }

        let split = try DataSplit.make(count: cohort.count, labels: cohort.map { String($0.label) },
                                       validation: options.validation, test: options.test, seed: options.seed)
        var scales: [Scale] = []
        for (d, name) in options.features.enumerated() {
            let logarithm = options.logFeatures.contains(name)
            let seen = split.train.flatMap { n in
                (0..<steps).compactMap { t -> Double? in
                    let at = n * entry + t * features + d
                    return observed[at] > 0 ? (logarithm ? log(raw[at]) : raw[at]) : nil
                }
            }
            guard !seen.isEmpty else {
                throw DataError.split(reason: "feature \(name) has no observed value in the training patients")
            }
            let mean = seen.reduce(0, +) / Double(seen.count)
            let variance = seen.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(seen.count)
            scales.append(Scale(feature: name, logarithm: logarithm, mean: mean, std: variance > 0 ? variance.squareRoot() : 1))
        }
        var values = [Float](repeating: 0, count: raw.count)
        for at in values.indices where observed[at] + scored[at] > 0 {
            values[at] = Float(scales[at % features].apply(raw[at]))
        }

        let all = SequenceSet(count: cohort.count, length: steps, features: features, values: values, observed: observed,
                              scored: scored, present: present, times: times, labels: cohort.map(\.label), classes: 2)
        self.options = options
        self.sets = SequenceSplits(train: all.subset(split.train), validation: all.subset(split.validation),
                                   test: all.subset(split.test))
        self.trainIDs = split.train.map { cohort[$0].patient.id }
        self.validationIDs = split.validation.map { cohort[$0].patient.id }
        self.testIDs = split.test.map { cohort[$0].patient.id }
        self.scales = scales
        self.endedInWindow = ended
        self.censoredBeforeHorizon = censored
    }

    private static func visits(of patient: PatientRecords.Patient, within window: Double) -> Int {
        patient.days.prefix { $0 - patient.days[0] <= window }.count
    }
}
