#!/usr/bin/env bash
# PyPOTS's BRITS and GP-VAE on the kit's clinical series: PyPI pypots in a private venv (.venv-pypots), pinned by
# data/requirements-pypots.txt. Usage: scripts/verify-imputers.sh SERIES_DIR OUT.json
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:?series folder}; out=${2:?output JSON}
command -v python3 >/dev/null 2>&1 || { echo "verify-imputers: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
if [ ! -x .venv-pypots/bin/python ] || ! .venv-pypots/bin/python -c "import pypots" 2>/dev/null; then
    python3 -m venv .venv-pypots
    # The CPU build of torch first, so pypots does not pull the CUDA wheels.
    .venv-pypots/bin/pip install --quiet "$(grep '^torch==' data/requirements-pypots.txt)"
    .venv-pypots/bin/pip install --quiet -r data/requirements-pypots.txt
fi
THREADS=${THREADS:-2} exec .venv-pypots/bin/python scripts/verify_imputers.py --series "$series" --out "$out"
