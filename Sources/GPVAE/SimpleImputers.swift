/// The paper's simplest baselines: per-feature means, and the last observation carried forward.
public enum SimpleImputers {
    /// Each feature's mean over the observed entries of `data` (all series and steps). Fails naming a feature
    /// that is never observed.
    public static func featureMeans(_ data: IncompleteSeries) throws -> [Float] {
        var sums = [Double](repeating: 0, count: data.features), counts = [Int](repeating: 0, count: data.features)
        for i in data.values.indices where !data.missing[i] {
            sums[i % data.features] += Double(data.values[i])
            counts[i % data.features] += 1
        }
        if let never = counts.firstIndex(of: 0) {
            throw GPVAEError.invalidSeries("feature \(never) is never observed; it has no mean to impute")
        }
        return zip(sums, counts).map { Float($0 / Double($1)) }
    }

    /// Mean imputation: each missing entry gets its feature's mean (`means`, from the training data).
    public static func meanImputation(_ data: IncompleteSeries, means: [Float]) throws -> [Float] {
        guard means.count == data.features else {
            throw GPVAEError.invalidSeries("\(means.count) feature means for \(data.features) features")
        }
        return data.values.indices.map { data.missing[$0] ? means[$0 % data.features] : data.values[$0] }
    }

    /// Forward imputation: each missing entry gets the feature's last observed value in the same series; a gap
    /// at the start takes the first observed value after it (backward fill); a feature never observed in a series
    /// takes `fallback` (the training means).
    public static func forwardImputation(_ data: IncompleteSeries, fallback: [Float]) throws -> [Float] {
        guard fallback.count == data.features else {
            throw GPVAEError.invalidSeries("\(fallback.count) fallback values for \(data.features) features")
        }
        var out = data.values
        let (t, d) = (data.length, data.features)
        for s in 0..<data.count {
            for f in 0..<d {
                let index = { (step: Int) in (s * t + step) * d + f }
                guard let first = (0..<t).first(where: { !data.missing[index($0)] }) else {
                    for step in 0..<t { out[index(step)] = fallback[f] }
                    continue
                }
                var last = data.values[index(first)]
                for step in 0..<t {
                    if data.missing[index(step)] { out[index(step)] = last } else { last = data.values[index(step)] }
                }
            }
        }
        return out
    }
}
