// Convolutions as implicit products on AVX-512 (out_channels a multiple of 32; any stride and
// dilation): no im2col matrix, packed or not. Each image's planes are copied once into zero-padded
// planes of hp = H + 2·pad_h rows and wp = W + 2·pad_w columns, so the input value that tap
// q = (c, ki, kj) reads for output position l = (oy, ox) sits at
//   xpad[u(q) + v(l)],  u(q) = (c·hp + ki·dilation_h)·wp + kj·dilation_w,
//                       v(l) = oy·stride_h·wp + ox·stride_w,
// a sum of a tap term and a position term, and no bounds test is left in the inner loop.
// Both products are then C[32 × 10] += A[32 × K] · B[K × 10] with A read 32 values at a time
// (two zmm, contiguous) and B[k][i] = xpad[row(k) + col(i)] broadcast:
//   forward  y[o][l]  = Σ_q W[o][q] · xpad[u(q) + v(l)]        (k = q: A = Wᵀ repacked [q][o])
//   weight  dW[o][q] += Σ_l dy[o][l] · xpad[v(l) + u(q)]       (k = l: A = dyᵀ [l][o])
// 20 accumulators (10 columns × two halves), two loads of A and ten broadcasts per step: the
// loop is bound by the FMA unit, and the padded copy costs one pass over the input. Every output
// is a sum over k in increasing order from zero; weight gradients are summed over the positions
// of a fixed run of images (one image, or several when planes are small), runs added in order,
// so results do not depend on threads.

#include "include/CTensorKernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && !defined(CTK_FORCE_BASELINE)
#include <immintrin.h>

#define CTK_IMPLICIT_ROWS 32  // output channels per tile (two zmm)
// Positions (forward) or taps (weight gradient) per tile: 20 accumulators, two A registers and
// the broadcasts fit the 32 zmm registers; with 12 columns clang hoists every broadcast and
// spills accumulators inside the loop (measured 0.5–0.8 of the 10-column speed).
#define CTK_IMPLICIT_COLS 10

int ctk_conv2d_implicit_available(const ctk_window *g, long out_channels) {
  return ctk_sgemm_available() && out_channels > 0 && out_channels % CTK_IMPLICIT_ROWS == 0;
}

// The tile: out[i][r] = Σ_{k < K} a[k·lda + r] · x[row[k] + col[i]] for r < 32, i < 10.
__attribute__((target("avx512f")))
static void implicit_tile(long K, const float *a, long lda, const float *x, const long *row, const long *col, float *out) {
  __m512 c0[CTK_IMPLICIT_COLS], c1[CTK_IMPLICIT_COLS];
  long off[CTK_IMPLICIT_COLS];
  for (int i = 0; i < CTK_IMPLICIT_COLS; i++) { c0[i] = _mm512_setzero_ps(); c1[i] = _mm512_setzero_ps(); off[i] = col[i]; }
  for (long k = 0; k < K; k++) {
    __m512 a0 = _mm512_loadu_ps(a + k * lda), a1 = _mm512_loadu_ps(a + k * lda + 16);
    const float *xb = x + row[k];
#pragma clang loop unroll(full)
    for (int i = 0; i < CTK_IMPLICIT_COLS; i++) {
      __m512 b = _mm512_set1_ps(xb[off[i]]);
      c0[i] = _mm512_fmadd_ps(a0, b, c0[i]);
      c1[i] = _mm512_fmadd_ps(a1, b, c1[i]);
    }
  }
  for (int i = 0; i < CTK_IMPLICIT_COLS; i++) {
    _mm512_storeu_ps(out + i * CTK_IMPLICIT_ROWS, c0[i]);
    _mm512_storeu_ps(out + i * CTK_IMPLICIT_ROWS + 16, c1[i]);
  }
}

// Zero-padded planes [C][hp][wp] of one image, written into p (C·hp·wp floats).
static void pad_planes(const float *x, const ctk_window *g, long hp, long wp, float *p) {
  memset(p, 0, (size_t)(g->channels * hp * wp) * sizeof(float));
  for (long c = 0; c < g->channels; c++)
    for (long y = 0; y < g->height; y++)
      memcpy(p + (c * hp + y + g->pad_h) * wp + g->pad_w, x + (c * g->height + y) * g->width, (size_t)g->width * sizeof(float));
}

// Tap terms u(q) for q < C·kh·kw, padded with copies of the last one to a multiple of the tile.
static long *tap_terms(const ctk_window *g, long hp, long wp, long padded) {
  long taps = g->channels * g->kernel_h * g->kernel_w;
  long *u = malloc((size_t)padded * sizeof(long));
  if (!u) return 0;
  for (long q = 0; q < padded; q++) {
    long t = q < taps ? q : taps - 1;
    long kj = t % g->kernel_w, ki = (t / g->kernel_w) % g->kernel_h, c = t / (g->kernel_w * g->kernel_h);
    u[q] = (c * hp + ki * g->dilation_h) * wp + kj * g->dilation_w;
  }
  return u;
}

// Position terms v(l) for l < out_h·out_w, padded like the tap terms.
static long *position_terms(const ctk_window *g, long wp, long padded) {
  long positions = g->out_h * g->out_w;
  long *v = malloc((size_t)padded * sizeof(long));
  if (!v) return 0;
  for (long l = 0; l < padded; l++) {
    long t = l < positions ? l : positions - 1;
    v[l] = (t / g->out_w) * g->stride_h * wp + t % g->out_w * g->stride_w;
  }
  return v;
}

static long round_up(long n, long m) { return (n + m - 1) / m * m; }

int ctk_conv2d_implicit_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y) {
  if (!ctk_conv2d_implicit_available(g, out_channels)) return 0;
  long taps = g->channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w;
  long hp = g->height + 2 * g->pad_h, wp = g->width + 2 * g->pad_w, hw = g->height * g->width;
  long paddedPositions = round_up(positions, CTK_IMPLICIT_COLS);
  float *planes = malloc((size_t)(g->channels * hp * wp) * sizeof(float));
  float *wt = malloc((size_t)(taps * out_channels) * sizeof(float));
  long *u = tap_terms(g, hp, wp, taps), *v = position_terms(g, wp, paddedPositions);
  float tile[CTK_IMPLICIT_COLS * CTK_IMPLICIT_ROWS];
  int ok = planes && wt && u && v;
  if (ok) {
    // Wᵀ [q][o]: the 32 output channels of a tile are contiguous for each tap.
    for (long o = 0; o < out_channels; o++)
      for (long q = 0; q < taps; q++) wt[q * out_channels + o] = w[o * taps + q];
    for (long n = n0; n < n1; n++) {
      pad_planes(x + n * g->channels * hw, g, hp, wp, planes);
      float *out = y + n * out_channels * positions;
      for (long o0 = 0; o0 < out_channels; o0 += CTK_IMPLICIT_ROWS)
        for (long l0 = 0; l0 < positions; l0 += CTK_IMPLICIT_COLS) {
          implicit_tile(taps, wt + o0, out_channels, planes, u, v + l0, tile);
          long count = positions - l0 < CTK_IMPLICIT_COLS ? positions - l0 : CTK_IMPLICIT_COLS;
          for (long r = 0; r < CTK_IMPLICIT_ROWS; r++) {
            float *dst = out + (o0 + r) * positions + l0;
            if (bias) {
              float b = bias[o0 + r];
              for (long i = 0; i < count; i++) dst[i] = tile[i * CTK_IMPLICIT_ROWS + r] + b;
            } else {
              for (long i = 0; i < count; i++) dst[i] = tile[i * CTK_IMPLICIT_ROWS + r];
            }
            // ReLU as the separate op computes it: v < 0 ? 0 : v (NaN and −0 pass).
            if (relu)
              for (long i = 0; i < count; i++) dst[i] = dst[i] < 0.0f ? 0.0f : dst[i];
          }
        }
    }
  }
  free(planes); free(wt); free(u); free(v);
  return ok;
}

// Images per pass of the weight gradient: enough that a pass has about this many positions, so
// small planes (8 × 8, 7 × 7) still give each tile a long inner loop.
#define CTK_IMPLICIT_WEIGHT_POSITIONS 512

int ctk_conv2d_implicit_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias) {
  if (!ctk_conv2d_implicit_available(g, out_channels)) return 0;
  long taps = g->channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w;
  long hp = g->height + 2 * g->pad_h, wp = g->width + 2 * g->pad_w, hw = g->height * g->width;
  long plane = g->channels * hp * wp, paddedTaps = round_up(taps, CTK_IMPLICIT_COLS);
  // (Not for 1 × 1 kernels: there, one image per pass measured faster, 52 against 37 GFLOP/s for
  // 128 → 128 channels at 8 × 8, for reasons not found.)
  long span = positions >= CTK_IMPLICIT_WEIGHT_POSITIONS || g->kernel_h * g->kernel_w == 1 ? 1 : CTK_IMPLICIT_WEIGHT_POSITIONS / positions;
  if (span > n1 - n0) span = n1 - n0 > 0 ? n1 - n0 : 1;
  // The images of a pass side by side: image j's planes at j·plane, its positions after the
  // previous images' (position term v + j·plane), its dyᵀ rows likewise.
  float *planes = malloc((size_t)(span * plane) * sizeof(float));
  float *dyt = malloc((size_t)(span * positions * out_channels) * sizeof(float));
  long *u = tap_terms(g, hp, wp, paddedTaps), *v = malloc((size_t)(span * positions) * sizeof(long));
  long *single = position_terms(g, wp, positions);
  float tile[CTK_IMPLICIT_COLS * CTK_IMPLICIT_ROWS];
  int ok = planes && dyt && u && v && single;
  if (ok) {
    for (long j = 0; j < span; j++)
      for (long l = 0; l < positions; l++) v[j * positions + l] = single[l] + j * plane;
    for (long first = n0; first < n1; first += span) {
      long count = n1 - first < span ? n1 - first : span;
      for (long j = 0; j < count; j++) {
        long n = first + j;
        pad_planes(x + n * g->channels * hw, g, hp, wp, planes + j * plane);
        const float *d = dy + n * out_channels * positions;
        if (dbias) ctk_conv2d_bias_gradient(d, out_channels, positions, dbias);
        // dy[n]ᵀ [l][o]: the 32 output channels of a tile are contiguous for each position. In
        // blocks of 16 positions, so the rows being written stay in cache (twice the speed).
        float *rows = dyt + j * positions * out_channels;
        for (long l0 = 0; l0 < positions; l0 += 16) {
          long end = l0 + 16 < positions ? l0 + 16 : positions;
          for (long o = 0; o < out_channels; o++)
            for (long l = l0; l < end; l++) rows[l * out_channels + o] = d[o * positions + l];
        }
      }
      for (long o0 = 0; o0 < out_channels; o0 += CTK_IMPLICIT_ROWS)
        for (long q0 = 0; q0 < taps; q0 += CTK_IMPLICIT_COLS) {
          implicit_tile(count * positions, dyt + o0, out_channels, planes, v, u + q0, tile);
          long cols = taps - q0 < CTK_IMPLICIT_COLS ? taps - q0 : CTK_IMPLICIT_COLS;
          for (long r = 0; r < CTK_IMPLICIT_ROWS; r++) {
            float *dst = dw + (o0 + r) * taps + q0;
            for (long i = 0; i < cols; i++) dst[i] += tile[i * CTK_IMPLICIT_ROWS + r];
          }
        }
    }
  }
  free(planes); free(dyt); free(u); free(v); free(single);
  return ok;
}

#else
int ctk_conv2d_implicit_available(const ctk_window *g, long out_channels) { (void)g; (void)out_channels; return 0; }
int ctk_conv2d_implicit_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long o, float *y) {
  (void)w; (void)bias; (void)relu; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)y; return 0;
}
int ctk_conv2d_implicit_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long o, float *dw, float *dbias) {
  (void)dy; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)dw; (void)dbias; return 0;
}
#endif
