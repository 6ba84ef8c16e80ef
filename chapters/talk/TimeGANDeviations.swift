import Experiment
import TimeGAN

/// How a TimeGAN run differs from the reference (`main_timegan.py`), recorded in the run's results.
extension TimeGANSteps {
    /// Every deviation of the catalog run: the training and scoring cuts, then the data sets'.
    static func recordDeviations(_ s: TimeGANSettings, run: ExperimentRun) {
        let paper = TimeGANSettings(profile: .paper, iterations: nil)
        recordTrainingDeviations(s, run: run)
        if s.sineCount != paper.sineCount {
            run.recordDeviation("TimeGAN: \(s.sineCount) sine sequences instead of \(paper.sineCount)")
        }
        if s.phase2VariantDataSets != paper.phase2VariantDataSets {
            run.recordDeviation("TimeGAN phase-2 variant (generator trained in phase 2, our addition) run on "
                + (s.phase2VariantDataSets.isEmpty ? "no data set" : s.phase2VariantDataSets.joined(separator: ", ")) + " only")
        }
        if s.dataSets.contains("stocks") {
            run.recordDeviation("TimeGAN stocks: GOOG daily prices from bokeh-sampledata end in 2013 (the paper's series runs to 2019)")
        }
        if s.dataSets.contains("energy") {
            run.recordDeviation("TimeGAN energy: a stand-in (NYC hourly weather), not the UCI appliances-energy data (28 features)")
        }
    }

    /// The cuts that apply to any data: iterations, sizes, metric repeats and the visualisation.
    static func recordTrainingDeviations(_ s: TimeGANSettings, run: ExperimentRun) {
        let paper = TimeGANSettings(profile: .paper, iterations: nil)
        if s.model != paper.model || s.baselineIterations != paper.baselineIterations {
            run.recordDeviation(iterationText(s) + " instead of 50,000 for every phase (and for the baseline, run as long "
                + "as TimeGAN's phases in the paper profile)")
        }
        if s.model.batchSize != paper.model.batchSize {
            run.recordDeviation("TimeGAN: batch \(s.model.batchSize) instead of 128")
        }
        if s.metricRepeats != paper.metricRepeats {
            run.recordDeviation("TimeGAN: \(s.metricRepeats) metric repeats instead of \(paper.metricRepeats)")
        }
        if s.discriminativeIterations != paper.discriminativeIterations || s.predictiveIterations != paper.predictiveIterations {
            run.recordDeviation("TimeGAN scores: \(s.discriminativeIterations) discriminative / \(s.predictiveIterations) "
                + "predictive training iterations instead of 2,000 / 5,000")
        }
        if s.visualisationSamples != paper.visualisationSamples {
            run.recordDeviation("TimeGAN PCA/t-SNE: \(s.visualisationSamples) sequences per side instead of 1,000")
        }
        if s.model.hiddenSize != paper.model.hiddenSize || s.model.layerCount != paper.model.layerCount {
            run.recordDeviation("TimeGAN: hidden \(s.model.hiddenSize) × \(s.model.layerCount) layers instead of 24 × 3")
        }
        run.recordDeviation("TimeGAN t-SNE: our exact implementation (perplexity 30, \(s.tsneIterations) iterations), on real and synthetic points together, not scikit-learn's")
    }
}
