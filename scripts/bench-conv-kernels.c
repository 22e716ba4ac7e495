// Single-core timings of cfx's convolution and fused group-norm kernels, called directly (no
// Swift, no threads): GFLOP/s of the implicit-product and direct convolutions (forward and
// weight gradient) and ns per element of the fused group norm + SiLU, best of repeated calls.
// Built and run by scripts/bench-conv-kernels.sh, which also builds it against the kernels of an
// earlier commit for before/after comparisons. Prints one JSON object per line.
//   bench-conv-kernels conv C O SIDE [KERNEL]     (8 images, padding KERNEL/2, stride 1)
//   bench-conv-kernels groupnorm C SIDE GROUPS    (64 images, with modulation)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "CTensorKernels.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static float *filled(long n, int period, float step) {
  float *p = malloc((size_t)n * sizeof(float));
  for (long i = 0; i < n; i++) p[i] = (float)(i % period) * step - 0.3f;
  return p;
}

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "conv") == 0) {
    long C = atol(argv[2]), O = atol(argv[3]), S = atol(argv[4]), K = argc > 5 ? atol(argv[5]) : 3, N = 8;
    ctk_window g = {N, C, S, S, K, K, 1, 1, K / 2, K / 2, 1, 1, S, S};
    float *x = filled(N * C * S * S, 7, 0.1f), *w = filled(O * C * K * K, 5, 0.1f), *y = filled(N * O * S * S, 5, 0.1f);
    float *dw = calloc((size_t)(O * C * K * K), sizeof(float)), *db = calloc((size_t)O, sizeof(float));
    double flops = 2.0 * N * O * C * K * K * S * S, best[4] = {1e9, 1e9, 1e9, 1e9};
    int ran[4] = {0, 0, 0, 0};
    for (int r = 0; r < 30; r++) {
      double t;
      t = now(); ran[0] = ctk_conv2d_implicit_forward(w, 0, 0, x, &g, 0, N, O, y); t = now() - t; if (t < best[0]) best[0] = t;
      t = now(); ran[1] = ctk_conv2d_implicit_weight(y, x, &g, 0, N, O, dw, db); t = now() - t; if (t < best[1]) best[1] = t;
      t = now(); ran[2] = ctk_conv2d_direct_forward(w, 0, 0, x, &g, 0, N, O, y); t = now() - t; if (t < best[2]) best[2] = t;
      t = now(); ran[3] = ctk_conv2d_direct_weight(y, x, &g, 0, N, O, dw, db); t = now() - t; if (t < best[3]) best[3] = t;
    }
    const char *names[4] = {"implicitForward", "implicitWeight", "directForward", "directWeight"};
    printf("{\"conv\": [%ld, %ld, %ld, %ld]", C, O, S, K);
    for (int i = 0; i < 4; i++) {
      if (ran[i]) printf(", \"%sGflops\": %.1f", names[i], flops / best[i] / 1e9);
      else printf(", \"%sGflops\": null", names[i]);
    }
    printf("}\n");
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "groupnorm") == 0) {
    long C = atol(argv[2]), S = atol(argv[3]), G = atol(argv[4]), N = 64, P = S * S, T = N * C * P;
    float *x = filled(T, 13, 0.1f), *d = filled(T, 7, 0.1f), *y = malloc((size_t)T * 4), *dx = malloc((size_t)T * 4);
    float *gamma = filled(C, 3, 0.2f), *beta = filled(C, 5, 0.1f), *s = filled(N * C, 7, 0.05f), *t = filled(N * C, 3, 0.1f);
    float *m = malloc((size_t)(N * G) * 4), *r = malloc((size_t)(N * G) * 4);
    float *dg = malloc((size_t)(N * C) * 4), *dbeta = malloc((size_t)(N * C) * 4), *ds = malloc((size_t)(N * C) * 4), *dt = malloc((size_t)(N * C) * 4);
    double forward = 1e9, backward = 1e9;
    for (int k = 0; k < 20; k++) {
      double a = now(); ctk_group_norm_silu(x, N, C, P, G, gamma, beta, s, t, 1e-5f, y, m, r); a = now() - a; if (a < forward) forward = a;
      a = now(); ctk_group_norm_silu_backward(x, d, N, C, P, G, gamma, beta, s, t, m, r, dx, dg, dbeta, ds, dt); a = now() - a; if (a < backward) backward = a;
    }
    printf("{\"groupnorm\": [%ld, %ld, %ld], \"forwardNsPerElement\": %.2f, \"backwardNsPerElement\": %.2f}\n", C, S, G, forward / T * 1e9, backward / T * 1e9);
    return 0;
  }
  fprintf(stderr, "usage: %s conv C O SIDE [KERNEL] | groupnorm C SIDE GROUPS\n", argv[0]);
  return 2;
}
