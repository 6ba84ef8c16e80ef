import Foundation
import Tensor

/// A fixed train/validation/test split of row indices, each set sorted ascending, with a hash that identifies it.
public struct DataSplit: Equatable, Sendable {
    public var train: [Int]
    public var validation: [Int]
    public var test: [Int]
    /// SHA-256 of the canonical text `train:i,j,…\nvalidation:…\ntest:…\n`: equal hashes, equal splits.
    public var sha256: String

    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train.sorted()
        self.validation = validation.sorted()
        self.test = test.sorted()
        let text = [("train", self.train), ("validation", self.validation), ("test", self.test)]
            .map { "\($0.0):" + $0.1.map(String.init).joined(separator: ",") + "\n" }.joined()
        self.sha256 = sha256Hex(of: Data(text.utf8))
    }

    /// Splits `count` rows with the given fractions (validation and test; train gets the rest) from a seeded
    /// permutation. With `labels` (classification), each class is split on its own in the same proportions, so
    /// every class appears in every set; a class with fewer than 3 rows is an error.
    ///
    /// Per group of n rows: test gets round(n·test), validation round(n·validation), each at least 1 when
    /// stratified, train the rest. Deterministic: same arguments, same split and hash.
    public static func make(count: Int, labels: [String]? = nil, validation: Double = 0.15, test: Double = 0.15,
                            seed: UInt64) throws -> DataSplit {
        guard count > 0 else { throw DataError.split(reason: "no rows") }
        guard validation >= 0, test >= 0, validation + test < 1 else {
            throw DataError.split(reason: "fractions validation \(validation) and test \(test) must be non-negative and sum below 1")
        }
        if let labels, labels.count != count {
            throw DataError.split(reason: "\(labels.count) labels for \(count) rows")
        }
        let order = RandomGenerator(seed: seed).permutation(count)
        var groups: [String: [Int]] = [:]
        var groupOrder: [String] = []
        for index in order {
            let key = labels?[index] ?? ""
            if groups[key] == nil { groupOrder.append(key) }
            groups[key, default: []].append(index)
        }
        var train: [Int] = [], val: [Int] = [], tst: [Int] = []
        for key in groupOrder.sorted() {
            let members = groups[key]!
            let n = members.count
            var nTest = Int((Double(n) * test).rounded(.toNearestOrAwayFromZero))
            var nVal = Int((Double(n) * validation).rounded(.toNearestOrAwayFromZero))
            if labels != nil {
                guard n >= 3 else {
                    throw DataError.split(reason: "class \(key) has \(n) row\(n == 1 ? "" : "s"); a stratified split needs at least 3")
                }
                if test > 0 { nTest = max(nTest, 1) }
                if validation > 0 { nVal = max(nVal, 1) }
            }
            while nTest + nVal >= n, nTest + nVal > 0 { if nVal >= nTest { nVal -= 1 } else { nTest -= 1 } }
            tst += members[0..<nTest]
            val += members[nTest..<(nTest + nVal)]
            train += members[(nTest + nVal)...]
        }
        return DataSplit(train: train, validation: val, test: tst)
    }
}
