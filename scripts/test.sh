#!/usr/bin/env bash
# Sets up (Debian packages + build) and runs every test: `swift test` (XCTest and Swift Testing),
# then once more the tests that train models and sample (Diffusion, NN, Workbench, CLI) under a
# second OpenBLAS core type, so that no expectation depends on one BLAS kernel's rounding.
# With arguments, runs `swift test ARGS` once and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh debug
if [ $# -gt 0 ]; then exec swift test "$@"; fi
swift test

# The second core type: one this CPU can run that OpenBLAS did not pick by itself.
flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
native=$(env -u OPENBLAS_CORETYPE .build/debug/cfx doctor 2>/dev/null | grep -o 'core [A-Za-z0-9]*' | head -1 | cut -d' ' -f2 || true)
second=""
if [[ "$flags" == *" avx2 "* && "$flags" == *" fma "* && "$native" != "Haswell" ]]; then second=Haswell
elif [[ "$flags" == *" avx "* && "$native" != "Sandybridge" ]]; then second=Sandybridge
elif [[ "$(uname -m)" == "x86_64" && "$native" != "Prescott" ]]; then second=Prescott
fi
if [ -z "$second" ]; then
  echo "test.sh: no second OpenBLAS core type to try on this CPU (native: ${native:-unknown}); skipped" >&2
  exit 0
fi
echo "test.sh: again under OPENBLAS_CORETYPE=$second (OpenBLAS picked ${native:-unknown} by itself): Diffusion, NN, Workbench and CLI tests" >&2
OPENBLAS_CORETYPE="$second" swift test --skip-build --filter 'DiffusionTests|NNTests|WorkbenchTests|CLITests'
