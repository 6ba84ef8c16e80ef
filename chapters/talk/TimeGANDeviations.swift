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
        if s.model != paper.model {
            run.recordDeviation("TimeGAN \(s.model.embeddingIterations) embedding / \(s.model.supervisedIterations) "
                + "supervised / \(s.model.jointIterations) joint iterations instead of 50,000 for every phase")
        }
        if let cut = s.secondaryIterations {
            run.recordDeviation("TimeGAN: \(cut) iterations per phase on the energy stand-in and for the phase-2 variant, "
                + "so that sines and stocks get \(s.model.embeddingIterations) within the default run's 30 minutes")
        }
        if s.baseline != paper.baseline {
            run.recordDeviation("Recurrent GAN: \(s.baseline.epochs) epochs instead of RCGAN's \(paper.baseline.epochs)")
        }
        let b = s.baseline
        run.recordDeviation("Recurrent GAN (the T.3 baseline) trained as RCGAN (Esteban, Hyland & Rätsch 2017; github.com/"
            + "ratschlab/RGAN, model.py and experiments/settings/test.txt): \(b.layerCount) recurrent layer of \(b.hiddenSize) "
            + "units in generator and discriminator, N(0, 1) noise of \(b.noiseSize) per step, tanh output on data scaled to "
            + "[−1, 1], per-step BCE, \(b.discriminatorRounds) discriminator steps (gradient descent, lr "
            + "\(b.discriminatorLearningRate)) per generator step (Adam, lr \(b.generatorLearningRate)), batch \(b.batchSize); "
            + "deviations: GRU cells instead of LSTM, no conditioning labels. Before, a 3 × 24 GRU on U(0, 1) noise with "
            + "Adam on both sides for 500 steps collapsed to one sequence whatever its noise (spread across samples "
            + "0.0003–0.003 vs 0.19 in GOOG) while its discriminator loss stayed near log 4: mode collapse, not a "
            + "discriminator that won")
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
