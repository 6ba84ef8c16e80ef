import Foundation
import Testing
@testable import Datasets

@Suite struct BrainSlicesTests {
    /// Every whole-millimetre z of a list of inclusive slabs.
    func millimetres(_ slabs: [ClosedRange<Double>]) -> [Int] {
        slabs.flatMap { Int($0.lowerBound)...Int($0.upperBound) }
    }

    @Test func testSlabsKeepAGapFromTrainingSlabs() {
        let (train, test) = (millimetres(BrainSlices.trainSlabs), millimetres(BrainSlices.testSlabs))
        #expect(train.count == 48 && test.count == 56)
        // At least 3 slices (3 mm) left out between any training and any test slice.
        let closest = train.flatMap { t in test.map { abs($0 - t) } }.min()
        #expect(closest == 4)
        // Together with the gaps the slabs cover ch2's labelled range, z from -47 to 80 mm, nothing outside it.
        #expect(Set(train + test).isSubset(of: Set(-47...80)) && train.min() == -39 && test.min() == -47 && test.max() == 80)
    }

    /// ch2 (labelled) and ch2better at every z from -50 to 85, mni152 at 0 and 10; 2 × 2 pixels stand for the
    /// 64 × 64 grid, so the table is built with `side` 64 of zeros. ch2's slice at -50 holds only 3 regions.
    func table() throws -> CSVTable {
        let zeros = Data(count: 64 * 64).base64EncodedString()
        let ones = Data(repeating: 1, count: 64 * 64).base64EncodedString()
        var text = "volume,z_mm,width,height,regions,image,labels\n"
        for z in -50...85 {
            text += "ch2,\(z),64,64,\(z == -50 ? 3 : 12),\(zeros),\(ones)\n"
            text += "ch2better,\(z),64,64,0,\(zeros),\n"
        }
        text += "mni152,0,64,64,0,\(zeros),\nmni152,10,64,64,0,\(zeros),\n"
        return try CSVReader.parse(text, file: "slices.csv")
    }

    func classes() -> [BrainClass] { [BrainClass(name: "background", regions: []), BrainClass(name: "grey", regions: ["A_L", "A_R"])] }

    @Test func splitsFollowTheSlabsAndThePoolAvoidsTheTestSlabs() throws {
        let brain = try BrainSlices(tables: [table()], classes: classes(), attribution: "", standIn: nil)
        let (train, test) = (brain.trainSlices, brain.testSlices)
        #expect(train.count == 48 && test.count == 56 && Set(train).isDisjoint(with: test))
        #expect(train.allSatisfy { brain.slices[$0].volume == "ch2" } && test.allSatisfy { brain.slices[$0].volume == "ch2" })
        #expect(train.map { Int(brain.slices[$0].z) } == millimetres(BrainSlices.trainSlabs))
        // 20 of the 48, spread: every 2.4th by z.
        let few = brain.trainSlices(20)
        #expect(few.count == 20 && Set(few).isSubset(of: Set(train)) && few.map { brain.slices[$0].z } == few.map { brain.slices[$0].z }.sorted())
        #expect(brain.slices[few[0]].z == -38 && brain.slices[few[19]].z == 67)
        let pool = brain.poolSlices
        let colin = pool.filter { brain.slices[$0].volume != "mni152" }.map { brain.slices[$0].z }
        // Colin27 slices within 3 mm of a test slab stay out; the second brain's stay in whatever their z.
        #expect(colin.allSatisfy { z in BrainSlices.testSlabs.allSatisfy { z < $0.lowerBound - 3 || z > $0.upperBound + 3 } })
        #expect(colin.contains(-39) && colin.contains(85) && !colin.contains(-40) && !colin.contains(10))
        #expect(pool.filter { brain.slices[$0].volume == "mni152" }.count == 2)
        let images = brain.images(Array(train.prefix(3)), side: 32, name: "train")
        #expect(images.count == 3 && images.height == 32 && images.channels == 1 && images.masks?.allSatisfy { $0 == 1 } == true)
        #expect(images.images.allSatisfy { $0 == -1 })
        #expect(brain.images(pool, side: 64, name: "pool").masks == nil)
    }

    @Test func badSlicesNameLineAndColumn() throws {
        let header = "volume,z_mm,width,height,regions,image,labels\n"
        let image = Data(count: 64 * 64).base64EncodedString()
        func failure(_ row: String) -> String? {
            message { _ = try BrainSlices(tables: [CSVReader.parse(header + row, file: "s.csv")], classes: classes(), attribution: "", standIn: nil) }
        }
        #expect(failure("ch2,1,64,64,12,\(image),\(Data(repeating: 2, count: 64 * 64).base64EncodedString())\n")
                == "s.csv:2, column 7 (labels): label 2 is not a class (2 classes)")
        #expect(failure("ch2,1,32,32,12,\(image),\n") == "s.csv:2, column 3 (width): slices must be 64 × 64")
        #expect(failure("ch2,up,64,64,12,\(image),\n") == "s.csv:2, column 2 (z_mm): \"up\" is not a number")
        #expect(failure("ch2,1,64,64,12,AAAA,\n") == "s.csv:2, column 6 (image): not the base64 of 64 × 64 bytes")
    }

    /// The grouping lives in data/sources.json (the converter applies it and checks it against aal.nii.txt).
    @Test func theGroupingTakesEachOfThe116AALRegionsOnce() throws {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("data/sources.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(manifest["datasets"] as? [[String: Any]])
        let entry = try #require(entries.first { $0["name"] as? String == "colin27-slices" })
        let schema = try #require(entry["schema"] as? [String: Any])
        let classes = try JSONDecoder().decode([BrainClass].self, from: JSONSerialization.data(withJSONObject: schema["classes"] as Any))
        #expect(classes.count == 14 && classes[0] == BrainClass(name: "background", regions: []))
        #expect(classes.dropFirst().allSatisfy { !$0.regions.isEmpty })
        let regions = classes.flatMap(\.regions)
        #expect(regions.count == 116 && Set(regions).count == 116)
        // AAL's 116: 45 cerebral and 9 cerebellar regions per hemisphere, and 8 of the vermis.
        #expect(regions.filter { $0.hasSuffix("_L") }.count == 54 && regions.filter { $0.hasSuffix("_R") }.count == 54)
        #expect(Set(regions.filter { $0.hasSuffix("_L") }.map { $0.dropLast(2) }) == Set(regions.filter { $0.hasSuffix("_R") }.map { $0.dropLast(2) }))
        #expect(regions.filter { $0.hasPrefix("Vermis_") }.count == 8)
    }

    @Test(.enabled(if: prepared("colin27-slices", "mni152-slices")))
    func theCatalogBrainHasEveryClassOnBothSides() throws {
        let brain = try BrainSlices.load(from: DataCatalog(root: repositoryRoot))
        #expect(brain.classNames.count == 14 && brain.classNames[0] == "background")
        #expect(brain.slices.filter { $0.volume == "ch2" && $0.regions >= BrainSlices.minimumRegions }.count == 128)
        #expect(brain.trainSlices.count == 48 && brain.testSlices.count == 56)
        let train = brain.images(brain.trainSlices, side: 32, name: "train"), test = brain.images(brain.testSlices, side: 32, name: "test")
        #expect(train.classShares.allSatisfy { $0 > 0 } && test.classShares.allSatisfy { $0 > 0 })
        #expect(Set(brain.slices.map(\.volume)) == ["ch2", "ch2better", "mni152"])
        #expect(brain.poolSlices.count > 250)
    }
}
