#!/usr/bin/env bash
# Renders a cfx HTML report in headless Chromium (Debian package `chromium`) and checks that the
# screenshot is not blank and that the SVG figures, with their atom/node and bond/edge groups,
# are in the page's DOM.
#
# Usage: scripts/check-html.sh [page.html]
#   Without an argument, builds cfx and writes a sample report (graph counterfactuals) first.
#   CFX_SCREENSHOT=path keeps the screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is not installed: apt-get install -y chromium" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

page=${1:-}
if [ -z "$page" ]; then
  swift build --product cfx 2>&1 | tail -1
  cat > "$work/counterfactuals.csv" <<'CSV'
input_id,original,counterfactual,similarity,value_before,value_after,valid
cube,"0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7","0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6",0.9,12,11,true
cube,"0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7","0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7 0-6",0.8,12,13,true
wheel,"0-1 0-2 0-3 0-4 0-5 1-2 2-3 3-4 4-5 5-1","0-1 0-2 0-3 0-4 1-2 2-3 3-4 4-5 5-1",0.85,10,9,true
CSV
  "$(swift build --show-bin-path)/cfx" render --csv "$work/counterfactuals.csv" --property edges \
    --title "check-html sample" --report "$work/report.html"
  page="$work/report.html"
fi
[ -f "$page" ] || { echo "$page: no such file" >&2; exit 2; }
url="file://$(realpath "$page")"
figures=$( (grep -o '<svg' "$page" || true) | wc -l)

# --no-sandbox: Chromium refuses to run as root otherwise. Errors about D-Bus are harmless.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1600 \
  --screenshot="$work/screenshot.png" "$url" >/dev/null 2>&1
chromium --headless --no-sandbox --disable-gpu --dump-dom "$url" > "$work/dom.html" 2>/dev/null
[ -n "${CFX_SCREENSHOT:-}" ] && cp "$work/screenshot.png" "$CFX_SCREENSHOT"

python3 scripts/check-screenshot.py "$work/screenshot.png" "$work/dom.html" "$figures"
