#!/usr/bin/env python3
"""Real-data CatBoost scores for checking the kit's own boosting evaluator against the library the paper used.

For each data set under --splits (a folder <dataset>/ with train.csv, validation.csv, test.csv and schema.json in
the kit's schema format), trains CatBoost on the real training split with its default hyperparameters plus the
paper's fixed iterations=2000 and early_stopping_rounds=50, early-stopped on the validation split with
categoricals passed natively (cat_features), loss Logloss / MultiClass / RMSE, thread_count=2, one run per seed
0..N-1, and scores the test split: macro-F1 (as scikit-learn's classification_report "macro avg") for
classification, R² for regression. Early stopping watches the loss, as the kit's evaluator does (the paper's
tuned classifiers watch TotalF1 instead).

Writes {"<dataset>": {"metric": "f1"|"r2", "mean", "std" (population, ddof=0), "n", "scores", "catboost"}}.
Needs only catboost, numpy and pandas (data/requirements-catboost.txt).

    python scripts/verify_evaluator.py --splits DIR --seeds 10 --out catboost_real.json
"""
import argparse
import json
import pathlib
import sys

import catboost
import numpy as np
import pandas as pd


def read_split(folder, name, schema):
    kinds = {c["name"]: c["kind"] for c in schema["columns"]}
    dtypes = {n: (str if k == "categorical" else float) for n, k in kinds.items()}
    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False)
    if sorted(frame.columns) != sorted(kinds):
        sys.exit(f"{path}: columns {sorted(frame.columns)} differ from {folder / 'schema.json'}'s {sorted(kinds)}")
    target = schema["target"]
    features = [n for n in kinds if n != target and kinds[n] in ("numeric", "categorical")]
    categorical = [n for n in features if kinds[n] == "categorical"]
    return frame[features], frame[target], categorical


def macro_f1(expected, predicted):
    """Mean over the labels in expected ∪ predicted of 2·TP / (2·TP + FP + FN); a label in only one side scores 0."""
    expected, predicted = np.asarray(expected), np.asarray(predicted)
    scores = []
    for label in np.union1d(expected, predicted):
        tp = np.sum((expected == label) & (predicted == label))
        scores.append(2 * tp / (np.sum(expected == label) + np.sum(predicted == label)))
    return float(np.mean(scores))


def r2(expected, predicted):
    """1 − SS_res/SS_tot; a constant target gives 1 for an exact prediction, else 0 (scikit-learn's force_finite)."""
    expected, predicted = np.asarray(expected, dtype=float), np.asarray(predicted, dtype=float)
    residual = np.sum((expected - predicted) ** 2)
    total = np.sum((expected - expected.mean()) ** 2)
    if total == 0:
        return 1.0 if residual == 0 else 0.0
    return float(1 - residual / total)


def evaluate(folder, seeds):
    schema_path = folder / "schema.json"
    schema = json.loads(schema_path.read_text())
    task = schema.get("task")
    if task not in ("binclass", "multiclass", "regression") or not schema.get("target"):
        sys.exit(f"{schema_path}: needs a target and a task (binclass, multiclass or regression)")
    x_train, y_train, cats = read_split(folder, "train", schema)
    x_val, y_val, _ = read_split(folder, "validation", schema)
    x_test, y_test, _ = read_split(folder, "test", schema)
    scores = []
    for seed in range(seeds):
        params = dict(iterations=2000, early_stopping_rounds=50, random_seed=seed, thread_count=2, verbose=False,
                      cat_features=cats)
        if task == "regression":
            model = catboost.CatBoostRegressor(loss_function="RMSE", **params)
        else:
            model = catboost.CatBoostClassifier(loss_function="Logloss" if task == "binclass" else "MultiClass", **params)
        model.fit(x_train, y_train, eval_set=(x_val, y_val), use_best_model=True)
        predicted = model.predict(x_test)
        if task == "regression":
            scores.append(r2(y_test, predicted))
        else:
            scores.append(macro_f1(y_test.astype(str), np.asarray(predicted).reshape(-1).astype(str)))
        print(f"{folder.name} seed {seed}: {scores[-1]:.4f} ({model.get_best_iteration() + 1} trees)", flush=True)
    return {"metric": "r2" if task == "regression" else "f1", "mean": float(np.mean(scores)),
            "std": float(np.std(scores)), "n": seeds, "scores": scores, "catboost": catboost.__version__}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", required=True, type=pathlib.Path, help="folder of <dataset>/{train,validation,test}.csv + schema.json")
    parser.add_argument("--seeds", type=int, default=10, help="CatBoost seeds 0..N-1 (default 10, as the paper's real-data baseline)")
    parser.add_argument("--datasets", help="comma-separated subset of the data sets (default: every folder with a schema.json)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="JSON file to write")
    args = parser.parse_args()
    if args.datasets:
        folders = [args.splits / name for name in args.datasets.split(",")]
        missing = [str(f) for f in folders if not (f / "schema.json").is_file()]
        if missing:
            sys.exit(f"no schema.json in: {', '.join(missing)}")
    else:
        folders = sorted(p.parent for p in args.splits.glob("*/schema.json"))
        if not folders:
            sys.exit(f"{args.splits}: no <dataset>/schema.json found")
    results = {folder.name: evaluate(folder, args.seeds) for folder in folders}
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
