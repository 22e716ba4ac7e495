#!/usr/bin/env bash
# Single-core timings of cfx's convolution and fused group-norm kernels (scripts/bench-conv-kernels.c),
# at the image models' shapes, pinned to core 0. With a commit, the same timings of that commit's
# kernels follow, for before/after comparisons (commits from f112e7e on share these functions).
# Compiled with clang, as SwiftPM compiles the kernels (CC overrides).
# Needs AVX-512 for the convolution kernels (elsewhere they report null). Prints JSON lines.
# Usage: scripts/bench-conv-kernels.sh [COMMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
shapes=("conv 1 32 28" "conv 3 32 32" "conv 32 32 28" "conv 64 64 14" "conv 128 128 7" "conv 128 128 8"
        "conv 256 128 8" "conv 128 384 8 1" "conv 128 128 8 1" "groupnorm 64 16 8")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
build() {  # build SOURCE_DIR OUTPUT
  "${CC:-clang}" -O3 -fno-math-errno -w -I"$1/include" -o "$2" scripts/bench-conv-kernels.c "$1"/*.c -lm
}
run() {  # run LABEL BINARY
  for shape in "${shapes[@]}"; do
    line=$(taskset -c 0 "$2" $shape)
    echo "{\"kernels\": \"$1\", ${line#\{}"
  done
}
build Sources/CTensorKernels "$work/now"
run "working tree" "$work/now"
if [ $# -ge 1 ]; then
  mkdir -p "$work/old/include"
  for f in $(git ls-tree --name-only "$1" Sources/CTensorKernels/ | grep -E '\.(c|h)$'); do git show "$1:$f" > "$work/old/$(basename "$f")"; done
  git show "$1:Sources/CTensorKernels/include/CTensorKernels.h" > "$work/old/include/CTensorKernels.h"
  # Their sources include "include/CTensorKernels.h" or "CTensorKernels.h": both resolve.
  build "$work/old" "$work/then"
  run "$1" "$work/then"
fi
