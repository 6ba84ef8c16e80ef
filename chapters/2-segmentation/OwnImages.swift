import Artifacts
import Datasets
import DiffusionFeatures
import Experiment
import Figures
import Foundation
import Report

/// `chapter2 --images DIR --masks DIR`: a user's own images. The DDPM learns from every image except the held-out
/// masked ones, the classifier from the first half of the masked images, and the second half scores it; every
/// image not used for training gets a predicted mask.
struct OwnImages {
    let folder: ImageFolder
    let imagesURL: URL
    /// The images at the side the run uses (halved until at most `maximumSide`).
    let all: SegmentationImages
    let train: [Int]
    let test: [Int]

    static let maximumSide = 64

    /// The folder's name, or its parent's when the folder is just called "images" (`mydata/images`).
    var name: String {
        let last = imagesURL.standardizedFileURL.lastPathComponent
        return last.lowercased() == "images" ? imagesURL.standardizedFileURL.deletingLastPathComponent().lastPathComponent : last
    }
    /// Images the classifier never saw: the held-out masked ones and every unlabelled one, in file order.
    var predicted: [Int] { all.count.indicesExcept(train) }

    static func load(images: String, masks: String, classes: [String]?) throws -> OwnImages {
        let imagesURL = URL(fileURLWithPath: images), masksURL = URL(fileURLWithPath: masks)
        let folder = try ImageFolder(images: imagesURL, masks: masksURL, classNames: classes, name: imagesURL.lastPathComponent)
        var all = folder.images
        guard all.width == all.height else {
            throw DataError.unreadable(file: imagesURL.path, reason: "the images are \(all.width) × \(all.height); the kit's U-Net "
                + "needs square images")
        }
        while all.height > maximumSide, all.height % 2 == 0 { all = all.downsampled() }
        guard all.height <= maximumSide, all.height % 4 == 0, all.height >= 8 else {
            throw DataError.unreadable(file: imagesURL.path, reason: "the images are \(folder.images.width) × \(folder.images.height); "
                + "the side must halve to a multiple of 4 between 8 and \(maximumSide) (e.g. 32, 64, 128, 256)")
        }
        let labelled = folder.labelledIndices
        guard labelled.count >= 2 else {
            throw DataError.unreadable(file: masksURL.path, reason: "\(labelled.count) mask\(labelled.count == 1 ? "" : "s"); at least two "
                + "are needed (half train the classifier, half score it)")
        }
        let trainCount = (labelled.count + 1) / 2
        let own = OwnImages(folder: folder, imagesURL: imagesURL, all: all, train: Array(labelled.prefix(trainCount)),
                            test: Array(labelled.dropFirst(trainCount)))
        guard own.labelledSet(own.train).classShares.filter({ $0 > 0 }).count >= 2 else {
            throw DataError.unreadable(file: masksURL.path, reason: "the training masks (\(own.train.map { folder.files[$0] }.joined(separator: ", "))) "
                + "hold fewer than two classes")
        }
        return own
    }

    /// The images at `indices` with their masks (at the run's side: masks are halved as the images are).
    func labelledSet(_ indices: [Int]) -> SegmentationImages {
        var set = folder.images.subset(indices)
        set.masks = indices.flatMap { i in
            Array(folder.labelled.mask(folder.labelledIndices.firstIndex(of: i)!))
        }
        while set.height > all.height { set = set.downsampled() }
        return set
    }

    func prepare(settings: ChapterSettings, run: ExperimentRun) throws -> PreparedDomain {
        var hashes: [String] = []
        for file in folder.files { hashes.append(try run.recordInput(imagesURL.appendingPathComponent(file))) }
        var pool = all.subset(all.count.indicesExcept(test))
        if pool.count < settings.poolSize {
            pool = pool.augmented(count: settings.poolSize, maxShift: Swift.max(all.width / 16, 1), seed: settings.seed)
        }
        return PreparedDomain(domain: .own, title: name, pool: pool, train: labelledSet(train), test: labelledSet(test),
                              inputHash: SHA256Hex.digest(of: hashes.joined(separator: "\n")),
                              extra: all.subset(predicted))
    }

    /// Writes the DDPM ensemble's predicted mask of every image it did not train on, as grey-level class indices
    /// at the run's side, into `reports/own/<name>-masks/` (replaced as a whole).
    func writeMasks(_ entry: DomainResults, root: URL) throws -> URL {
        guard let labels = entry.cells[.ddpm]?.first?.extraLabels else {
            throw DiffusionFeaturesError.invalidInput("chapter2: the run produced no predicted masks")
        }
        let folder = root.appendingPathComponent("reports/own/\(name)-masks", isDirectory: true)
        let staging = root.appendingPathComponent("reports/own/.\(name)-masks.partial", isDirectory: true)
        let manager = FileManager.default
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        let plane = all.width * all.height
        for (k, i) in predicted.enumerated() {
            let file = (self.folder.files[i] as NSString).deletingPathExtension + ".png"
            try PNGImage.write(gray: labels[(k * plane)..<((k + 1) * plane)].map { Float($0) / 255 }, width: all.width,
                             height: all.height, to: staging.appendingPathComponent(file))
        }
        try? manager.removeItem(at: folder)
        try manager.moveItem(at: staging, to: folder)
        return folder
    }
}

/// `reports/own/<name>-segmentation.html`: the mIoU on the held-out masks, per class, the segmentations and the
/// run's provenance, in one self-contained file rendered from the published run.
struct OwnImagesPage {
    let own: OwnImages
    let settings: ChapterSettings

    func write(root: URL, chapter: String) throws -> URL {
        let classes = own.folder.images.classNames.joined(separator: ", ")
        let page = StandalonePage(title: "Segmenting \(own.name) from a DDPM's features", chapter: chapter, sections: [
            .paragraph("\(own.imagesURL.path): \(own.folder.files.count) images (used at \(own.all.width) × \(own.all.height)), "
                + "\(own.folder.labelledIndices.count) with masks; classes: \(classes). The DDPM learned from every image but "
                + "the \(own.test.count) held-out masked ones; the pixel classifier from the first \(own.train.count) masked "
                + "images; the held-out ones score it. Predicted masks of the \(own.predicted.count) images the classifier did "
                + "not see are in reports/own/\(own.name)-masks/ (grey level = class index). Profile "
                + "\(settings.profile.rawValue), seed \(settings.seed)."),
            .heading("Quality on the held-out masks"),
            .runTable(id: "miou"),
            .runTable(id: "iou-per-class-own"),
            .figure(id: "segmentations-own"),
            .heading("What the features carry"),
            .figure(id: "block-steps"),
            .figure(id: "feature-clusters"),
            .heading("Cost"),
            .runTable(id: "segmentation-costs"),
            .figure(id: "ddpm-loss"),
            .heading("Provenance"),
            .provenance,
        ])
        return try page.write(root: root, fileName: "\(own.name)-segmentation")
    }
}

extension Int {
    /// 0..<self without the given indices, in order.
    func indicesExcept(_ excluded: [Int]) -> [Int] {
        let skip = Set(excluded)
        return (0..<self).filter { !skip.contains($0) }
    }
}
