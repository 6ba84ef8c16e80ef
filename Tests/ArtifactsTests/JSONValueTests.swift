import Foundation
import Testing
@testable import Artifacts

@Test func stringsAreEscapedMinimally() throws {
    let text = try JSONValue.string("a\"b\\c\nd\u{1}é/").canonicalText()
    #expect(text == #""a\"b\\c\nd\u0001é/""#)
}

@Test func nonFiniteNumbersAreRejectedWithTheirPath() throws {
    let value = JSONValue.object(["loss": .array([.number(.nan)])])
    #expect(throws: ArtifactError.encoding(what: "number at $.loss[0]", reason: "nan has no JSON spelling")) {
        try value.canonicalText()
    }
}

@Test func prettyTextIsSortedAndIndented() throws {
    let value = JSONValue.object([
        "seeds": .array([.integer(0), .integer(1)]),
        "inputs": .array([.object(["sha256": .string("ab"), "path": .string("a.csv")])]),
        "empty": .object([:]),
        "dirty": .null,
    ])
    let expected = """
    {
      "dirty": null,
      "empty": {},
      "inputs": [
        {
          "path": "a.csv",
          "sha256": "ab"
        }
      ],
      "seeds": [0, 1]
    }
    """
    #expect(try value.canonicalText(pretty: true) == expected)
}

@Test func jsonValueRoundTripsBoolsIntegersAndDoubles() throws {
    struct Mixed: Codable { var flag = false; var count = 7; var rate = 0.25; var name: String? = nil }
    let value = try JSONValue(encoding: Mixed())
    #expect(value == .object(["flag": .bool(false), "count": .integer(7), "rate": .number(0.25)]))
    let data = try JSONEncoder().encode(value)
    #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
}

@Test func numberReadsIntegersAndDoublesAlike() throws {
    let value = try JSONValue.load(Data(#"{"steps": 3000, "lr": 0.001, "scale": 2.0, "big": 1e300, "seeds": [0, 1]}"#.utf8))
    #expect(value["steps"] == .integer(3000))
    #expect(value["lr"] == .number(0.001))
    #expect(value["steps"]?.number == 3000.0)
    #expect(value["lr"]?.number == 0.001)
    #expect(value["scale"]?.number == 2.0)
    #expect(value["big"] == .number(1e300))
    #expect(value["seeds"]?.array?.compactMap(\.number) == [0, 1])
    #expect(JSONValue.string("3").number == nil)
    #expect(JSONValue.bool(true).number == nil)
}

@Test func accessorsReturnOnlyTheirOwnCase() throws {
    let value = try JSONValue.load(Data(#"{"name": "tabddpm", "flag": false, "none": null, "nested": {"k": [true]}}"#.utf8))
    #expect(value["name"]?.string == "tabddpm")
    #expect(value["flag"]?.bool == false)
    #expect(value["none"] == .null)
    #expect(value["nested"]?["k"]?.array == [.bool(true)])
    #expect(value["nested"]?.object?.keys.sorted() == ["k"])
    #expect(value["missing"] == nil)
    #expect(value["name"]?["k"] == nil)
    #expect(value["name"]?.bool == nil && value["flag"]?.string == nil && value.array == nil)
}

@Test func compactTextSortsKeysAndSpellsIntegralNumbersAlike() throws {
    let value = JSONValue.object([
        "seeds": .array([.integer(0), .number(1.0), .number(2.5)]),
        "name": .string("gp-vae"),
        "dirty": .null,
        "ok": .bool(true),
    ])
    #expect(value.compact == "{dirty: null, name: gp-vae, ok: true, seeds: [0, 1, 2.5]}")
    #expect(formatNumber(3.0) == "3")
    #expect(formatNumber(-0.0) == "0")
    #expect(formatNumber(0.1) == "0.1")
    #expect(formatNumber(1e-5) == "1e-05")
    #expect(formatNumber(1e16) == "1e+16")
}

@Test func integerAndIntegralDoubleHaveTheSameCanonicalText() throws {
    #expect(try JSONValue.integer(3).canonicalText() == JSONValue.number(3.0).canonicalText())
    #expect(try JSONValue.object(["b": .integer(-7), "a": .number(0.25)]).canonicalText() == #"{"a":0.25,"b":-7}"#)
}
