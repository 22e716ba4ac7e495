// Dropout masks from the project's xoshiro256** stream (Sources/Tensor/Random/RandomGenerator.swift),
// generated in C: the same numbers as drawing `nextUniform()` once per element in Swift, without
// the per-call array checks of the Swift generator's state.

#include <stdint.h>

#include "CTensorKernels.h"

static inline uint64_t ctk_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void ctk_dropout_mask(uint64_t *state, float keep, float scale, float *mask, long n) {
  uint64_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (long i = 0; i < n; i++) {
    // xoshiro256** step, as RandomGenerator.next().
    uint64_t result = ctk_rotl(s1 * 5, 7) * 9;
    uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = ctk_rotl(s3, 45);
    // nextUniform(): the top 24 bits scaled to [0, 1).
    float u = (float)(result >> 40) * 0x1p-24f;
    mask[i] = u < keep ? scale : 0.0f;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}
