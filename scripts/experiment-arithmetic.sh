#!/usr/bin/env bash
# How closely the evaluations agree under two OpenBLAS core types (same seed, same machine):
# the planar protocol on the first 8 test graphs (τ 10 and 50, FreeGress, 100 samples each)
# and the Table 2 protocol on 20 test molecules (10 below and 10 above the window; plain and
# steered+refined GDCE at τ 50, FreeGress, retrieval among 1,000 training molecules), each run
# once with OpenBLAS's own kernel choice and once with OPENBLAS_CORETYPE=$CORE (default Haswell).
# Needs a release build and `cfx data molecules`. Writes OUT/{native,CORE}/{planar,molecules}
# and prints the two summaries side by side. About 25 minutes on 2 cores (OpenBLAS's Prescott kernels, its choice on some Intel Xeons, are 3× slower than Haswell's).
# Usage: scripts/experiment-arithmetic.sh OUT [CORE]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: $0 OUT [CORE]}" core="${2:-Haswell}"
cfx=.build/release/cfx
one() {  # label, then environment assignments
  local dir="$out/$1"; shift
  mkdir -p "$dir"
  env "$@" "$cfx" eval planar --limit 8 --taus 10 50 --seed 0 --out "$dir/planar" --quiet >"$dir/planar.txt"
  env "$@" "$cfx" eval molecules --inputs 10 --taus 50 --steered-taus 50 --steer 0 10 --particles 3 --scale 8 \
    --reference-limit 1000 --seed 0 --out "$dir/molecules" --quiet >"$dir/molecules.txt"
}
one native -u OPENBLAS_CORETYPE &
one "$core" OPENBLAS_CORETYPE="$core" &
wait
python3 - "$out/native" "$out/$core" <<'PY'
import json, sys
for kind in ("planar", "molecules"):
    a, b = (json.load(open(f"{d}/{kind}/summary.json")) for d in sys.argv[1:3])
    print(f"== {kind}: {a['arithmetic']['blasCore']} vs {b['arithmetic']['blasCore']}")
    for ca, cb in zip(a["columns"], b["columns"]):
        name = f"{ca['method']} tau {ca['tau']}" + (f" steer {ca['steering']}" if "steering" in ca else "")
        diffs = []
        for k, va in ca.items():
            vb = cb.get(k)
            if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and k not in ("tau", "steering"):
                diffs.append(f"{k} {va:.3f}/{vb:.3f}")
        print(f"  {name}: " + ", ".join(diffs))
PY
