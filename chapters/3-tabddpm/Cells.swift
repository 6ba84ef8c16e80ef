import Evaluation
import Experiment
import Foundation

/// One independent unit of the chapter's run, cached under the same key whether it runs alone (`--cell ID`) or
/// inside a plain run: the evaluator tuned on one data set's real data, one tuning trial of a model (a candidate
/// configuration trained and scored on the validation split), one model's cell on one data set (its kept
/// configuration, samples and scores), or one variant of the TabDDPM quirk ablation.
enum ChapterCell {
    case evaluator(PreparedData)
    /// Trial `index` (from 0) of the model's candidates.
    case trial(PreparedData, ModelKind, index: Int)
    case model(PreparedData, ModelKind)
    case ablation(PreparedData, AblationVariant)

    var id: String {
        switch self {
        case .evaluator(let data): "\(data.spec.name).evaluator"
        case .trial(let data, let model, let index): "\(data.spec.name).\(model.rawValue).trial-\(index + 1)"
        case .model(let data, let model): "\(data.spec.name).\(model.rawValue)"
        case .ablation(let data, let variant): "\(data.spec.name).tabddpm.\(variant.name)"
        }
    }

    var data: PreparedData {
        switch self {
        case .evaluator(let data), .trial(let data, _, _), .model(let data, _), .ablation(let data, _): data
        }
    }
}

/// The cells of a run of this chapter: every data set's evaluator first (everything else on the set is scored with
/// it), then the tuning trials, then the models (each keeps its best trial), then the ablation's variants. A job
/// array that starts its tasks in this order rarely has a cell wait for another one it needs.
struct ChapterCells {
    let prepared: [PreparedData]
    let settings: ChapterSettings
    let cache: ContentCache
    let codeHash: String

    var all: [ChapterCell] {
        prepared.map(ChapterCell.evaluator)
            + prepared.flatMap { data in
                settings.models.flatMap { model in runner(data).candidates(model).indices.map { ChapterCell.trial(data, model, index: $0) } }
            }
            + prepared.flatMap { data in settings.models.map { ChapterCell.model(data, $0) } }
            + (ablation.map { choice in choice.variants.map { ChapterCell.ablation(choice.data, $0) } } ?? [])
    }

    /// The data set the quirk ablation re-trains TabDDPM on — the cheapest with categorical columns — and the
    /// variants that differ from the main run's configuration; nil when the run has no ablation.
    var ablation: (data: PreparedData, variants: [AblationVariant])? {
        guard settings.ablations, settings.models.contains(.tabddpm),
              let data = prepared.filter({ !$0.train.categoricalNames.isEmpty })
                .min(by: { ablationCost($0) < ablationCost($1) }) else { return nil }
        let main = settings.tabddpmConfig(for: data.spec, trainRows: data.train.rowCount)
        let variants = AblationVariant.all.filter {
            $0.logOneHotInput != main.logOneHotInput || $0.sampleFromEMA != main.sampleFromEMA
        }
        return (data, variants)
    }

    func runner(_ data: PreparedData) -> DatasetRunner {
        DatasetRunner(data: data, settings: settings, cache: cache, codeHash: codeHash)
    }

    /// The cell with `id`, or an error naming `--cell` and listing the run's ids.
    func cell(_ id: String) throws -> ChapterCell {
        guard let cell = all.first(where: { $0.id == id }) else {
            throw KitError.unknownValue(option: "--cell", value: id, allowed: all.map(\.id))
        }
        return cell
    }

    /// Computes `cell` and stores it in the cache (a no-op when it is cached already).
    func run(_ cell: ChapterCell) throws {
        let runner = runner(cell.data)
        switch cell {
        case .evaluator:
            _ = try runner.tunedEvaluator()
        case .trial(_, let model, let index):
            _ = try runner.trial(model, index: index, evaluator: runner.tunedEvaluator())
        case .model(_, let model):
            _ = try runner.cell(model, evaluator: runner.tunedEvaluator())
        case .ablation(_, let variant):
            _ = try runner.cell(.tabddpm, evaluator: runner.tunedEvaluator(), variant: variant)
        }
    }

    /// The ids of the cells whose results are not in the cache. A data set whose evaluator is missing has all its
    /// cells missing: their keys hold the tuned evaluator.
    func missing() throws -> [String] {
        try all.filter { cell in
            let runner = runner(cell.data)
            guard let evaluator = try runner.cachedEvaluator() else { return true }
            switch cell {
            case .evaluator: return false
            case .trial(_, let model, let index): return try runner.cachedTrial(model, index: index, evaluator: evaluator) == nil
            case .model(_, let model): return try runner.cachedCell(model, evaluator: evaluator) == nil
            case .ablation(_, let variant): return try runner.cachedCell(.tabddpm, evaluator: evaluator, variant: variant) == nil
            }
        }.map(\.id)
    }
}

/// A training step's cost grows with the batch (at most the training rows) times the network's input width.
func ablationCost(_ data: PreparedData) -> Int {
    min(data.train.rowCount, 1_024) * (data.train.numericNames.count + data.train.cardinalities.reduce(0, +))
}
