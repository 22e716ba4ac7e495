#!/usr/bin/env bash
# `cfx bench images` and the same models in PyTorch eager (scripts/bench-images-pytorch.py), one
# after the other in one run on this machine, with the ratios. Makes the Python environment it
# needs once: ~/.cache/cfx/venv-torch with torch 2.15.0 from PyPI (the Linux wheel brings its
# CUDA libraries, ~3 GB; they are not used: everything runs on the CPU).
# Usage: scripts/bench-images-vs-pytorch.sh [SECONDS]   (default 3 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3}"
venv="${CFX_CACHE:-$HOME/.cache/cfx}/venv-torch"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch==2.15.0 numpy >&2
fi
[ -x .build/release/cfx ] || swift build -c release --product cfx >&2
cfx_json=$(.build/release/cfx bench images --seconds "$seconds")
threads=$(nproc)
torch_json=$("$venv/bin/python" scripts/bench-images-pytorch.py --seconds "$seconds" --threads "$threads")
python3 - "$cfx_json" "$torch_json" <<'PY'
import json, sys
cfx, torch = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = {"cfx": cfx, "pytorch": torch, "ratio (PyTorch seconds / cfx seconds; > 1: cfx faster)": {
    name: torch[name]["seconds"] / cfx[name]["seconds"] for name in ("classifierStep", "unetStep")},
    "parameters equal": {name: torch[name]["parameters"] == cfx[name]["parameters"] for name in ("classifierStep", "unetStep")}}
print(json.dumps(out, indent=2))
PY
