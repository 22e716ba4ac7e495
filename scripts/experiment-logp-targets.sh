#!/usr/bin/env bash
# logP targets the window model was not conditioned on (logP <= 1 and >= 4.5), on 20 MOSES test
# molecules, 10 answers, seed 0: the window model (null condition + steering, tau 50; and the
# default, unsteered budget rounds of 100 evaluations from tau 20) against the continuous-logP
# model (conditioned only, tau 50; conditioned + steering, tau 50; and the default).
# Inputs: the first 10 below and the first 10 above the window of `cfx eval molecules --seed 0`
# (input ids 0-9 and 100-109 of notebooks-export/molecules-eval.counterfactuals.csv.gz).
# Usage: scripts/experiment-logp-targets.sh [OUT]   (default ~/.cache/cfx/expB; ~15 min on 2 cores)
# Each run prints its metrics over the 20 inputs (also in OUT/DIR/counterfactuals.json "summary");
# scripts/check-molecule-eval.py OUT/DIR --window=-1000:1 (or 4.5:1000) recomputes the rows with RDKit.
set -euo pipefail
cd "$(dirname "$0")/.."
CFX=${CFX:-.build/release/cfx}
OUT=${1:-$HOME/.cache/cfx/expB}
mkdir -p "$OUT"
gunzip -c notebooks-export/molecules-eval.counterfactuals.csv.gz | python3 -c '
import csv, sys
seen = {}
for r in csv.DictReader(sys.stdin):
    seen.setdefault(int(r["input_id"]), r["original_smiles"])
for i in list(range(10)) + list(range(100, 110)):
    print(f"{seen[i]} input{i}")' > "$OUT/inputs.smi"
for t in 'le1:<=1' 'ge45:>=4.5'; do
  name=${t%%:*}; target=${t#*:}
  steered=(--tau 50 --steer 10 --particles 3)
  $CFX explain --input "$OUT/inputs.smi" --target "$target" --model molecules/models/molecules "${steered[@]}" --out "$OUT/window-steered-$name" --seed 0 --quiet > "$OUT/window-steered-$name.txt"
  $CFX explain --input "$OUT/inputs.smi" --target "$target" --model molecules/models/molecules --out "$OUT/window-default-$name" --seed 0 --quiet > "$OUT/window-default-$name.txt"
  $CFX explain --input "$OUT/inputs.smi" --target "$target" --model molecules/models/molecules-logp --tau 50 --steer 0 --budget none --no-refine --out "$OUT/logp-plain-$name" --seed 0 --quiet > "$OUT/logp-plain-$name.txt"
  $CFX explain --input "$OUT/inputs.smi" --target "$target" --model molecules/models/molecules-logp "${steered[@]}" --out "$OUT/logp-steered-$name" --seed 0 --quiet > "$OUT/logp-steered-$name.txt"
  $CFX explain --input "$OUT/inputs.smi" --target "$target" --model molecules/models/molecules-logp --out "$OUT/logp-default-$name" --seed 0 --quiet > "$OUT/logp-default-$name.txt"
done
for f in "$OUT"/*.txt; do echo "== $(basename "$f" .txt)"; sed -n '/^over all/,/^best-of-K mean/p' "$f"; done
