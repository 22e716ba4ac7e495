#!/usr/bin/env bash
# `cfx bench train` and the same models in PyTorch eager (scripts/bench-train-pytorch.py), one
# after the other in one run on this machine, with the ratios. cfx first writes each preset's
# initial weights and one noisy batch (--export); the PyTorch port loads them, checks it computes
# cfx's loss on that batch (1e-3 relative) with cfx's parameter count, then times the same
# training step on the same batch with as many threads as cfx uses. Makes the Python environment
# it needs once: ~/.cache/cfx/venv-torch with torch 2.15.0 and numpy from PyPI's CPU index.
# Usage: scripts/bench-train-vs-pytorch.sh [SECONDS] [BATCH] [PRESETS]
#   (defaults: 10 seconds of steps per preset, batch 64, molecules-small,molecules-medium,planar)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
batch="${2:-64}"
presets="${3:-molecules-small,molecules-medium,planar}"
venv="${CFX_CACHE:-$HOME/.cache/cfx}/venv-torch"
if ! "$venv/bin/python" -c "import torch, numpy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --index-url https://download.pytorch.org/whl/cpu torch==2.15.0 >&2
  "$venv/bin/pip" install --quiet numpy >&2
fi
[ -x .build/release/cfx ] || swift build -c release --product cfx >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
threads=$(nproc)
# PyTorch's OpenMP threads spin-wait between ops by default; on a machine whose cores other
# processes share, a spinning thread waits for a descheduled one at every op (measured here on 2
# busy cores: 8.5 s per molecules-small step with 2 threads, 0.64 s with 1, 0.80 s with 2 and
# PASSIVE). Passive waiting keeps the comparison about the model, not the scheduler.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
.build/release/cfx bench train --presets "$presets" --batch-size "$batch" --seconds "$seconds" --export "$work/models" --out "$work/cfx.json" >/dev/null
if ! "$venv/bin/python" scripts/bench-train-pytorch.py --models "$work/models" --presets "$presets" --seconds "$seconds" --threads "$threads" >"$work/torch.json"; then
  cat "$work/torch.json" >&2   # the port's report, with what differs from cfx under "failures"
  exit 1
fi
python3 - "$work/cfx.json" "$work/torch.json" <<'PY'
import json, sys
cfx, torch = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ratios, same = {}, {}
for p in cfx["presets"]:
    t = torch["presets"][p["preset"]]
    ratios[p["preset"]] = t["medianSecondsPerStep"] / p["medianSecondsPerStep"]
    same[p["preset"]] = {"parameters": t["parameters"] == p["parameters"], "batch": [t["batchSize"], t["nodes"]] == [p["batchSize"], p["nodes"]],
                         "lossRelativeError": t["check"]["lossRelativeError"], "gradientNormRelativeError": t["check"]["gradientNormRelativeError"]}
print(json.dumps({"cfx": cfx, "pytorch": torch, "ratio (PyTorch seconds per step / cfx seconds per step; > 1: cfx faster)": ratios,
                  "same model and batch": same}, indent=2))
PY
