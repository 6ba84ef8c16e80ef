#!/usr/bin/env bash
# The authors' TVAE and CTGAN on the kit's splits: PyPI ctgan in a private venv (.venv-ctgan), pinned by
# data/requirements-ctgan.txt (CPU torch). Usage: scripts/verify-baselines.sh SPLITS_DIR OUT_DIR DATASETS [SEEDS]
set -euo pipefail
cd "$(dirname "$0")/.."
splits=${1:?splits folder}; out=${2:?output folder}; datasets=${3:?comma-separated data sets}; seeds=${4:-3}
command -v python3 >/dev/null 2>&1 || { echo "verify-baselines: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x .venv-ctgan/bin/python ] || ! .venv-ctgan/bin/python -c "import ctgan" 2>/dev/null; then
    python3 -m venv .venv-ctgan
    .venv-ctgan/bin/pip install --quiet -r data/requirements-ctgan.txt
fi
exec .venv-ctgan/bin/python scripts/verify_baselines.py --splits "$splits" --datasets "$datasets" --seeds "$seeds" --out "$out"
