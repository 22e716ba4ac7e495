# Sourced by scripts/test.sh and scripts/test-arithmetic.sh: which OpenBLAS core types exist here.
#   native_blas_core            the core type OpenBLAS picks by itself (needs .build/debug/cfx)
#   cpu_runs_core CORE          whether this CPU has the instructions of an OpenBLAS core type

cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "

native_blas_core() {
  env -u OPENBLAS_CORETYPE .build/debug/cfx doctor 2>/dev/null | grep -o 'core [A-Za-z0-9]*' | head -1 | cut -d' ' -f2 || true
}

cpu_runs_core() {
  [[ "$(uname -m)" == "x86_64" ]] || return 1
  case "$1" in
    Prescott|Core2|Penryn|Nehalem) return 0 ;;
    Sandybridge) [[ "$cpu_flags" == *" avx "* ]] ;;
    Haswell|Zen) [[ "$cpu_flags" == *" avx2 "* && "$cpu_flags" == *" fma "* ]] ;;
    SkylakeX) [[ "$cpu_flags" == *" avx512f "* && "$cpu_flags" == *" avx512bw "* ]] ;;
    Cooperlake) [[ "$cpu_flags" == *" avx512_bf16 "* ]] ;;
    *) return 1 ;;
  esac
}
