import Datasets
import Evaluation
import Experiment
import Figures

/// The Figure 7 and 8 analogues of one data set: each column's distribution, real against the generators the
/// paper draws, and the generators' |association difference| maps. Their numbers are the `feature-distances-<set>`
/// table's.
extension ChapterFigures {
    /// The paper's figures show TabDDPM, TVAE and CTAB-GAN+; a run without any of them shows what it has.
    static func fidelityModels(_ entry: DatasetResults) -> [ModelKind] {
        let paper = [ModelKind.tabddpm, .tvae, .ctabganPlus].filter { entry.cells[$0] != nil }
        return paper.isEmpty ? generators.filter { entry.cells[$0] != nil } : paper
    }

    /// One colour per model in every figure, whichever models a run has.
    static func color(_ model: ModelKind) -> Color {
        switch model {
        case .tabddpm: Palette.blue
        case .tvae: Palette.vermillion
        case .ctgan: Palette.orange
        case .ctabgan: Palette.skyBlue
        case .ctabganPlus: Palette.bluishGreen
        case .smote: Palette.reddishPurple
        case .real: Palette.black
        }
    }

    /// Panels drawn at most: a wide table (Ames has 80 columns) shows its first numeric and categorical columns and
    /// the target; the table beside the figure lists every column.
    static let numericPanels = 8
    static let categoricalPanels = 6

    func featureDistributions(_ entry: DatasetResults) throws -> String? {
        let reference = entry.realPreview
        let models = Self.fidelityModels(entry)
        guard !models.isEmpty else { return nil }
        let columns = FrameColumn.all(reference), features = columns.filter { !$0.isTarget }
        let shown: [FrameColumn] = Array(features.filter(\.isNumeric).prefix(Self.numericPanels))
            + Array(features.filter { !$0.isNumeric }.prefix(Self.categoricalPanels)) + columns.filter(\.isTarget)
        let perRow = 4
        var figure = Figure(width: 1100, height: 240 * Double((shown.count + perRow - 1) / perRow), columns: perRow)
        figure.title = "Per-column distributions on \(entry.data.label): real training rows vs each generator"
        for column in shown {
            let samples = models.map { model in (model, FrameColumn.all(entry.cells[model]!.preview)[column.index]) }
            figure.panel { panel in
                switch column.values {
                case .numeric(let values):
                    let lo = values.min() ?? 0, hi = values.max() ?? 1
                    let edges = Self.histogramEdges(lo, hi)
                    panel.title = column.name + (lo == hi ? " (constant in the real rows)" : "")
                    panel.yLabel = "density"
                    panel.histogram(values, bins: .edges(edges), label: "Real", density: true, color: Self.color(.real))
                    for (model, sample) in samples {
                        // Values beyond the real range land in the outer bins, so none is silently dropped.
                        panel.histogram(sample.numbers.map { min(max($0, edges.first!), edges.last!) }, bins: .edges(edges),
                                        label: model.paperName, density: true, color: Self.color(model))
                    }
                case .categorical(let codes, let levels):
                    let realFrequencies = frequencies(codes, count: levels.count)
                    let top = realFrequencies.enumerated().sorted { $0.element > $1.element }.prefix(8).map(\.offset)
                    panel.title = column.name + (levels.count > 8 ? " (8 most frequent)" : "")
                    panel.yLabel = "frequency"
                    let names = top.map { levels[$0] }  // the figure cuts long names to fit; the sidecar keeps them whole
                    panel.bars(categories: names, values: top.map { realFrequencies[$0] }, label: "Real", color: Self.color(.real))
                    for (model, sample) in samples {
                        let freq = frequencies(sample.codes, count: levels.count)
                        panel.bars(categories: names, values: top.map { freq[$0] }, label: model.paperName, color: Self.color(model))
                    }
                }
            }
        }
        let id = ChapterFigures.id("feature-distributions", entry.data.spec)
        let cut = columns.count > shown.count
            ? " The first \(Self.numericPanels) numeric and \(Self.categoricalPanels) categorical columns and the target are drawn; "
                + "the table lists all \(columns.count)." : ""
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "Per-column distributions of the real training rows and of the first synthetic sample (up to "
                            + "5,000 rows) of \(models.map(\.paperName).joined(separator: ", ")) on \(entry.data.label): the "
                            + "analogue of the paper's Figure 7. Numeric values beyond the real range are counted in the outer "
                            + "bins." + cut)
        return id
    }

    func correlationDifferences(_ entry: DatasetResults) throws -> String? {
        let models = Self.fidelityModels(entry)
        guard !models.isEmpty else { return nil }
        let fidelities = models.map { Fidelity(real: entry.realPreview, synthetic: entry.cells[$0]!.preview) }
        let names = fidelities[0].names
        // Beyond 30 columns names cannot be read; the numbers are the rows of the feature-distances table.
        let labels = names.count > 30 ? names.indices.map { String($0 + 1) } : names.map { String($0.prefix(12)) }
        var figure = Figure(width: 1100, height: 420, columns: models.count)
        figure.title = "|association(real) − association(synthetic)| on \(entry.data.label)"
        for (model, fidelity) in zip(models, fidelities) {
            figure.panel { panel in
                panel.title = "\(model.paperName): mean \(formatFixed(fidelity.meanAssociationDifference, decimals: 3))"
                panel.matrix(fidelity.associationDifferences, rowLabels: labels, columnLabels: labels, colormap: .sequential,
                             valueRange: 0...1)
            }
        }
        let id = ChapterFigures.id("correlation-difference", entry.data.spec)
        try figure.write(to: run.figuresDirectory, id: id,
                         caption: "Absolute difference between the pairwise association matrices (Pearson's r, the correlation "
                            + "ratio, Cramér's V; target included) of the real training rows and of each generator's first sample "
                            + "on \(entry.data.label): the analogue of the paper's Figure 8. Each title gives the mean over "
                            + "pairs of columns; brighter is further from the data.")
        return id
    }

    func frequencies(_ codes: [Int], count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        for c in codes { out[c] += 1 }
        return out.map { $0 / Double(max(codes.count, 1)) }
    }

    /// `<kind>-<data set>`, the name lower-cased and every run of other characters than a–z and 0–9 made one
    /// hyphen, as artifact ids are kebab-case.
    static func id(_ kind: String, _ spec: DatasetSpec) -> String {
        let words = spec.name.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return ([kind] + words.map(String.init)).joined(separator: "-")
    }
}

/// A frame's columns in `Associations.matrix` order (numeric features, categorical features, target), each with
/// its values, so figures and tables walk them alike.
struct FrameColumn {
    enum Values {
        case numeric([Double])
        case categorical([Int], levels: [String])
    }

    var index: Int
    var name: String
    var values: Values
    var isTarget: Bool

    var isNumeric: Bool {
        guard case .numeric = values else { return false }
        return true
    }
    /// The values of a numeric column (empty for a categorical one).
    var numbers: [Double] {
        guard case .numeric(let v) = values else { return [] }
        return v
    }
    /// The codes of a categorical column (empty for a numeric one).
    var codes: [Int] {
        guard case .categorical(let c, _) = values else { return [] }
        return c
    }

    static func all(_ frame: TabularFrame) -> [FrameColumn] {
        var columns = zip(frame.numericNames, frame.numeric).map { FrameColumn(index: 0, name: $0, values: .numeric($1), isTarget: false) }
        columns += frame.categoricalNames.indices.map { f in
            FrameColumn(index: 0, name: frame.categoricalNames[f], values: .categorical(frame.categorical[f], levels: frame.levels[f]),
                        isTarget: false)
        }
        columns.append(FrameColumn(index: 0, name: frame.targetName,
                                   values: frame.isClassification ? .categorical(frame.labels, levels: frame.classNames) : .numeric(frame.y),
                                   isTarget: true))
        for i in columns.indices { columns[i].index = i }
        return columns
    }
}
