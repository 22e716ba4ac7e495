#!/usr/bin/env bash
# Records what users see from the main commands with fixed seeds, and compares two records:
# CSV and SVG files must be identical, SDF files too but for the line where Open Babel writes the
# time of writing; terminal output, notebooks and HTML pages identical
# once each record's own folder name is replaced; JSON files identical after dropping timing and
# load fields; the tensor benchmark only by its set of keys. Used to prove that a refactoring
# changes nothing.
#   scripts/golden-outputs.sh record DIR [CFX]   (CFX: the binary, default .build/release/cfx)
#   scripts/golden-outputs.sh compare DIR_A DIR_B
# Takes about 4 minutes on 2 cores (release build). Needs python3 for the JSON comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

record() {
  local out="$1" cfx="${2:-.build/release/cfx}"
  rm -rf "$out"; mkdir -p "$out"
  # Graphs are `cfx explain graphs` since the domain is named; older binaries guessed it.
  local graphs=()
  if "$cfx" explain --help | grep -q "^SUBCOMMANDS:"; then graphs=(graphs); fi
  "$cfx" demo --seed 3 --out "$out/demo" >"$out/demo.txt"
  "$cfx" explain "${graphs[@]}" 'G??@~w' 'G??Xv{' 'G??^~w' --tau 10 --tau 50 --samples 20 --seed 3 --out "$out/explain-graphs" --quiet >"$out/explain-graphs.txt"
  "$cfx" explain --input molecules/examples/example.smi --seed 3 --out "$out/explain-molecules" --quiet >"$out/explain-molecules.txt"
  "$cfx" explain 'CCCCCCCCCCCCOc1ccccc1' 'OCC(O)CO' --target '<=1' --tau 25 --samples 4 --seed 3 --out "$out/explain-logp" --quiet >"$out/explain-logp.txt"
  "$cfx" eval planar --limit 5 --samples 10 --taus 10 50 --seed 3 --out "$out/eval-planar" --quiet >"$out/eval-planar.txt"
  "$cfx" eval molecules --test molecules/zinc-subset.smi --reference molecules/zinc-subset.smi --inputs 2 --taus 50 \
    --samples 4 --steer 0 10 --particles 2 --scale 8 --seed 3 --out "$out/eval-molecules" --quiet >"$out/eval-molecules.txt"
  "$cfx" props molecules/zinc-subset.smi --reference 'CCO' --output csv >"$out/props.csv"
  "$cfx" bench tensor --seconds 0.05 --layer-only >"$out/bench-tensor.json"
  echo "recorded into $out" >&2
}

compare() {
  python3 - "$1" "$2" <<'PY'
import json, os, re, sys
a, b = sys.argv[1], sys.argv[2]
timing = {"loadAverage", "seconds", "elapsedSeconds", "bestSeconds", "meanBestSeconds"}
def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if k not in timing}
    if isinstance(x, list): return [strip(v) for v in x]
    return x
def keys(x, prefix=""):
    if isinstance(x, dict): return set().union(*[keys(v, prefix + "/" + k) for k, v in x.items()], {prefix})
    if isinstance(x, list) and x: return keys(x[0], prefix + "[]")
    return {prefix}
def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
                  if f.endswith((".csv", ".json", ".svg", ".sdf", ".txt", ".ipynb", ".html")))
def text(path, root):
    return open(path, encoding="utf-8").read().replace(os.path.abspath(root), "RECORD").replace(root, "RECORD")
problems, checked = [], 0
fa, fb = files(a), files(b)
for missing in sorted(set(fa) ^ set(fb)): problems.append(f"only in one record: {missing}")
for rel in sorted(set(fa) & set(fb)):
    pa, pb = os.path.join(a, rel), os.path.join(b, rel)
    checked += 1
    if rel.endswith(".sdf"):
        stamp = re.compile(r"^ *OpenBabel[0-9]{10}[0-9A-Z]*$", re.M)
        if stamp.sub("", text(pa, a)) != stamp.sub("", text(pb, b)): problems.append(f"{rel}: differs")
    elif rel.endswith((".csv", ".svg")):
        if open(pa, "rb").read() != open(pb, "rb").read(): problems.append(f"{rel}: differs")
    elif rel.endswith((".txt", ".ipynb", ".html")):
        ta, tb = text(pa, a), text(pb, b)
        if ta != tb:
            first = next(i for i, (x, y) in enumerate(zip(ta.splitlines() + [""], tb.splitlines() + [""])) if x != y)
            problems.append(f"{rel}: differs from line {first + 1}: {ta.splitlines()[first:first + 1]} vs {tb.splitlines()[first:first + 1]}")
    elif rel == "bench-tensor.json":
        ka, kb = keys(json.load(open(pa))), keys(json.load(open(pb)))
        if ka != kb: problems.append(f"{rel}: keys differ: {sorted(ka ^ kb)}")
    else:
        if strip(json.load(open(pa))) != strip(json.load(open(pb))): problems.append(f"{rel}: JSON differs")
for p in problems: print(p)
print(f"{checked} files compared, {len(problems)} differences")
sys.exit(1 if problems else 0)
PY
}

case "${1:-}" in
  record) shift; record "$@" ;;
  compare) shift; compare "$@" ;;
  *) echo "usage: $0 record DIR [CFX] | compare DIR_A DIR_B" >&2; exit 2 ;;
esac
