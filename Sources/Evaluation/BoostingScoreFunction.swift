/// How the boosting evaluator scores a candidate split (CatBoost's `score_function`).
///
/// On CPU CatBoost chooses the tree structure from first derivatives and row weights only, not from the Hessian:
/// each child of each leaf (and, for MultiClass, each class) gets the gradient-step value a = ΣwG / (Σw + λ), and
/// - `l2` sums a · ΣwG over the children, the drop of a squared-error fit to the gradients;
/// - `cosine` (CatBoost's default) divides that sum by the square root of Σ a² · Σw over the same children, the cosine
///   between the gradients and the piecewise-constant step.
/// λ is `l2_leaf_reg` times the mean row weight. A child without weight adds nothing.
public enum BoostingScoreFunction: String, Codable, Sendable {
    case cosine, l2
}
