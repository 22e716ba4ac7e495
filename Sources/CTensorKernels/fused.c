// Fused kernels for the graph-transformer training step: ternary a*b+c (FiLM) and select,
// clamp, softmax over a strided middle axis (attention scores [bs, n, n, heads, df] normalised
// over the key axis without permuting), and bias + activation. Each replaces several passes
// over a large tensor by one. Determinism rules as in kernels.c: no FP contraction, fixed
// per-lane summation order, own exp/tanh polynomials.
// No fused multiply-add contraction: the x86-64-v3/v4 clones would otherwise fuse a*b+c into an
// FMA (one rounding) while the baseline clone rounds twice, and the ISA levels would disagree.
#pragma STDC FP_CONTRACT OFF

#include <stdlib.h>

#include "CTensorKernels.h"
#include "mathfun.h"

#include "dispatch.h"
#define CTK_GELU_C 0.7978845608028654f
#define CTK_GELU_A 0.044715f

// ---------------------------------------------------------------------------------------------
// Ternary elementwise with broadcasting.

static inline float ctk_apply_ternary(int op, float a, float b, float c) {
  return op == CTK_FMA ? a * b + c : (a != 0.0f ? b : c);
}

CTK_DISPATCH
void ctk_ternary_strided(int op, int rank, const long *shape, const float *a, const long *a_strides,
                         const float *b, const long *b_strides, const float *c,
                         const long *c_strides, float *out) {
  long n = shape[rank - 1];
  long sa = a_strides[rank - 1], sb = b_strides[rank - 1], sc = c_strides[rank - 1];
  long outer = 1;
  for (int k = 0; k < rank - 1; k++) outer *= shape[k];
  long idx[8] = {0};
  long oa = 0, ob = 0, oc = 0;
  for (long o = 0; o < outer; o++) {
    const float *restrict pa = a + oa, *restrict pb = b + ob, *restrict pc = c + oc;
    float *restrict po = out + o * n;
    if (sa == 1 && sb == 1 && sc == 1) {
      // The common case (all operands vary along the inner axis): a vectorised loop per op.
      if (op == CTK_FMA) for (long i = 0; i < n; i++) po[i] = pa[i] * pb[i] + pc[i];
      else for (long i = 0; i < n; i++) po[i] = pa[i] != 0.0f ? pb[i] : pc[i];
    } else {
      for (long i = 0; i < n; i++) po[i] = ctk_apply_ternary(op, pa[i * sa], pb[i * sb], pc[i * sc]);
    }
    for (int k = rank - 2; k >= 0; k--) {
      idx[k]++;
      oa += a_strides[k];
      ob += b_strides[k];
      oc += c_strides[k];
      if (idx[k] < shape[k]) break;
      oa -= a_strides[k] * shape[k];
      ob -= b_strides[k] * shape[k];
      oc -= c_strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Clamp.

CTK_DISPATCH
void ctk_clamp(const float *x, float lo, float hi, float *out, long n) {
  for (long i = 0; i < n; i++) {
    float v = x[i];
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    out[i] = v;
  }
}

CTK_DISPATCH
void ctk_clamp_backward(const float *x, float lo, float hi, const float *dy, float *dx, long n) {
  for (long i = 0; i < n; i++) dx[i] = (x[i] >= lo && x[i] <= hi) ? dy[i] : 0.0f;
}

// ---------------------------------------------------------------------------------------------
// Softmax over a strided middle axis.
//
// For each outer index the slab is [axis, inner]; every inner lane is an independent softmax
// over `axis`. Loops run over the inner lanes innermost, so they vectorise and each lane's sums
// run in axis order (the same on every ISA). Per lane: m = max over kept entries;
// y = exp(x - m) / sum exp(x - m) (shift-invariance of softmax keeps exp from overflowing).

CTK_DISPATCH
void ctk_softmax_axis(const float *x, int outer_rank, const long *outer_shape,
                      const long *mask_outer_strides, long axis, long inner, const float *mask,
                      long mask_axis_stride, long mask_inner_stride, float *out) {
  long outer = 1;
  for (int k = 0; k < outer_rank; k++) outer *= outer_shape[k];
  float *scratch = malloc(sizeof(float) * (size_t)(2 * inner + 1));
  float *restrict mx = scratch, *restrict sum = scratch + inner;
  long idx[8] = {0};
  long moff = 0;
  for (long o = 0; o < outer; o++) {
    const float *xs = x + o * axis * inner;
    float *ys = out + o * axis * inner;
    const float *ms = mask ? mask + moff : NULL;
    for (long i = 0; i < inner; i++) { mx[i] = -__builtin_inff(); sum[i] = 0.0f; }
    // Three mask layouts, each with its own simple loop so the compiler vectorises it:
    // no mask; one mask value per (outer, axis) position (inner stride 0, e.g. a key mask);
    // and a mask varying along inner (stride 1, read with a select).
    for (long a = 0; a < axis; a++) {
      const float *restrict xr = xs + a * inner;
      if (ms && mask_inner_stride == 0) {
        if (ms[a * mask_axis_stride] == 0.0f) continue;
        for (long i = 0; i < inner; i++) mx[i] = xr[i] > mx[i] ? xr[i] : mx[i];
      } else if (ms) {
        const float *restrict mr = ms + a * mask_axis_stride;
        for (long i = 0; i < inner; i++) {
          float v = mr[i] == 0.0f ? -__builtin_inff() : xr[i];
          mx[i] = v > mx[i] ? v : mx[i];
        }
      } else {
        for (long i = 0; i < inner; i++) mx[i] = xr[i] > mx[i] ? xr[i] : mx[i];
      }
    }
    for (long a = 0; a < axis; a++) {
      const float *restrict xr = xs + a * inner;
      float *restrict yr = ys + a * inner;
      if (ms && mask_inner_stride == 0 && ms[a * mask_axis_stride] == 0.0f) {
        for (long i = 0; i < inner; i++) yr[i] = 0.0f;
      } else if (ms && mask_inner_stride != 0) {
        const float *restrict mr = ms + a * mask_axis_stride;
        for (long i = 0; i < inner; i++) {
          float e = ctk_expf(xr[i] - mx[i]);
          e = (mr[i] == 0.0f || mx[i] == -__builtin_inff()) ? 0.0f : e;
          yr[i] = e;
          sum[i] += e;
        }
      } else {
        for (long i = 0; i < inner; i++) {
          float e = ctk_expf(xr[i] - mx[i]);
          e = mx[i] == -__builtin_inff() ? 0.0f : e;  // a lane with no kept entry has no distribution
          yr[i] = e;
          sum[i] += e;
        }
      }
    }
    for (long i = 0; i < inner; i++) sum[i] = sum[i] > 0.0f ? 1.0f / sum[i] : (sum[i] != sum[i] ? sum[i] : 0.0f);
    for (long a = 0; a < axis; a++) {
      float *yr = ys + a * inner;
      for (long i = 0; i < inner; i++) yr[i] *= sum[i];
    }
    // Advance the outer multi-index and the mask offset.
    for (int k = outer_rank - 1; k >= 0; k--) {
      idx[k]++;
      moff += mask_outer_strides[k];
      if (idx[k] < outer_shape[k]) break;
      moff -= mask_outer_strides[k] * outer_shape[k];
      idx[k] = 0;
    }
  }
  free(scratch);
}

CTK_DISPATCH
void ctk_softmax_axis_backward(const float *y, const float *dy, long outer, long axis, long inner,
                               float *dx) {
  // dx = y * (dy - s) with s = sum_axis(dy * y) per lane (the softmax Jacobian diag(y) - y yᵀ).
  float *s = malloc(sizeof(float) * (size_t)(inner + 1));
  for (long o = 0; o < outer; o++) {
    const float *ys = y + o * axis * inner, *gs = dy + o * axis * inner;
    float *ds = dx + o * axis * inner;
    for (long i = 0; i < inner; i++) s[i] = 0.0f;
    for (long a = 0; a < axis; a++) {
      const float *yr = ys + a * inner, *gr = gs + a * inner;
      for (long i = 0; i < inner; i++) s[i] += gr[i] * yr[i];
    }
    for (long a = 0; a < axis; a++) {
      const float *yr = ys + a * inner, *gr = gs + a * inner;
      float *dr = ds + a * inner;
      for (long i = 0; i < inner; i++) dr[i] = yr[i] * (gr[i] - s[i]);
    }
  }
  free(s);
}

// ---------------------------------------------------------------------------------------------
// Bias + activation.

// The activation and its derivative at z (the pre-activation), written with selects.
#define CTK_ACT_LOOP(FORWARD)                                        \
  for (long r = 0; r < rows; r++) {                                  \
    const float *xr = x + r * cols;                                  \
    float *yr = out + r * cols;                                      \
    for (long c = 0; c < cols; c++) {                                \
      float z = bias ? xr[c] + bias[c] : xr[c];                      \
      yr[c] = (FORWARD);                                             \
    }                                                                \
  }

// GELU (tanh form) as z sigmoid(2u), u = c (z + a z^3); see kernels.c.
static inline float ctk_gelu(float z) {
  return z * ctk_sigmoidf(2.0f * CTK_GELU_C * (z + CTK_GELU_A * z * z * z));
}

static inline float ctk_gelu_grad(float z) {
  // d/dz z s(2u) = s + z s (1 - s) 2c (1 + 3a z^2).
  float s = ctk_sigmoidf(2.0f * CTK_GELU_C * (z + CTK_GELU_A * z * z * z));
  return s + z * s * (1.0f - s) * (2.0f * CTK_GELU_C) * (1.0f + 3.0f * CTK_GELU_A * z * z);
}

static inline float ctk_silu_grad(float z) {
  float s = ctk_sigmoidf(z);
  return s + z * s * (1.0f - s);
}

CTK_DISPATCH
void ctk_bias_activation(int act, const float *x, const float *bias, long rows, long cols,
                         float *out) {
  switch (act) {
    case CTK_RELU: CTK_ACT_LOOP(z < 0.0f ? 0.0f : z) break;  // NaN propagates
    case CTK_GELU: CTK_ACT_LOOP(ctk_gelu(z)) break;
    case CTK_SILU: CTK_ACT_LOOP(z * ctk_sigmoidf(z)) break;
    case CTK_TANH: CTK_ACT_LOOP(ctk_tanhf(z)) break;
    case CTK_SIGMOID: CTK_ACT_LOOP(ctk_sigmoidf(z)) break;
    default: CTK_ACT_LOOP(z) break;
  }
}

#define CTK_ACT_BACKWARD_LOOP(DERIVATIVE)                            \
  for (long r = 0; r < rows; r++) {                                  \
    const float *xr = x + r * cols, *gr = dy + r * cols;             \
    float *dr = dx + r * cols;                                       \
    for (long c = 0; c < cols; c++) {                                \
      float z = bias ? xr[c] + bias[c] : xr[c];                      \
      dr[c] = gr[c] * (DERIVATIVE);                                  \
    }                                                                \
    if (dbias) for (long c = 0; c < cols; c++) dbias[c] += dr[c];    \
  }

CTK_DISPATCH
void ctk_bias_activation_backward(int act, const float *x, const float *bias, const float *dy,
                                  long rows, long cols, float *dx, float *dbias) {
  switch (act) {
    // relu'(0) = 0, as in the unary kernel.
    case CTK_RELU: CTK_ACT_BACKWARD_LOOP(z > 0.0f ? 1.0f : 0.0f) break;
    case CTK_GELU: CTK_ACT_BACKWARD_LOOP(ctk_gelu_grad(z)) break;
    case CTK_SILU: CTK_ACT_BACKWARD_LOOP(ctk_silu_grad(z)) break;
    case CTK_TANH: CTK_ACT_BACKWARD_LOOP(1.0f - ctk_tanhf(z) * ctk_tanhf(z)) break;
    case CTK_SIGMOID: CTK_ACT_BACKWARD_LOOP(ctk_sigmoidf(z) * (1.0f - ctk_sigmoidf(z))) break;
    default: CTK_ACT_BACKWARD_LOOP(1.0f) break;
  }
}

// ---------------------------------------------------------------------------------------------
// Masked statistics over the rows of slabs (a graph's pooled features: PNA's mean, min, max and
// variance over its real nodes or node pairs), in two passes over x instead of a dozen.
//
// Per slab o (x [rows, f], mask [rows], 1 = real, 0 = padded) and feature j, with
// off_i = (1 − mask_i)·1e5 and any = max_i mask_i:
//   count = max(Σ_i mask_i, 1);  mean = Σ_i x_ij·mask_i / count;
//   min = min_i (x_ij + off_i) · any;  max = max_i (x_ij − off_i) · any  (0 for a slab of padding);
//   var = Σ_i c_ij² / count with c_ij = (x_ij − mean_j)·mask_i.
// Each sum and extremum runs over i in increasing order per lane (the order of ctk_reduce_axis),
// so the values are those of the composed elementwise ops and reductions.
// out [outer, 4, f]: mean, min, max, var. saved [outer, 5, f]: the minimum and maximum before
// · any, how many rows attain each (their gradient is shared equally), and Σ_i c_ij·mask_i.
// saved_outer [outer, 2]: count, any.

CTK_DISPATCH
void ctk_masked_statistics(const float *x, const float *mask, long outer, long rows, long f, float *out, float *saved,
                           float *saved_outer) {
  for (long o = 0; o < outer; o++) {
    const float *xo = x + o * rows * f, *mo = mask + o * rows;
    float *mean = out + o * 4 * f, *lo = mean + f, *hi = lo + f, *var = hi + f;
    float *loRaw = saved + o * 5 * f, *hiRaw = loRaw + f, *loTies = hiRaw + f, *hiTies = loTies + f, *centered = hiTies + f;
    float count = mo[0], any = mo[0];
    for (long i = 1; i < rows; i++) {
      count += mo[i];
      any = mo[i] > any ? mo[i] : (mo[i] != mo[i] ? mo[i] : any);
    }
    count = count >= 1.0f ? count : 1.0f;
    // Pass 1: sums, minima and maxima.
    for (long i = 0; i < rows; i++) {
      const float m = mo[i], off = (1.0f - m) * 1e5f;
      const float *row = xo + i * f;
      if (i == 0) {
        for (long j = 0; j < f; j++) {
          mean[j] = row[j] * m;
          loRaw[j] = row[j] + off;
          hiRaw[j] = row[j] - off;
        }
      } else {
        for (long j = 0; j < f; j++) {
          mean[j] += row[j] * m;
          float l = row[j] + off, h = row[j] - off;
          loRaw[j] = l < loRaw[j] ? l : (l != l ? l : loRaw[j]);
          hiRaw[j] = h > hiRaw[j] ? h : (h != h ? h : hiRaw[j]);
        }
      }
    }
    for (long j = 0; j < f; j++) {
      mean[j] = mean[j] / count;
      lo[j] = loRaw[j] * any;
      hi[j] = hiRaw[j] * any;
      var[j] = 0.0f;
      centered[j] = 0.0f;
      loTies[j] = 0.0f;
      hiTies[j] = 0.0f;
    }
    // Pass 2: the variance, Σ c·mask, and the rows that attain each extremum.
    for (long i = 0; i < rows; i++) {
      const float m = mo[i], off = (1.0f - m) * 1e5f;
      const float *row = xo + i * f;
      for (long j = 0; j < f; j++) {
        float c = (row[j] - mean[j]) * m;
        var[j] = i == 0 ? c * c : var[j] + c * c;
        centered[j] += c * m;
        loTies[j] += (row[j] + off == loRaw[j]) ? 1.0f : 0.0f;
        hiTies[j] += (row[j] - off == hiRaw[j]) ? 1.0f : 0.0f;
      }
    }
    for (long j = 0; j < f; j++) var[j] = var[j] / count;
    saved_outer[2 * o] = count;
    saved_outer[2 * o + 1] = any;
  }
}

// The gradient of ctk_masked_statistics: dout [outer, 4, f] (d mean, d min, d max, d var) → dx
// [outer, rows, f]. With c_i = (x_i − mean)·mask_i:
//   d mean/d x_i = mask_i / count;  d min/d x_i = any / ties where x_i + off_i attains the minimum
//   (likewise the maximum);  d var/d x_i = 2 c_i mask_i / count − 2 (Σ_k c_k mask_k) mask_i / count²
//   (the second term is the path through the mean; it vanishes up to rounding for a 0/1 mask).
CTK_DISPATCH
void ctk_masked_statistics_backward(const float *x, const float *mask, long outer, long rows, long f, const float *out,
                                    const float *saved, const float *saved_outer, const float *dout, float *dx) {
  for (long o = 0; o < outer; o++) {
    const float *xo = x + o * rows * f, *mo = mask + o * rows;
    const float *mean = out + o * 4 * f;
    const float *loRaw = saved + o * 5 * f, *hiRaw = loRaw + f, *loTies = hiRaw + f, *hiTies = loTies + f, *centered = hiTies + f;
    const float *gMean = dout + o * 4 * f, *gLo = gMean + f, *gHi = gLo + f, *gVar = gHi + f;
    const float count = saved_outer[2 * o], any = saved_outer[2 * o + 1];
    float *dxo = dx + o * rows * f;
    for (long i = 0; i < rows; i++) {
      const float m = mo[i], off = (1.0f - m) * 1e5f;
      const float *row = xo + i * f;
      float *drow = dxo + i * f;
      for (long j = 0; j < f; j++) {
        float c = (row[j] - mean[j]) * m;
        float g = gMean[j] * m / count;
        g += (row[j] + off == loRaw[j]) ? gLo[j] * any / loTies[j] : 0.0f;
        g += (row[j] - off == hiRaw[j]) ? gHi[j] * any / hiTies[j] : 0.0f;
        g += gVar[j] * (2.0f * c * m / count - 2.0f * centered[j] * m / (count * count));
        drow[j] = g;
      }
    }
  }
}
