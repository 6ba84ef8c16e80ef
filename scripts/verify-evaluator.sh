#!/usr/bin/env bash
# CatBoost's real-data scores on the kit's splits: PyPI catboost in a private venv (.venv-catboost), pinned by
# data/requirements-catboost.txt. Usage: scripts/verify-evaluator.sh SPLITS_DIR OUT.json [SEEDS]
set -euo pipefail
cd "$(dirname "$0")/.."
splits=${1:?splits folder}; out=${2:?output JSON}; seeds=${3:-10}
command -v python3 >/dev/null 2>&1 || { echo "verify-evaluator: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x .venv-catboost/bin/python ] || ! .venv-catboost/bin/python -c "import catboost" 2>/dev/null; then
    python3 -m venv .venv-catboost
    .venv-catboost/bin/pip install --quiet -r data/requirements-catboost.txt
fi
exec .venv-catboost/bin/python scripts/verify_evaluator.py --splits "$splits" --seeds "$seeds" --out "$out"
