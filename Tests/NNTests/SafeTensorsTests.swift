import Foundation
import NN
import Tensor
import Testing

private final class Net: Module {
    let first: Linear
    let norm: BatchNorm
    let gru: GRU
    init(rng: RandomGenerator, hidden: Int = 4) {
        first = Linear(inputSize: 3, outputSize: hidden, rng: rng)
        norm = BatchNorm(featureCount: hidden)
        gru = GRU(inputSize: hidden, hiddenSize: 2, layerCount: 2, rng: rng)
        super.init()
    }
}

/// Runs `body` and returns the `SafeTensorsError` it throws (nil if it does not throw one).
private func safeTensorsError(_ body: () throws -> Void) -> SafeTensorsError? {
    do { try body(); return nil } catch let e as SafeTensorsError { return e } catch { return nil }
}

@Suite struct SafeTensorsTests {
    @Test func roundTripIsBitExact() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let model = Net(rng: RandomGenerator(seed: 1))
        _ = model.norm(RandomGenerator(seed: 9).normal([5, 4]))  // non-trivial running statistics
        // Awkward values survive too.
        model.first.bias!.assign(Tensor([.nan, -.infinity, -0.0, .leastNonzeroMagnitude], shape: [4]))
        try model.save(to: url, metadata: ["step": "20", "note": "quote \" and backslash \\"])

        let restored = Net(rng: RandomGenerator(seed: 2))
        #expect(stateBits(restored) != stateBits(model))
        let metadata = try restored.load(from: url)
        #expect(stateBits(restored) == stateBits(model))
        #expect(metadata == ["step": "20", "note": "quote \" and backslash \\"])

        // The layout: 8-byte little-endian length, then a JSON header padded to 8 bytes.
        let bytes = [UInt8](try Data(contentsOf: url))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0 && bytes[8] == UInt8(ascii: "{"))
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as! [String: Any]
        let weight = header["first.weight"] as! [String: Any]
        #expect(weight["dtype"] as? String == "F32")
        #expect((weight["shape"] as? [Int]) == [4, 3])
        #expect((weight["data_offsets"] as? [Int]) == [0, 48])
        #expect(header.count == model.namedState().count + 1)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])
    }

    @Test func corruptFilesThrowDescriptiveErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let model = Net(rng: RandomGenerator(seed: 1))
        try model.save(to: url)
        let good = try Data(contentsOf: url)
        let bad = dir.appendingPathComponent("bad.safetensors")

        // Truncated in the data, in the header, and before the length.
        for keep in [good.count - 5, 40, 3] {
            try good.prefix(keep).write(to: bad)
            let e = safeTensorsError { try model.load(from: bad) }
            #expect(e?.file == bad.path)
            #expect(e?.problem.contains("truncated") == true, "\(String(describing: e))")
        }

        // A corrupted header.
        var corrupted = good
        corrupted[8] = UInt8(ascii: "X")
        try corrupted.write(to: bad)
        #expect(safeTensorsError { try model.load(from: bad) }?.problem.contains("not a JSON object") == true)

        // An absurd header length.
        var huge = good
        huge[7] = 0x7F
        try huge.write(to: bad)
        #expect(safeTensorsError { try model.load(from: bad) }?.problem.contains("implausible header length") == true)

        // A header whose offsets point past the data.
        let headerLength = good.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let shifted = String(decoding: good[8..<(8 + headerLength)], as: UTF8.self)
            .replacingOccurrences(of: "\"data_offsets\":[0,48]", with: "\"data_offsets\":[0,4800]")
        var edited = Data()
        withUnsafeBytes(of: UInt64(shifted.utf8.count).littleEndian) { edited.append(contentsOf: $0) }
        edited.append(Data(shifted.utf8))
        edited.append(good.suffix(from: 8 + headerLength))
        try edited.write(to: bad)
        let offsets = safeTensorsError { try model.load(from: bad) }
        #expect(offsets?.problem.contains("first.weight") == true && offsets?.problem.contains("outside") == true)

        // Not a file at all.
        let missing = safeTensorsError { try model.load(from: dir.appendingPathComponent("absent.safetensors")) }
        #expect(missing?.description.contains("absent.safetensors") == true)
    }

    @Test func wrongShapesAndNamesThrowAndLeaveTheModelUnchanged() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        try Net(rng: RandomGenerator(seed: 1)).save(to: url)

        let wider = Net(rng: RandomGenerator(seed: 3), hidden: 5)
        let before = stateBits(wider)
        let e = safeTensorsError { try wider.load(from: url) }
        #expect(e?.problem.contains("shape mismatch for first.weight") == true, "\(String(describing: e))")
        #expect(e?.problem.contains("[4, 3]") == true && e?.problem.contains("[5, 3]") == true)
        #expect(stateBits(wider) == before)

        let other = Linear(inputSize: 3, outputSize: 4, rng: RandomGenerator(seed: 4))
        let names = safeTensorsError { try other.load(from: url) }
        #expect(names?.problem.contains("missing weight, bias") == true)
        #expect(names?.problem.contains("unexpected first.bias") == true)
    }

    @Test func unsupportedDtypeIsRejected() throws {
        var file = Data()
        let header = Array("{\"x\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}".utf8)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        file.append(contentsOf: [0, 0])
        let e = safeTensorsError { _ = try SafeTensors.decode(file, file: "half.safetensors") }
        #expect(e?.description == "safetensors file half.safetensors: entry x has dtype F16; only F32 is supported")
    }
}
