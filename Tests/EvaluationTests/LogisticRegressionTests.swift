import Evaluation
import Testing

/// 15 rows × 4 features and scikit-learn 1.9.1's fits of them (values printed by
/// `LogisticRegression(solver=…, tol=1e-10, max_iter=10000).fit(X, y)`).
private let x: [Float] = [-1.0, -0.4, 0.2, 0.8, 0.4, 1.3, 0.0, 0.0, -0.4, 0.8, 1.1, -0.8, 1.0, -0.6, 0.0, 0.6, 0.2, 1.1,
                          -0.2, -0.2, -0.6, 0.6, 0.9, -1.0, 0.8, -0.8, -0.2, 0.4, 0.0, 0.9, -0.4, -0.4, -0.8, 0.4, 0.7,
                          1.0, 0.6, -1.0, -0.4, 0.2, -0.2, 0.7, 1.6, -0.6, -1.0, 0.2, 0.5, 0.8, 0.4, 1.0, -0.6, 0.0,
                          -0.4, 0.5, 1.4, -0.8, 1.0, 0.0, 0.3, 0.6]

@Test func multinomialFitMatchesScikitLearnLBFGS() throws {
    let labels = (0..<15).map { $0 % 3 }
    let model = try LogisticRegression.fit(features: x, rows: 15, labels: labels, classes: 3, settings: .init(kind: .multinomial))
    let expectedCoefficients: [[Double]] = [[0.12397849, -0.8715802, -0.87096792, 0.29106295],
                                            [0.22407492, 0.84173953, 0.24726388, -0.54315198],
                                            [-0.34805341, 0.02984067, 0.62370403, 0.25208903]]
    for c in 0..<3 {
        for f in 0..<4 { #expect(Swift.abs(model.weights[f * 3 + c] - expectedCoefficients[c][f]) < 1e-4, "class \(c), feature \(f)") }
    }
    // Intercepts are free up to a shared constant; scikit-learn's sum to zero, and so do ours (both start at 0).
    for (got, want) in zip(model.intercepts, [0.41253812, -0.35613757, -0.05640055]) { #expect(Swift.abs(got - want) < 1e-4) }
    let probabilities = try model.probabilities(features: Array(x[0..<12]), rows: 3)
    let expected = [[0.4878484, 0.06616682, 0.44598479], [0.1399013, 0.62616613, 0.23393257], [0.04762351, 0.55707228, 0.39530421]]
    for (row, want) in zip(probabilities, expected) { for (g, w) in zip(row, want) { #expect(Swift.abs(g - w) < 1e-5) } }
}

@Test func binaryFitMatchesScikitLearnLiblinearWithItsPenalisedIntercept() throws {
    let labels = [0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0]
    let model = try LogisticRegression.fit(features: x, rows: 15, labels: labels, classes: 2,
                                           settings: .init(kind: .binaryPenalizedIntercept))
    for (got, want) in zip(model.weights, [-0.59207776, 1.07184148, -0.52704664, 0.37775501]) { #expect(Swift.abs(got - want) < 1e-4) }
    #expect(Swift.abs(model.intercepts[0] - -0.50200507) < 1e-4)
    let probabilities = try model.probabilities(features: Array(x[0..<12]), rows: 3)
    let expected = [[0.53540794, 0.46459206], [0.34196319, 0.65803681], [0.57191194, 0.42808806]]
    for (row, want) in zip(probabilities, expected) { for (g, w) in zip(row, want) { #expect(Swift.abs(g - w) < 1e-5) } }
    #expect(throws: ImputationMetricsError.self) {
        try LogisticRegression.fit(features: x, rows: 15, labels: (0..<15).map { $0 % 3 }, classes: 3,
                                   settings: .init(kind: .binaryPenalizedIntercept))
    }
}
