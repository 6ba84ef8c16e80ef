import Foundation

/// `results.json` (`reports/runs/<chapter>/results.json`): every number a chapter reproduced and every claim it
/// judged, for the audit page. Verdicts for numbers are computed by the report from these fields, never written
/// here.
public struct Results: ArtifactFile, Equatable, Sendable {
    public var chapter: String
    public var numbers: [ReproducedNumber]
    public var claims: [ClaimVerdict]
    public var notAttempted: [NotAttempted]

    public init(chapter: String, numbers: [ReproducedNumber] = [], claims: [ClaimVerdict] = [],
                notAttempted: [NotAttempted] = []) {
        self.chapter = chapter
        self.numbers = numbers
        self.claims = claims
        self.notAttempted = notAttempted
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chapter = try container.decode(String.self, forKey: .chapter)
        numbers = try container.decodeIfPresent([ReproducedNumber].self, forKey: .numbers) ?? []
        claims = try container.decodeIfPresent([ClaimVerdict].self, forKey: .claims) ?? []
        notAttempted = try container.decodeIfPresent([NotAttempted].self, forKey: .notAttempted) ?? []
    }
}

/// One reproduced number, tied to one row of the paper's CSV by `paperTable` and `key`.
public struct ReproducedNumber: Codable, Equatable, Sendable {
    /// The paper CSV's name without extension, e.g. `table4_ml_efficiency_catboost`.
    public var paperTable: String
    /// The columns that pick the paper's row, e.g. `["model": "TabDDPM", "dataset_code": "AD"]`.
    public var key: [String: String]
    public var metric: String
    public var mean: Double
    public var std: Double
    public var n: Int
    /// Which randomness the n runs cover, e.g. "5 sampled data sets × 10 evaluator seeds, one trained model".
    public var nCovers: String
    public var tolerance: Tolerance
    /// Set when the data or metric differs from the paper's ("stand-in data: Ames for king").
    public var dataNote: String?
    /// How this run departed from the paper's protocol, if it did.
    public var deviation: String?

    public init(paperTable: String, key: [String: String], metric: String, mean: Double, std: Double, n: Int,
                nCovers: String, tolerance: Tolerance, dataNote: String? = nil, deviation: String? = nil) {
        self.paperTable = paperTable
        self.key = key
        self.metric = metric
        self.mean = mean
        self.std = std
        self.n = n
        self.nCovers = nCovers
        self.tolerance = tolerance
        self.dataNote = dataNote
        self.deviation = deviation
    }

    /// `dataNote` and `deviation` are written as explicit `null`s, as in the artifact contract.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(paperTable, forKey: .paperTable)
        try container.encode(key, forKey: .key)
        try container.encode(metric, forKey: .metric)
        try container.encode(mean, forKey: .mean)
        try container.encode(std, forKey: .std)
        try container.encode(n, forKey: .n)
        try container.encode(nCovers, forKey: .nCovers)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(dataNote, forKey: .dataNote)
        try container.encode(deviation, forKey: .deviation)
    }
}

/// The tolerance declared before the run: the absolute bound and the rule in words.
public struct Tolerance: Codable, Equatable, Sendable {
    public var absolute: Double
    public var rule: String

    public init(absolute: Double, rule: String) {
        self.absolute = absolute
        self.rule = rule
    }

    /// The usual rule, spelled out: `|Δ| ≤ 0.02, declared before the run`.
    public static func absolute(_ bound: Double) -> Tolerance {
        Tolerance(absolute: bound, rule: "|Δ| ≤ \(bound), declared before the run")
    }
}

/// A chapter's verdict on one of the paper's claims (ids from `paper/claims.md`), with the evidence in words.
public struct ClaimVerdict: Codable, Equatable, Sendable {
    public var id: String
    /// e.g. "reproduced", "not reproduced", "partially reproduced".
    public var verdict: String
    public var evidence: String

    public init(id: String, verdict: String, evidence: String) {
        self.id = id
        self.verdict = verdict
        self.evidence = evidence
    }
}

/// A paper number the chapter deliberately did not reproduce, and why.
public struct NotAttempted: Codable, Equatable, Sendable {
    public var paperTable: String
    public var key: [String: String]
    public var reason: String

    public init(paperTable: String, key: [String: String], reason: String) {
        self.paperTable = paperTable
        self.key = key
        self.reason = reason
    }
}
