#!/usr/bin/env bash
# Prints a self-contained HTML file to PDF with headless Chromium (page size comes from the file's @page CSS).
set -euo pipefail
in=$1; out=$2
browser=$(command -v chromium-headless-shell || command -v chromium || true)
[ -n "$browser" ] || { echo "print-pdf: chromium-headless-shell not found (make pdf installs it)" >&2; exit 1; }
[ -f "$in" ] || { echo "print-pdf: $in does not exist (run make report first)" >&2; exit 1; }
tmp="$out.tmp.$$"
"$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$tmp" "file://$(realpath "$in")" 2>/dev/null
mv "$tmp" "$out"
echo "wrote $out"
