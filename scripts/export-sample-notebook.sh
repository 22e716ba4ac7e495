#!/usr/bin/env bash
# Regenerates notebooks-export/sample-graph-counterfactuals.{ipynb,html} with `cfx render`.
# Usage: scripts/export-sample-notebook.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product cfx 2>&1 | tail -1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/counterfactuals.csv" <<'CSV'
input_id,original,counterfactual,similarity,value_before,value_after,valid
cube,"0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7","0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6",0.9,12,11,true
cube,"0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7","0-1 1-2 2-3 3-0 4-5 5-6 6-7 7-4 0-4 1-5 2-6 3-7 0-6",0.8,12,13,true
wheel,"0-1 0-2 0-3 0-4 0-5 1-2 2-3 3-4 4-5 5-1","0-1 0-2 0-3 0-4 1-2 2-3 3-4 4-5 5-1",0.85,10,9,true
wheel,"0-1 0-2 0-3 0-4 0-5 1-2 2-3 3-4 4-5 5-1","0-1 0-2 0-3 0-4 0-5 1-2 2-3 3-4 4-5 5-1 1-3",0.8,10,11,false
CSV
"$(swift build --show-bin-path)/cfx" render "$work/counterfactuals.csv" --property edges \
  --title "Sample: edge-count counterfactuals on planar graphs" \
  --report notebooks-export/sample-graph-counterfactuals.ipynb --report notebooks-export/sample-graph-counterfactuals.html
sed -i "s|$work/counterfactuals.csv|counterfactuals.csv|g" notebooks-export/sample-graph-counterfactuals.ipynb notebooks-export/sample-graph-counterfactuals.html
echo "wrote notebooks-export/sample-graph-counterfactuals.{ipynb,html}"
