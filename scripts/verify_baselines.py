#!/usr/bin/env python3
"""Synthetic rows from the authors' TVAE and CTGAN (PyPI ctgan), to check the kit's own versions against them.

For each data set under --splits (a folder <dataset>/ with train.csv and schema.json in the kit's schema format, as
`chapter3 --export-splits` writes it), trains ctgan's TVAE and CTGAN with the package's defaults (300 epochs,
batch 500) on the real training split, categorical features and a classification target passed as discrete
columns, once per seed 0..N-1, and samples as many rows as the training split holds. Writes
<out>/<dataset>/<model>-<seed>.csv (the training split's columns and order) and <out>/versions.json. The kit
scores these files with the same evaluator as its own generators (`chapter3 --compare-baselines`).

    python scripts/verify_baselines.py --splits DIR --seeds 3 --datasets diabetes --out DIR
"""
import argparse
import json
import pathlib
import sys

import ctgan
import numpy as np
import pandas as pd
import torch


def read_train(folder):
    schema_path = folder / "schema.json"
    schema = json.loads(schema_path.read_text())
    if not schema.get("target") or schema.get("task") not in ("binclass", "multiclass", "regression"):
        sys.exit(f"{schema_path}: needs a target and a task (binclass, multiclass or regression)")
    kinds = {c["name"]: c["kind"] for c in schema["columns"]}
    dtypes = {n: (str if k == "categorical" else float) for n, k in kinds.items()}
    path = folder / "train.csv"
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False)
    if sorted(frame.columns) != sorted(kinds):
        sys.exit(f"{path}: columns {sorted(frame.columns)} differ from {schema_path}'s {sorted(kinds)}")
    discrete = [n for n in frame.columns if kinds[n] == "categorical"]
    return frame, discrete


def synthesize(kind, frame, discrete, seed):
    """One model of `kind` trained at the package's defaults with `seed`, and len(frame) rows sampled from it."""
    np.random.seed(seed)
    torch.manual_seed(seed)
    model = ctgan.TVAE(enable_gpu=False) if kind == "tvae" else ctgan.CTGAN(enable_gpu=False)
    model.set_random_state(seed)
    model.fit(frame, discrete_columns=discrete)
    return model.sample(len(frame))[list(frame.columns)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", required=True, type=pathlib.Path, help="folder of <dataset>/{train.csv,schema.json}")
    parser.add_argument("--datasets", required=True, help="comma-separated data sets (folders under --splits)")
    parser.add_argument("--seeds", type=int, default=3, help="training seeds 0..N-1 per model (default 3)")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="folder to write the synthetic CSVs into")
    args = parser.parse_args()
    if args.seeds < 1:
        sys.exit(f"--seeds: expected at least 1, got {args.seeds}")
    folders = [args.splits / name for name in args.datasets.split(",")]
    missing = [str(f) for f in folders if not (f / "schema.json").is_file()]
    if missing:
        sys.exit(f"no schema.json in: {', '.join(missing)} (run chapter3 --export-splits first)")
    torch.set_num_threads(1)
    for folder in folders:
        frame, discrete = read_train(folder)
        target = args.out / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for kind in ("tvae", "ctgan"):
            for seed in range(args.seeds):
                rows = synthesize(kind, frame, discrete, seed)
                path = target / f"{kind}-{seed}.csv"
                partial = path.with_suffix(".csv.partial")
                rows.to_csv(partial, index=False)
                partial.replace(path)
                print(f"{folder.name} {kind} seed {seed}: {len(rows)} rows -> {path}", flush=True)
    versions = {"ctgan": ctgan.__version__, "torch": torch.__version__, "epochs": 300, "batch_size": 500,
                "seeds": args.seeds}
    (args.out / "versions.json").write_text(json.dumps(versions, indent=2) + "\n")


if __name__ == "__main__":
    main()
