import Datasets
import Experiment
import Figures
import Foundation

/// The chapter's figures: test images segmented by each representation (with the DDPM ensemble's disagreement),
/// k-means clusters of each decoder block (Figure 4 analogue), mIoU by block and step (Figure 5 analogue), and the
/// DDPM's training loss.
struct ChapterFigures {
    let settings: ChapterSettings
    let results: [DomainResults]
    let run: ExperimentRun

    static let shownImages = 6

    func write() throws {
        guard !results.isEmpty else { return }
        for entry in results {
            try segmentations(entry).write(to: run.figuresDirectory, id: "segmentations-\(entry.prepared.domain.rawValue)",
                caption: "\(entry.prepared.title): test images, their true labels and the majority vote of the "
                    + "classifier ensemble on each representation's features (colours are classes; the legend names them), "
                    + "and the DDPM ensemble's disagreement (white = the members disagree most).")
        }
        try clusters().write(to: run.figuresDirectory, id: "feature-clusters",
            caption: "k-means (\(settings.clusterCount) clusters) on the DDPM's pixel features from one decoder block at one "
                + "step t (rows: t = \(settings.clusterSteps.map(String.init).joined(separator: ", "))), fitted over the first "
                + "\(settings.clusterImages) test images and shown on the first; the panel title gives the block's side and the "
                + "clusters' NMI with the true labels over all of them (Figure 4 analogue; the truth's colours are the classes of "
                + "the segmentation figures, the clusters' are arbitrary ids).")
        try blockSteps().write(to: run.figuresDirectory, id: "block-steps",
            caption: "mIoU (%) of the pixel classifier (ensembles of \(settings.ablationClassifier.memberCount)) on the "
                + "features of one decoder block at one diffusion step t (Figure 5 analogue).")
        try losses().write(to: run.figuresDirectory, id: "ddpm-loss",
            caption: "The DDPM's ε-prediction loss during training on each domain's unlabelled images (every "
                + "\(results[0].training[.ddpm]?.lossEvery ?? 1) steps).")
    }

    /// The image as a raster (values from [-1, 1] to [0, 1], channels interleaved).
    func raster(_ set: SegmentationImages, _ index: Int) -> Raster {
        let plane = set.height * set.width, base = index * set.channels * plane
        var pixels = [Float](repeating: 0, count: set.channels * plane)
        for p in 0..<plane {
            for c in 0..<set.channels {
                pixels[p * set.channels + c] = Swift.min(Swift.max((set.images[base + c * plane + p] + 1) / 2, 0), 1)
            }
        }
        return Raster(pixels: pixels, width: set.width, height: set.height, channels: set.channels == 1 ? .gray : .rgb)
    }

    func segmentations(_ entry: DomainResults) throws -> Figure {
        let test = entry.prepared.test, plane = test.height * test.width
        let shown = Swift.min(Self.shownImages, test.count)
        var rows: [(String, [Int]?)] = [("image", nil), ("truth", test.masks!.prefix(shown * plane).map(Int.init))]
        for representation in settings.representations {
            guard let cell = entry.cells[representation]?.first else { continue }
            rows.append((representation.title, cell.previewLabels))
        }
        var figure = Figure(width: 150 * Double(shown) + 40, height: 170 * Double(rows.count + 1) + 40, columns: shown)
        figure.title = "\(entry.prepared.title): segmentations of test images"
        for (title, labels) in rows {
            for i in 0..<shown {
                figure.panel { panel in
                    if i == 0 { panel.title = title }
                    let mask = labels.map {
                        SegmentationMask(labels: Array($0[(i * plane)..<((i + 1) * plane)]), width: test.width,
                                         height: test.height, classNames: test.classNames, opacity: 0.75)
                    }
                    panel.image(raster(test, i), mask: mask)
                    // One legend for the whole grid, under the first true mask.
                    if !(title == "truth" && i == 0) { panel.legend = .hidden }
                }
            }
        }
        if let disagreement = entry.cells[.ddpm]?.first?.previewDisagreement {
            let top = Swift.max(disagreement.max() ?? 0, 1e-6)
            for i in 0..<shown {
                figure.panel { panel in
                    if i == 0 { panel.title = "DDPM disagreement" }
                    panel.image(Raster(gray: disagreement[(i * plane)..<((i + 1) * plane)].map { $0 / top },
                                       width: test.width, height: test.height))
                }
            }
        }
        return figure
    }

    /// One row per domain and step t, all of the same first test image, so a row-to-row change is t's doing.
    func clusters() throws -> Figure {
        let blocks = settings.ddpm.unet.decoderChannels.count, steps = settings.clusterSteps
        var figure = Figure(width: 150 * Double(2 + blocks) + 40, height: 170 * Double(results.count * steps.count) + 140,
                            columns: 2 + blocks)
        figure.title = "What each decoder block encodes at each step: k-means of its pixel features"
        for entry in results {
            let test = entry.prepared.test, plane = test.height * test.width
            for (row, timestep) in steps.enumerated() {
                figure.panel { panel in
                    panel.title = row == 0 ? "\(entry.prepared.title), t = \(timestep)" : "t = \(timestep)"
                    panel.image(raster(test, 0))
                }
                figure.panel { panel in
                    if row == 0 { panel.title = "truth" }
                    panel.image(raster(test, 0), mask: SegmentationMask(
                        labels: test.masks![0..<plane].map(Int.init), width: test.width,
                        height: test.height, classNames: test.classNames, opacity: 0.75))
                    panel.legend = .hidden
                }
                for cell in entry.clusters.filter({ $0.timestep == timestep }).sorted(by: { $0.block < $1.block }) {
                    figure.panel { panel in
                        let side = settings.ddpm.unet.decoderSides[cell.block]
                        panel.title = "\(side)×\(side): NMI \(String(format: "%.2f", cell.nmi))"
                        panel.image(raster(test, 0), mask: SegmentationMask(
                            labels: Array(cell.assignments[0..<plane]), width: test.width,
                            height: test.height, classNames: (0..<settings.clusterCount).map { "cluster \($0 + 1)" },
                            transparentClass: nil, opacity: 0.8))
                        panel.legend = .hidden
                    }
                }
            }
        }
        return figure
    }

    func blockSteps() throws -> Figure {
        var figure = Figure(width: 640, height: 340 * Double(results.count), columns: 1)
        figure.title = "Which block and which step carry the parts"
        for entry in results {
            figure.panel { panel in
                panel.title = entry.prepared.title
                panel.xLabel = "diffusion step t"
                panel.yLabel = "mIoU (%)"
                for block in Set(entry.ablation.map(\.block)).sorted() {
                    let cells = entry.ablation.filter { $0.block == block }.sorted { $0.timestep < $1.timestep }
                    let side = settings.ddpm.unet.decoderSides[block]
                    panel.line(x: cells.map { Double($0.timestep) }, y: cells.map { 100 * $0.meanIoU },
                               label: "\(side)×\(side) block (\(settings.ddpm.unet.decoderChannels[block]) channels)")
                }
                panel.legend = .outside
            }
        }
        return figure
    }

    func losses() throws -> Figure {
        var figure = Figure(width: 640, height: 360)
        figure.title = "DDPM training loss"
        figure.panel { panel in
            panel.xLabel = "step"
            panel.yLabel = "ε-prediction MSE"
            panel.yScale = .log
            for entry in results {
                guard let record = entry.training[.ddpm], !record.losses.isEmpty else { continue }
                panel.line(x: record.losses.indices.map { Double($0 * record.lossEvery + 1) }, y: record.losses,
                           label: entry.prepared.title)
            }
            panel.legend = .outside
        }
        return figure
    }
}
