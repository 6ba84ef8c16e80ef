import Testing
@testable import GPVAE

/// One series, five steps, two features. Feature 0 is seen at steps 1 and 4; feature 1 never.
private func gappy() throws -> IncompleteSeries {
    let m = Float.nan
    return try IncompleteSeries(count: 1, length: 5, features: 2,
                                values: [m, m, 2, m, m, m, m, m, 5, m],
                                missing: [true, true, false, true, true, true, true, true, false, true])
}

@Test func featureMeansAndMeanImputation() throws {
    let data = try IncompleteSeries(count: 2, length: 2, features: 2, values: [1, 9, 3, 5, 0, 7, 8, 0],
                                    missing: [false, true, false, false, true, false, false, true])
    let means = try SimpleImputers.featureMeans(data)
    #expect(means == [4, 6])  // (1 + 3 + 8)/3, (5 + 7)/2
    #expect(try SimpleImputers.meanImputation(data, means: means) == [1, 6, 3, 5, 4, 7, 8, 6])
    #expect(throws: GPVAEError.invalidSeries("feature 1 is never observed; it has no mean to impute")) {
        try SimpleImputers.featureMeans(try gappy())
    }
}

@Test func forwardImputationCarriesForwardAndBackfillsTheStart() throws {
    let filled = try SimpleImputers.forwardImputation(try gappy(), fallback: [-1, -2])
    // Feature 0: the leading gap takes the first observation (2); later gaps carry the last one.
    #expect(stride(from: 0, to: 10, by: 2).map { filled[$0] } == [2, 2, 2, 2, 5])
    // Feature 1 is never observed in the series: the fallback everywhere.
    #expect(stride(from: 1, to: 10, by: 2).map { filled[$0] } == [-2, -2, -2, -2, -2])
}
