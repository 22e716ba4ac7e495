// Runtime CPU dispatch of the exported kernels: each is compiled for three ISA levels
// (baseline x86-64, x86-64-v3 = AVX2/FMA, x86-64-v4 = AVX-512) through clang's target_clones,
// and the loader picks the best one the CPU supports. Building with -DCTK_FORCE_BASELINE
// (`swift build -Xcc -DCTK_FORCE_BASELINE`) compiles the baseline path only, to check that a
// result does not depend on the level. On other architectures there is one path.
#ifndef CTK_DISPATCH_H
#define CTK_DISPATCH_H

#if defined(__x86_64__) && !defined(CTK_FORCE_BASELINE)
#define CTK_DISPATCH __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define CTK_DISPATCH
#endif

#endif
