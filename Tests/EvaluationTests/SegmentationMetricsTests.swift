import Evaluation
import Testing

@Test func meanIoUByHand() {
    // truth 0 0 1 1 2, predicted 0 1 1 1 0 (the 3 is ignored): class 0 I 1 U 3, class 1 I 2 U 3, class 2 I 0 U 1,
    // class 3 absent from both.
    var m = ConfusionMatrix(classCount: 4)
    m.add(truth: [0, 0, 1, 1, 2, 3], predicted: [0, 1, 1, 1, 0, 0], ignoring: 3)
    let iou = m.perClassIoU
    #expect(abs(iou[0]! - 1.0 / 3) < 1e-12 && abs(iou[1]! - 2.0 / 3) < 1e-12 && iou[2]! == 0 && iou[3] == nil)
    #expect(abs(m.meanIoU(absentClasses: .zero) - 0.25) < 1e-12)
    #expect(abs(m.meanIoU(absentClasses: .excluded) - 1.0 / 3) < 1e-12)
    #expect(abs(m.pixelAccuracy - 0.6) < 1e-12)
}

@Test func kMeansSeparatesBlobs() {
    var points: [Float] = []
    for i in 0..<40 { let o: Float = i < 20 ? 0 : 10; points += [o + Float(i % 5) * 0.1, o - Float(i % 3) * 0.1] }
    let fit = KMeans.fit(points: points, dimension: 2, clusterCount: 2, seed: 3)
    #expect(Set(fit.assignments[0..<20]).count == 1 && Set(fit.assignments[20...]).count == 1)
    #expect(fit.assignments[0] != fit.assignments[39])
    #expect(KMeans.fit(points: points, dimension: 2, clusterCount: 2, seed: 3).assignments == fit.assignments)
}

@Test func normalizedMutualInformationByHand() {
    #expect(abs(MutualInformation.normalized([0, 0, 1, 1], [5, 5, 7, 7]) - 1) < 1e-12)
    #expect(abs(MutualInformation.normalized([0, 0, 1, 1], [0, 1, 0, 1])) < 1e-12)
    // a = 0 0 0 1, b = 0 0 1 1: I = ½ln(4/3) + ¼ln(2/3) + ¼ln 2, H(a) = −(¾ln¾ + ¼ln¼), H(b) = ln 2,
    // NMI = I / ((H(a) + H(b)) / 2).
    let nmi = MutualInformation.normalized([0, 0, 0, 1], [0, 0, 1, 1])
    #expect(abs(nmi - 0.3437110184854508) < 1e-9, "\(nmi)")
}
