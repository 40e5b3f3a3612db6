#!/usr/bin/env bash
# Renders the evaluation report in headless Chromium (Debian's `chromium` package) and saves a
# screenshot, to check the page draws with no network and no scripts.
#   scripts/render-report.sh [REPORT.html] [SCREENSHOT.png]
# With no REPORT, runs `reckit evaluate --data ml-latest-small --algo svd --report` first
# (needs RECKIT_DATA_DIR and the built CLI: npx tsc -p tsconfig.build.json).
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-}"
png="${2:-/tmp/reckit-report.png}"
if [[ -z "$report" ]]; then
  report="$(mktemp -d)/report.html"
  node bin/reckit.js evaluate --data ml-latest-small --algo svd --folds 5 --report "$report" >/dev/null
fi
chrome="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chrome" ]]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 1
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --screenshot="$png" --window-size=1200,1600 \
  "file://$(realpath "$report")" 2>/dev/null
echo "report: $report"
echo "screenshot: $png ($(stat -c %s "$png") bytes)"
