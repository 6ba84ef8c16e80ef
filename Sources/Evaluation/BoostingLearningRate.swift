import Foundation

extension BoostingConfig {
    /// CatBoost's automatic learning rate, which CatBoost uses whenever `learning_rate` (and `l2_leaf_reg`, the
    /// leaf estimation method and iterations) are left unset — as in the paper's untuned evaluator runs.
    ///
    /// CatBoost fitted, per loss, rate = exp(A·ln(training rows) + B) · (iterations / 1000)^C, capped at 0.5 and
    /// rounded to 6 decimals, then stored as a 32-bit float. The coefficients are CatBoost 1.2's CPU rows for a fit
    /// with an evaluation set and `use_best_model` (this evaluator always early-stops and keeps the best prefix),
    /// `boost_from_average` off for Logloss and MultiClass and on for RMSE (`catboost/libs/train_lib/
    /// options_helper.cpp`, `TAutoLRParamsGuesser`). Checked against CatBoost 1.2.10's `get_all_params()`.
    static func automaticLearningRate(loss: GradientBoostingModel.Loss, trainingRows: Int, iterations: Int) -> Double {
        let (a, b, c): (Double, Double, Double) = switch loss {
        case .logloss: (0.247, -5.158, -0.435)
        case .multiclass: (0.02, -2.364, -0.382)
        case .rmse: (0.157, -4.062, -0.61)
        }
        let rate = min(exp(a * log(Double(max(trainingRows, 1))) + b) * pow(Double(iterations) / 1000, c), 0.5)
        return Double(Float((rate * 1e6).rounded() / 1e6))
    }

    /// `learningRate`, or CatBoost's automatic rate for this loss and training set when it is nil.
    func effectiveLearningRate(loss: GradientBoostingModel.Loss, trainingRows: Int) -> Double {
        learningRate ?? Self.automaticLearningRate(loss: loss, trainingRows: trainingRows, iterations: iterations)
    }
}
