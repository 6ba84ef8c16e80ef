import Foundation
import Testing
@testable import Report

/// A figure is embedded as SVG, unless its SVG is mostly raster images and many times the PNG's size.
@Test func figuresEmbedTheirSVGUnlessItDwarfsThePNG() throws {
    let root = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = root.appendingPathComponent("figures/1-demo")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (id, svgBytes) in [("vector", 300), ("raster", 5_000)] {
        try Data(repeating: 0x20, count: svgBytes).write(to: folder.appendingPathComponent("\(id).svg"))
        try Data(repeating: 0x89, count: 100).write(to: folder.appendingPathComponent("\(id).png"))
    }
    try Data(repeating: 0x20, count: 5_000).write(to: folder.appendingPathComponent("only-svg.svg"))
    let assets = FileAssets(root: root)
    #expect(assets.figure(chapter: "1-demo", id: "vector")?.mime == "image/svg+xml")
    #expect(assets.figure(chapter: "1-demo", id: "raster")?.mime == "image/png")
    #expect(assets.figure(chapter: "1-demo", id: "only-svg")?.mime == "image/svg+xml")
    #expect(assets.figure(chapter: "1-demo", id: "absent") == nil)
}
