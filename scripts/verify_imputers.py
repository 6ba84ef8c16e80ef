"""PyPOTS's BRITS and GP-VAE on the series `chapter1 --export-series` wrote, scored by the chapter's protocol.

Trains each model once per training seed of the kit's run, with the kit's sizes and the same number of optimiser
steps (converted to PyPOTS's epochs), imputes the evaluation series, and writes per seed the MSE on the hidden
observed values and the AUROC of liblinear logistic regression fitted on the first half of the imputed evaluation
series and scored on the second (padding after a short series set to 0), as JSON for `chapter1 --compare-pypots`.

Usage: python scripts/verify_imputers.py --series DIR --out FILE.json
"""

import argparse
import json
import math
import os
import sys

import numpy as np


def load(path):
    with open(path) as f:
        d = json.load(f)
    shape = (d["count"], d["length"], d["features"])
    arrays = {k: np.asarray(d[k], dtype=np.float32).reshape(shape) for k in ("values", "observed", "scored")}
    arrays["present"] = np.asarray(d["present"], dtype=np.float32).reshape(shape[:2])
    arrays["labels"] = np.asarray(d["labels"])
    return arrays


def auroc(imputed, evaluation):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    x = np.where(evaluation["present"][:, :, None] > 0, imputed, 0).reshape(len(imputed), -1)
    y = evaluation["labels"]
    half = len(x) // 2
    model = LogisticRegression(solver="liblinear").fit(x[:half], y[:half])
    return float(roc_auc_score(y[half:], model.predict_proba(x[half:])[:, 1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", required=True, help="the folder chapter1 --export-series wrote")
    parser.add_argument("--out", required=True, help="where to write the scores (JSON)")
    args = parser.parse_args()

    folder = os.path.join(args.series, "clinical")
    for name in ("train.json", "evaluation.json", "settings.json"):
        if not os.path.exists(os.path.join(folder, name)):
            sys.exit(f"verify_imputers: {os.path.join(folder, name)} is missing: run chapter1 --export-series first")
    train, evaluation = load(os.path.join(folder, "train.json")), load(os.path.join(folder, "evaluation.json"))
    with open(os.path.join(folder, "settings.json")) as f:
        settings = json.load(f)

    import pypots
    import torch
    from pypots.imputation import BRITS, GPVAE
    from pypots.optim import Adam
    from pypots.utils.random import set_random_seed

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    n, t, d = train["values"].shape
    x_train = np.where(train["observed"] > 0, train["values"], np.nan)
    x_eval = np.where(evaluation["observed"] > 0, evaluation["values"], np.nan)
    hidden = evaluation["scored"] > 0

    def epochs(steps, batch):
        return max(1, math.ceil(steps / math.ceil(n / batch)))

    def build(method):
        if method == "brits":
            c = settings["brits"]
            e = epochs(c["steps"], c["batchSize"])
            return BRITS(n_steps=t, n_features=d, rnn_hidden_size=c["hiddenSize"], batch_size=c["batchSize"], epochs=e,
                         optimizer=Adam(lr=c["learningRate"]), device="cpu", verbose=False), \
                f"{e} epochs × {math.ceil(n / c['batchSize'])} batches (kit: {c['steps']} steps)"
        c = settings["gpvae"]
        e = epochs(c["steps"], c["batchSize"])
        return GPVAE(n_steps=t, n_features=d, latent_size=c["latentDimension"], encoder_sizes=tuple(c["encoderSizes"]),
                     decoder_sizes=tuple(c["decoderSizes"]), kernel="cauchy", beta=c["beta"], sigma=c["sigma"],
                     length_scale=c["lengthScale"], window_size=c["windowSize"], batch_size=c["batchSize"], epochs=e,
                     optimizer=Adam(lr=c["learningRate"]), device="cpu", verbose=False), \
            f"{e} epochs × {math.ceil(n / c['batchSize'])} batches (kit: {c['steps']} steps)"

    out = {}
    for method in ("brits", "gp-vae"):
        mse, aurocs, budget = [], [], ""
        for seed in settings["seeds"]:
            set_random_seed(int(seed))
            model, budget = build(method)
            model.fit({"X": x_train})
            imputed = np.asarray(model.predict({"X": x_eval})["imputation"], dtype=np.float64)
            if imputed.ndim == 4:  # GP-VAE: [N, samples, T, D]
                imputed = imputed.mean(axis=1)
            imputed = np.where(evaluation["observed"] > 0, evaluation["values"], imputed)
            mse.append(float(np.mean((imputed[hidden] - evaluation["values"][hidden]) ** 2)))
            aurocs.append(auroc(imputed, evaluation))
            print(f"verify_imputers: {method} seed {seed}: MSE {mse[-1]:.4f}, AUROC {aurocs[-1]:.4f}", file=sys.stderr)
        out[method] = {"mse": mse, "auroc": aurocs, "pypots": f"PyPOTS {pypots.__version__}, torch {torch.__version__}",
                       "budget": budget}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
