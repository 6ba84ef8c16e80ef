#!/usr/bin/env bash
# tab-ddpm's DCR definition computed with scikit-learn on the toy tables whose values
# Tests/EvaluationTests/TabularDistanceTests.swift expects: PyPI scikit-learn in a private venv (.venv-dcr), pinned by
# data/requirements-dcr.txt. Usage: scripts/verify-dcr.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null 2>&1 || { echo "verify-dcr: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x .venv-dcr/bin/python ] || ! .venv-dcr/bin/python -c "import sklearn" 2>/dev/null; then
    python3 -m venv .venv-dcr
    .venv-dcr/bin/pip install --quiet -r data/requirements-dcr.txt
fi
exec .venv-dcr/bin/python scripts/verify_dcr.py
