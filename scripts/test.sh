#!/usr/bin/env bash
# Sets up (Debian packages + build) and runs every test: `swift test` (XCTest and Swift Testing),
# then once more the tests that train models and sample (Diffusion, NN, Workbench, CLI) with the
# matrix products on OpenBLAS (CFX_GEMM=openblas; on AVX-512 CPUs cfx uses its own kernel) under
# a second OpenBLAS core type, so that no expectation depends on one product kernel's rounding.
# With arguments, runs `swift test ARGS` once and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh debug
if [ $# -gt 0 ]; then exec swift test "$@"; fi
swift test

# The second core type: one this CPU can run that OpenBLAS did not pick by itself.
source scripts/blas-cores.sh
native=$(native_blas_core)
second=""
for core in Haswell Sandybridge Prescott; do
  if [ "$core" != "$native" ] && cpu_runs_core "$core"; then second=$core; break; fi
done
if [ -z "$second" ]; then
  echo "test.sh: no second OpenBLAS core type to try on this CPU (native: ${native:-unknown}); skipped" >&2
  exit 0
fi
echo "test.sh: again with CFX_GEMM=openblas under OPENBLAS_CORETYPE=$second (OpenBLAS picked ${native:-unknown} by itself): Diffusion, NN, Workbench and CLI tests" >&2
CFX_GEMM=openblas OPENBLAS_CORETYPE="$second" swift test --skip-build --filter 'DiffusionTests|NNTests|WorkbenchTests|CLITests'
