#!/usr/bin/env bash
# Runs the test suite under several arithmetics: cfx's own product kernel where the CPU has
# AVX-512 (else OpenBLAS's own kernel choice), then with products on OpenBLAS (CFX_GEMM=openblas)
# under each OPENBLAS_CORETYPE given (default: Haswell SkylakeX Cooperlake, those this CPU can
# run), then with cfx's C kernels built for their baseline x86-64 path only (a separate build
# folder, .build-baseline; products on OpenBLAS there). Every test must pass under each; a summary line per arithmetic at the end.
# Usage: scripts/test-arithmetic.sh [CORETYPE ...]      (run scripts/setup.sh debug first)
set -uo pipefail
cd "$(dirname "$0")/.."

cores=("$@")
[ ${#cores[@]} -eq 0 ] && cores=(Haswell SkylakeX Cooperlake)
source scripts/blas-cores.sh

mkdir -p .build
summary=()
run() {  # label, then the command
  local label="$1"; shift
  local log=".build/test-arithmetic-${label// /-}.log"
  echo "== $label" >&2
  if "$@" >"$log" 2>&1; then result="passed"; else result="FAILED"; fi
  summary+=("$label: $result ($(grep -E 'Test run with|Executed [0-9]+ tests' "$log" | tail -1 | sed 's/^[^A-Za-z]*//'); log $log)")
}

native=$(native_blas_core)
run "native ${native:-?}" env -u OPENBLAS_CORETYPE swift test --skip-build
for core in "${cores[@]}"; do
  if cpu_runs_core "$core"; then run "OPENBLAS_CORETYPE=$core" env CFX_GEMM=openblas OPENBLAS_CORETYPE="$core" swift test --skip-build
  else summary+=("OPENBLAS_CORETYPE=$core: not run (this CPU lacks its instructions)"); fi
done
if swift build --build-tests --scratch-path .build-baseline -Xcc -DCTK_FORCE_BASELINE >.build/test-arithmetic-baseline-build.log 2>&1; then
  run "C kernels baseline" env -u OPENBLAS_CORETYPE swift test --skip-build --scratch-path .build-baseline
else
  summary+=("C kernels baseline: FAILED to build (log .build/test-arithmetic-baseline-build.log)")
fi
printf '%s\n' "${summary[@]}"
! printf '%s\n' "${summary[@]}" | grep -q FAILED
