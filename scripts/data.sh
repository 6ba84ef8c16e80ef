#!/usr/bin/env bash
# Fetches, checks and converts the data sets of data/sources.json into .cache/data/<name>/ (CSV + schema.json).
# Usage: scripts/data.sh [--record] [NAME ...]     (make data, make data NAME=goog-stocks)
# Does nothing when every CSV is in place with its recorded hash. See scripts/data.py for the steps.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null 2>&1 || { echo "data: python3 is needed to prepare the data (apt-get install python3 python3-venv)" >&2; exit 1; }
exec python3 scripts/data.py "$@"
