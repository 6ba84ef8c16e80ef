import Experiment

/// The median DCRs the reference's `scripts/resample_privacy.py` stored in the tab-ddpm repository (commit
/// 236a502): `exp/<set>/ddpm_cb_best/privacy.json` and `exp/<set>/smote/privacy.json` (one fresh sample each), and
/// for CTAB-GAN the first entry of `exp/<set>/ctabgan/privacies.json` (its sample before any resampling). No DCR
/// is stored for TVAE or CTAB-GAN+. Keyed by the paper's model name and data set code.
enum ReferencePrivacy {
    static let stored: [String: Double] = [
        "TabDDPM/AD": 0.1043782482006405, "SMOTE/AD": 0.02446612554664042, "CTABGAN/AD": 0.20886260991533906,
        "TabDDPM/DI": 0.20361711289451803, "SMOTE/DI": 0.06821187483334126, "CTABGAN/DI": 0.19966804855497094,
    ]

    static func value(model: ModelKind, code: String) -> Double? { stored["\(model.paperName)/\(code)"] }
}

extension ChapterTables {
    /// The kit's median DCR beside the reference's stored results and the paper's Table 5 on the paper's own data
    /// sets: which of the two the kit agrees with is what decides how its DCR table is read.
    func writeDCRSources(_ paper: PaperTable) throws {
        var table = ResultTable(
            id: "dcr-sources",
            caption: "Median DCR on the paper's own data sets from three sources: this run (mean ± std over its synthetic "
                + "samples), the reference's stored results (the median its scripts/resample_privacy.py wrote to "
                + "exp/<set>/<model>/privacy.json for one sample of TabDDPM and SMOTE, and to privacies.json for CTAB-GAN; "
                + "none is stored for TVAE or CTAB-GAN+) and the paper's Table 5. The kit computes the script's definition, "
                + "so its numbers are to be read against the stored ones. The splits and the trained models differ between "
                + "the kit and the reference; SMOTE, which trains nothing, compares most nearly like with like. "
                + "Profile \(settings.profile.rawValue).",
            columns: [.init("Data set"), .init("Model"), .init("ours", alignment: .right),
                      .init("reference, stored", alignment: .right), .init("paper, Table 5", alignment: .right),
                      .init("ours ÷ stored", alignment: .right, decimals: 2),
                      .init("stored ÷ paper", alignment: .right, decimals: 2)])
        func number(_ value: Summary?) -> ResultTable.Cell { value.map { .value($0) } ?? .missing }
        func ratio(_ a: Double?, _ b: Double?) -> ResultTable.Cell {
            guard let a, let b, b > 0 else { return .missing }
            return .value(Summary(mean: a / b))
        }
        let models: [ModelKind] = [.tabddpm, .smote, .ctabgan, .tvae, .ctabganPlus]
        for entry in results {
            guard let code = entry.data.spec.paperCode else { continue }
            for model in models {
                let ours = entry.cells[model].flatMap { $0.medianDCR.isEmpty ? nil : Summary(of: $0.medianDCR) }
                let stored = ReferencePrivacy.value(model: model, code: code)
                let published = paper.value(model: model.paperName, code: code)?.mean
                guard ours != nil || stored != nil || published != nil else { continue }
                table.append([.text(entry.data.spec.name), .text(model.paperName), number(ours),
                              number(stored.map { Summary(mean: $0) }), number(published.map { Summary(mean: $0) }),
                              ratio(ours?.mean, stored), ratio(stored, published)])
            }
        }
        if table.rows.isEmpty {
            table.append([.text("none of the paper's data sets ran"), .missing, .missing, .missing, .missing, .missing, .missing])
        }
        try run.write(table)
    }
}
