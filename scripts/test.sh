#!/usr/bin/env bash
# Runs the whole suite with a private TMPDIR and fails when a test left anything in it.
# Usage: scripts/test.sh [swift]
set -euo pipefail
cd "$(dirname "$0")/.."
swift="${1:-swift}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Build first, outside the private TMPDIR: the compiler keeps generated sources there.
"$swift" build --build-tests
TMPDIR="$tmp" "$swift" test --skip-build
# SwiftPM's own lock files and TemporaryDirectory.* folders are the tool's, not the tests'.
left="$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name 'TemporaryDirectory.*' ! -name '*.lock' | head -20)"
if [ -n "$left" ]; then
  echo "test: the suite left these in its temporary directory (tests must remove what they create):" >&2
  echo "$left" >&2
  exit 1
fi
