import Foundation
import Testing
@testable import Experiment

private struct ConfigAB: Encodable {
    var name = "tabddpm"
    var steps = 3000
    var lr = 0.001
    var batch = [256]
    var flag = true
}

private struct ConfigBA: Encodable {
    var flag = true
    var batch = [256]
    var lr = 0.001
    var steps = 3000
    var name = "tabddpm"
}

@Test func canonicalJSONIgnoresDeclarationOrder() throws {
    let first = try ResolvedConfig(ConfigAB())
    let second = try ResolvedConfig(ConfigBA())
    #expect(first.canonicalJSON == #"{"batch":[256],"flag":true,"lr":0.001,"name":"tabddpm","steps":3000}"#)
    #expect(first.canonicalJSON == second.canonicalJSON)
    #expect(first.configHash == second.configHash)
}

@Test func configHashIsTheGoldenSHA256() throws {
    // printf '%s' '{"batch":[256],"flag":true,"lr":0.001,"name":"tabddpm","steps":3000}' | sha256sum
    let config = try ResolvedConfig(ConfigAB())
    #expect(config.configHash == "bbcf5c512e929bc4bacf577992d0b57492ee8965a9d30e9e067869e54f070fd7")
}

@Test func canonicalJSONIgnoresDictionaryInsertionOrder() throws {
    var forward: [String: Int] = [:]
    var backward: [String: Int] = [:]
    let keys = (0 ..< 50).map { "key\($0)" }
    for (index, key) in keys.enumerated() { forward[key] = index }
    for (index, key) in keys.enumerated().reversed() { backward[key] = index }
    #expect(try ResolvedConfig(forward).canonicalJSON == ResolvedConfig(backward).canonicalJSON)
}

@Test func integralNumbersHaveOneSpelling() throws {
    #expect(try ResolvedConfig(["x": 3.0]).canonicalJSON == #"{"x":3}"#)
    #expect(try ResolvedConfig(["x": 3]).canonicalJSON == #"{"x":3}"#)
    #expect(try ResolvedConfig(["x": -0.0]).canonicalJSON == #"{"x":0}"#)
    #expect(try ResolvedConfig(["x": 1e-5]).canonicalJSON == #"{"x":1e-05}"#)
    #expect(try ResolvedConfig(["x": 0.1]).canonicalJSON == #"{"x":0.1}"#)
}

@Test func unencodableConfigsAreKitErrorsNamingTheType() throws {
    // JSON has no spelling for infinity; the kit reports the failure as its own error type.
    #expect {
        try ResolvedConfig(["lr": Double.infinity])
    } throws: { error in
        guard case let .encoding(what, _) = error as? KitError else { return false }
        return what == "Dictionary<String, Double>"
    }
}
