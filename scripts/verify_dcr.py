"""The distance to closest record as tab-ddpm's scripts/resample_privacy.py defines it, on the toy tables of
Tests/EvaluationTests/TabularDistanceTests.swift, computed with the scikit-learn calls that script relies on.

The Swift test asserts the values this prints, so the kit's SIMD search is checked against an independent
computation of the reference's definition:
- the target joins the features: a numeric column for regression, a categorical one (as text) for classification;
- numeric columns are min-max scaled by a scaler fitted on the real rows (scikit-learn's MinMaxScaler: a constant
  column keeps a scale of 1, so a synthetic value off the constant still counts);
- categorical columns are one-hot encoded by an encoder fitted on the real rows, divided by sqrt(2);
- each synthetic row's Euclidean distance to its nearest real row; the median of those is the score.

Run: make verify-dcr (a private venv from data/requirements-dcr.txt).
"""

import json

import numpy as np
from sklearn.metrics import pairwise_distances
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder


def closest_record_distances(real, synthetic, task):
    """Distances from each synthetic row to its nearest real row. Tables are dicts with numeric (rows x features),
    categorical (rows x features, text) and y."""

    def numeric_part(table):
        columns = [np.asarray(table["numeric"], dtype=float).reshape(len(table["y"]), -1)]
        if task == "regression":
            columns.append(np.asarray(table["y"], dtype=float)[:, None])
        return np.concatenate(columns, axis=1)

    def categorical_part(table):
        columns = [np.asarray(table["categorical"], dtype=object).reshape(len(table["y"]), -1)]
        if task != "regression":
            columns.append(np.asarray(table["y"]).astype(int).astype(str)[:, None])
        return np.concatenate(columns, axis=1)

    scaler = MinMaxScaler().fit(numeric_part(real))
    parts_real, parts_fake = [scaler.transform(numeric_part(real))], [scaler.transform(numeric_part(synthetic))]
    if categorical_part(real).shape[1] > 0:
        encoder = OneHotEncoder().fit(categorical_part(real))
        parts_real.append(encoder.transform(categorical_part(real)).toarray() / np.sqrt(2))
        parts_fake.append(encoder.transform(categorical_part(synthetic)).toarray() / np.sqrt(2))
    distances = pairwise_distances(np.concatenate(parts_fake, axis=1), np.concatenate(parts_real, axis=1), metric="l2")
    return distances.min(axis=1)


# Numeric x1 (real range 0..10, one synthetic value beyond it), x2 constant in the real rows, a category with three
# levels, a binary class.
CLASSIFICATION = {
    "real": {"numeric": [[0, 3], [10, 3], [4, 3], [6, 3]], "categorical": [["a"], ["b"], ["a"], ["c"]], "y": [0, 1, 1, 0]},
    "synthetic": {"numeric": [[5, 3], [12, 3], [4, 5], [6, 3], [2, 3]],
                  "categorical": [["a"], ["b"], ["a"], ["c"], ["b"]], "y": [0, 1, 1, 0, 0]},
}

# A regression target is one more min-max scaled column.
REGRESSION = {
    "real": {"numeric": [[0], [1], [3]], "categorical": [["u"], ["v"], ["u"]], "y": [0, 2, 4]},
    "synthetic": {"numeric": [[0.5], [3], [2]], "categorical": [["u"], ["v"], ["v"]], "y": [1, 4, 2]},
}


def main():
    out = {}
    for name, case, task in [("classification", CLASSIFICATION, "binclass"), ("regression", REGRESSION, "regression")]:
        d = closest_record_distances(case["real"], case["synthetic"], task)
        out[name] = {"distances": [float(x) for x in d], "median": float(np.median(d))}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
