// Elementwise, reduction, softmax and layer-norm kernels. See include/CTensorKernels.h for the
// contracts and the determinism rules. Each exported kernel is compiled for three ISA levels.
// No fused multiply-add contraction: the x86-64-v3/v4 clones would otherwise fuse a*b+c into an
// FMA (one rounding) while the baseline clone rounds twice, and the ISA levels would disagree.
#pragma STDC FP_CONTRACT OFF

#include "CTensorKernels.h"

#include <stddef.h>

#include "mathfun.h"

#include "dispatch.h"
#define CTK_PARTIALS 16

// The sum of CTK_PARTIALS lane partials as a pairwise tree (lanes k and k + 8, then k and k + 4,
// …): four dependent additions instead of sixteen, in the same order on every ISA level.
_Static_assert(CTK_PARTIALS == 16, "ctk_lanes_sum adds 16 lanes");
static inline float ctk_lanes_sum(const float *acc) {
  float t[CTK_PARTIALS / 2];
  for (int k = 0; k < 8; k++) t[k] = acc[k] + acc[k + 8];
  for (int k = 0; k < 4; k++) t[k] = t[k] + t[k + 4];
  for (int k = 0; k < 2; k++) t[k] = t[k] + t[k + 2];
  return t[0] + t[1];
}

// ---------------------------------------------------------------------------------------------
// Binary elementwise with broadcasting.

static inline float ctk_apply_binary(int op, float a, float b) {
  switch (op) {
    case CTK_ADD: return a + b;
    case CTK_SUB: return a - b;
    case CTK_MUL: return a * b;
    case CTK_DIV: return a / b;
    case CTK_MAXIMUM: return a > b ? a : (a != a ? a : b);
    case CTK_MINIMUM: return a < b ? a : (a != a ? a : b);
    case CTK_POW: return ctk_expf(b * ctk_logf(a));
    case CTK_GREATER_EQUAL: return a >= b ? 1.0f : 0.0f;
    case CTK_EQUAL: return a == b ? 1.0f : 0.0f;
    default: return 0.0f;
  }
}

// One contiguous inner run; `sa`/`sb` are 0 (broadcast) or 1. Specialised per op so the loops
// vectorise.
#define CTK_INNER_LOOP(EXPR)                                                        \
  if (sa == 1 && sb == 1) { for (long i = 0; i < n; i++) { float x = a[i], y = b[i]; out[i] = (EXPR); } } \
  else if (sa == 1)       { float y = b[0]; for (long i = 0; i < n; i++) { float x = a[i]; out[i] = (EXPR); } } \
  else if (sb == 1)       { float x = a[0]; for (long i = 0; i < n; i++) { float y = b[i]; out[i] = (EXPR); } } \
  else                    { float x = a[0], y = b[0]; float v = (EXPR); for (long i = 0; i < n; i++) out[i] = v; }

static inline void ctk_binary_inner(int op, const float *restrict a, long sa, const float *restrict b,
                                    long sb, float *restrict out, long n) {
  switch (op) {
    case CTK_ADD: { CTK_INNER_LOOP(x + y) break; }
    case CTK_SUB: { CTK_INNER_LOOP(x - y) break; }
    case CTK_MUL: { CTK_INNER_LOOP(x * y) break; }
    case CTK_DIV: { CTK_INNER_LOOP(x / y) break; }
    case CTK_MAXIMUM: { CTK_INNER_LOOP(x > y ? x : (x != x ? x : y)) break; }
    case CTK_MINIMUM: { CTK_INNER_LOOP(x < y ? x : (x != x ? x : y)) break; }
    case CTK_POW: { CTK_INNER_LOOP(ctk_expf(y * ctk_logf(x))) break; }
    case CTK_GREATER_EQUAL: { CTK_INNER_LOOP(x >= y ? 1.0f : 0.0f) break; }
    case CTK_EQUAL: { CTK_INNER_LOOP(x == y ? 1.0f : 0.0f) break; }
    default: break;
  }
}

CTK_DISPATCH
void ctk_binary_strided(int op, int rank, const long *shape, const float *a, const long *a_strides,
                        const float *b, const long *b_strides, float *out) {
  long n = shape[rank - 1];
  long sa = a_strides[rank - 1], sb = b_strides[rank - 1];
  if (sa > 1 || sb > 1) {
    // Inner axis not unit/zero-strided (cannot happen for contiguous inputs, kept for safety).
    long idx[8] = {0};
    long total = 1;
    for (int k = 0; k < rank; k++) total *= shape[k];
    for (long flat = 0; flat < total; flat++) {
      long oa = 0, ob = 0;
      for (int k = 0; k < rank; k++) { oa += idx[k] * a_strides[k]; ob += idx[k] * b_strides[k]; }
      out[flat] = ctk_apply_binary(op, a[oa], b[ob]);
      for (int k = rank - 1; k >= 0; k--) { if (++idx[k] < shape[k]) break; idx[k] = 0; }
    }
    return;
  }
  long outer = 1;
  for (int k = 0; k < rank - 1; k++) outer *= shape[k];
  long idx[8] = {0};
  long oa = 0, ob = 0;
  for (long o = 0; o < outer; o++) {
    ctk_binary_inner(op, a + oa, sa, b + ob, sb, out + o * n, n);
    // Advance the outer multi-index (axes 0 ... rank-2) and the operand offsets.
    for (int k = rank - 2; k >= 0; k--) {
      idx[k]++;
      oa += a_strides[k];
      ob += b_strides[k];
      if (idx[k] < shape[k]) break;
      oa -= a_strides[k] * shape[k];
      ob -= b_strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Unary elementwise.

// GELU, tanh form (as PyTorch's approximate="tanh"): 0.5 x (1 + tanh(c (x + 0.044715 x^3))),
// c = sqrt(2/pi), evaluated as x sigmoid(2c (x + 0.044715 x^3)) (1 + tanh u = 2 sigmoid(2u)).
#define CTK_GELU_C 0.7978845608028654f
#define CTK_GELU_A 0.044715f

CTK_DISPATCH
void ctk_unary(int op, const float *x, float *out, long n) {
  switch (op) {
    case CTK_NEG: for (long i = 0; i < n; i++) out[i] = -x[i]; break;
    case CTK_EXP: for (long i = 0; i < n; i++) out[i] = ctk_expf(x[i]); break;
    case CTK_LOG: for (long i = 0; i < n; i++) out[i] = ctk_logf(x[i]); break;
    case CTK_SQRT: for (long i = 0; i < n; i++) out[i] = __builtin_sqrtf(x[i]); break;
    case CTK_TANH: for (long i = 0; i < n; i++) out[i] = ctk_tanhf(x[i]); break;
    case CTK_SIGMOID: for (long i = 0; i < n; i++) out[i] = ctk_sigmoidf(x[i]); break;
    // x < 0 ? 0 : x (not x > 0 ? x : 0) so that NaN propagates.
    case CTK_RELU: for (long i = 0; i < n; i++) out[i] = x[i] < 0.0f ? 0.0f : x[i]; break;
    case CTK_GELU:
      // 0.5 x (1 + tanh u) = x sigmoid(2u): the same function without the cancellation of
      // 1 + tanh u for negative x (relative accuracy of a few ulp instead of none).
      for (long i = 0; i < n; i++) {
        float v = x[i];
        out[i] = v * ctk_sigmoidf(2.0f * CTK_GELU_C * (v + CTK_GELU_A * v * v * v));
      }
      break;
    case CTK_SILU: for (long i = 0; i < n; i++) out[i] = x[i] * ctk_sigmoidf(x[i]); break;
    case CTK_ABS: for (long i = 0; i < n; i++) out[i] = x[i] < 0.0f ? -x[i] : x[i]; break;
    case CTK_SQUARE: for (long i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case CTK_RSQRT: for (long i = 0; i < n; i++) out[i] = 1.0f / __builtin_sqrtf(x[i]); break;
    case CTK_RECIPROCAL: for (long i = 0; i < n; i++) out[i] = 1.0f / x[i]; break;
    case CTK_IDENTITY: for (long i = 0; i < n; i++) out[i] = x[i]; break;
    default: break;
  }
}

CTK_DISPATCH
void ctk_unary_backward(int op, const float *x, const float *y, const float *dy, float *dx, long n) {
  switch (op) {
    case CTK_NEG: for (long i = 0; i < n; i++) dx[i] = -dy[i]; break;
    case CTK_EXP: for (long i = 0; i < n; i++) dx[i] = dy[i] * y[i]; break;
    case CTK_LOG: for (long i = 0; i < n; i++) dx[i] = dy[i] / x[i]; break;
    case CTK_SQRT: for (long i = 0; i < n; i++) dx[i] = dy[i] * 0.5f / y[i]; break;
    case CTK_TANH: for (long i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]); break;
    case CTK_SIGMOID: for (long i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]); break;
    // relu'(0) is taken as 0 (the subgradient PyTorch uses).
    case CTK_RELU: for (long i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f; break;
    case CTK_GELU:
      // gelu = x s(2u), u = c (x + a x^3): d/dx = s + x s (1 - s) 2c (1 + 3a x^2).
      for (long i = 0; i < n; i++) {
        float v = x[i];
        float s = ctk_sigmoidf(2.0f * CTK_GELU_C * (v + CTK_GELU_A * v * v * v));
        float d = s + v * s * (1.0f - s) * (2.0f * CTK_GELU_C) * (1.0f + 3.0f * CTK_GELU_A * v * v);
        dx[i] = dy[i] * d;
      }
      break;
    case CTK_SILU:
      // d/dx x s(x) = s + x s (1 - s).
      for (long i = 0; i < n; i++) {
        float s = ctk_sigmoidf(x[i]);
        dx[i] = dy[i] * (s + x[i] * s * (1.0f - s));
      }
      break;
    // |x|'(0) is taken as 0.
    case CTK_ABS: for (long i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : (x[i] < 0.0f ? -dy[i] : 0.0f); break;
    case CTK_SQUARE: for (long i = 0; i < n; i++) dx[i] = dy[i] * 2.0f * x[i]; break;
    // d/dx x^{-1/2} = -1/2 x^{-3/2} = -1/2 y^3.
    case CTK_RSQRT: for (long i = 0; i < n; i++) dx[i] = dy[i] * -0.5f * y[i] * y[i] * y[i]; break;
    case CTK_RECIPROCAL: for (long i = 0; i < n; i++) dx[i] = -dy[i] * y[i] * y[i]; break;
    case CTK_IDENTITY: for (long i = 0; i < n; i++) dx[i] = dy[i]; break;
    default: break;
  }
}

CTK_DISPATCH
void ctk_affine(const float *x, float scale, float shift, float *out, long n) {
  for (long i = 0; i < n; i++) out[i] = x[i] * scale + shift;
}

// ---------------------------------------------------------------------------------------------
// Reductions.

// Sum of a contiguous run with CTK_PARTIALS independent partial sums (fixed order on every ISA).
static inline float ctk_sum_contiguous(const float *restrict x, long n) {
  float acc[CTK_PARTIALS] = {0};
  long i = 0;
  for (; i + CTK_PARTIALS <= n; i += CTK_PARTIALS)
    for (int k = 0; k < CTK_PARTIALS; k++) acc[k] += x[i + k];
  float s = ctk_lanes_sum(acc);
  for (; i < n; i++) s += x[i];
  return s;
}

static inline float ctk_max_contiguous(const float *restrict x, long n) {
  float m = x[0];
  for (long i = 1; i < n; i++) m = x[i] > m ? x[i] : (x[i] != x[i] ? x[i] : m);
  return m;
}

CTK_DISPATCH
void ctk_reduce_axis(int op, const float *x, long outer, long axis, long inner, float *out) {
  for (long o = 0; o < outer; o++) {
    const float *base = x + o * axis * inner;
    float *dst = out + o * inner;
    if (inner == 1) {
      if (axis == 0) { dst[0] = op == CTK_SUM ? 0.0f : (op == CTK_MAX ? -__builtin_inff() : __builtin_inff()); continue; }
      if (op == CTK_SUM) dst[0] = ctk_sum_contiguous(base, axis);
      else if (op == CTK_MAX) dst[0] = ctk_max_contiguous(base, axis);
      else {
        float m = base[0];
        for (long a = 1; a < axis; a++) m = base[a] < m ? base[a] : (base[a] != base[a] ? base[a] : m);
        dst[0] = m;
      }
      continue;
    }
    if (axis == 0) {
      float v = op == CTK_SUM ? 0.0f : (op == CTK_MAX ? -__builtin_inff() : __builtin_inff());
      for (long i = 0; i < inner; i++) dst[i] = v;
      continue;
    }
    for (long i = 0; i < inner; i++) dst[i] = base[i];
    for (long a = 1; a < axis; a++) {
      const float *row = base + a * inner;
      if (op == CTK_SUM) for (long i = 0; i < inner; i++) dst[i] += row[i];
      else if (op == CTK_MAX) for (long i = 0; i < inner; i++) dst[i] = row[i] > dst[i] ? row[i] : (row[i] != row[i] ? row[i] : dst[i]);
      else for (long i = 0; i < inner; i++) dst[i] = row[i] < dst[i] ? row[i] : (row[i] != row[i] ? row[i] : dst[i]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Strided copy (permute, broadcast materialisation).

CTK_DISPATCH
void ctk_strided_copy(int rank, const long *shape, const float *x, const long *strides, float *out) {
  long n = shape[rank - 1], s = strides[rank - 1];
  long outer = 1;
  for (int k = 0; k < rank - 1; k++) outer *= shape[k];
  long idx[8] = {0};
  long off = 0;
  for (long o = 0; o < outer; o++) {
    const float *src = x + off;
    float *dst = out + o * n;
    if (s == 1) for (long i = 0; i < n; i++) dst[i] = src[i];
    else if (s == 0) { float v = src[0]; for (long i = 0; i < n; i++) dst[i] = v; }
    else for (long i = 0; i < n; i++) dst[i] = src[i * s];
    for (int k = rank - 2; k >= 0; k--) {
      idx[k]++;
      off += strides[k];
      if (idx[k] < shape[k]) break;
      off -= strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax.

// Max of a run with CTK_PARTIALS running maxima (vectorises; max is exact, so the partition does
// not change the result). NaN entries are skipped here; they reach the output through exp.
static inline float ctk_max_partials(const float *restrict x, long n) {
  float acc[CTK_PARTIALS];
  for (int k = 0; k < CTK_PARTIALS; k++) acc[k] = -__builtin_inff();
  long i = 0;
  for (; i + CTK_PARTIALS <= n; i += CTK_PARTIALS)
    for (int k = 0; k < CTK_PARTIALS; k++) acc[k] = x[i + k] > acc[k] ? x[i + k] : acc[k];
  float m = -__builtin_inff();
  for (int k = 0; k < CTK_PARTIALS; k++) m = acc[k] > m ? acc[k] : m;
  for (; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

CTK_DISPATCH
void ctk_softmax_rows(const float *x, const float *mask, long rows, long cols, int log_output,
                      float *out) {
  for (long r = 0; r < rows; r++) {
    const float *restrict xr = x + r * cols;
    const float *restrict mr = mask ? mask + r * cols : NULL;
    float *restrict yr = out + r * cols;
    // Max over kept entries (log-sum-exp shift: softmax(x) = softmax(x - max)). With a mask the
    // masked entries are first written as -inf into the output row, which then serves as the
    // (vectorisable) input of the max and exp passes.
    const float *src = xr;
    if (mr) {
      for (long c = 0; c < cols; c++) yr[c] = mr[c] == 0.0f ? -__builtin_inff() : xr[c];
      src = yr;
    }
    float m = ctk_max_partials(src, cols);
    if (m == -__builtin_inff()) {  // fully masked row: no distribution, write zeros
      for (long c = 0; c < cols; c++) yr[c] = 0.0f;
      continue;
    }
    // exp(-inf - m) = 0, so masked entries drop out of the sum without a branch.
    // (Two loops so each has a single source pointer: an in-place loop and a copying loop both
    // vectorise, a loop through a maybe-aliasing pointer would not.)
    if (mr) for (long c = 0; c < cols; c++) yr[c] = ctk_expf(yr[c] - m);
    else for (long c = 0; c < cols; c++) yr[c] = ctk_expf(xr[c] - m);
    float s = ctk_sum_contiguous(yr, cols);
    if (log_output) {
      // log softmax = x - m - log(sum exp(x - m)); masked entries: 0 is written (never read as a
      // probability; losses mask them out), not -inf, so no NaN can leak through 0 * -inf.
      float ls = ctk_logf(s);
      if (mr) for (long c = 0; c < cols; c++) yr[c] = mr[c] == 0.0f ? 0.0f : xr[c] - m - ls;
      else for (long c = 0; c < cols; c++) yr[c] = xr[c] - m - ls;
    } else {
      float inv = 1.0f / s;
      for (long c = 0; c < cols; c++) yr[c] *= inv;
    }
  }
}

CTK_DISPATCH
void ctk_softmax_rows_backward(const float *y, const float *dy, long rows, long cols,
                               int log_output, float *dx) {
  for (long r = 0; r < rows; r++) {
    const float *yr = y + r * cols, *gr = dy + r * cols;
    float *dr = dx + r * cols;
    if (log_output) {
      // y = x - lse(x): dx = dy - softmax(x) * sum(dy). Masked entries have y = 0 but were not
      // part of the distribution; the caller masks dy, and we mask via p = exp(y) only where
      // dy's row structure says so. For unmasked use this is the exact rule.
      float s = ctk_sum_contiguous(gr, cols);
      for (long c = 0; c < cols; c++) dr[c] = gr[c] - ctk_expf(yr[c]) * s;
    } else {
      float acc[CTK_PARTIALS] = {0};
      long c = 0;
      for (; c + CTK_PARTIALS <= cols; c += CTK_PARTIALS)
        for (int k = 0; k < CTK_PARTIALS; k++) acc[k] += gr[c + k] * yr[c + k];
      float s = ctk_lanes_sum(acc);
      for (; c < cols; c++) s += gr[c] * yr[c];
      for (long j = 0; j < cols; j++) dr[j] = yr[j] * (gr[j] - s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layer norm.

// Mean and 1/sqrt(biased variance + eps) of one row, the variance in two passes (stable for
// large means).
static inline void row_statistics(const float *xr, long cols, float eps, float *mean, float *rstd) {
  float mu = ctk_sum_contiguous(xr, cols) / (float)cols;
  float acc[CTK_PARTIALS] = {0};
  long c = 0;
  for (; c + CTK_PARTIALS <= cols; c += CTK_PARTIALS)
    for (int k = 0; k < CTK_PARTIALS; k++) { float d = xr[c + k] - mu; acc[k] += d * d; }
  float v = ctk_lanes_sum(acc);
  for (; c < cols; c++) { float d = xr[c] - mu; v += d * d; }
  v /= (float)cols;
  *mean = mu;
  *rstd = 1.0f / __builtin_sqrtf(v + eps);
}

CTK_DISPATCH
void ctk_layer_norm(const float *x, const float *gamma, const float *beta, long rows, long cols,
                    float eps, float *y, float *mean, float *rstd) {
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float mu, rs;
    row_statistics(xr, cols, eps, &mu, &rs);
    mean[r] = mu;
    rstd[r] = rs;
    if (gamma && beta) for (long j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs * gamma[j] + beta[j];
    else if (gamma) for (long j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs * gamma[j];
    else for (long j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs;
  }
}

CTK_DISPATCH
void ctk_layer_norm_backward(const float *restrict x, const float *restrict gamma, const float *restrict mean,
                             const float *restrict rstd, const float *restrict dy, long rows, long cols, float *restrict dx,
                             float *restrict dgamma, float *restrict dbeta) {
  // With xhat = (x - mu) rstd and g = dy * gamma:
  //   dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
  // (differentiate through mu and rstd; both means are over the row). The two row sums run in
  // CTK_PARTIALS lanes (so the loop vectorises), then the lanes' pairwise tree, then the tail: a
  // fixed order on every ISA level.
  for (long r = 0; r < rows; r++) {
    const float *xr = x + r * cols, *gr = dy + r * cols;
    float *dr = dx + r * cols;
    float mu = mean[r], rs = rstd[r];
    float lg[CTK_PARTIALS] = {0}, lgx[CTK_PARTIALS] = {0};
    long j = 0;
    for (; j + CTK_PARTIALS <= cols; j += CTK_PARTIALS)
      for (int k = 0; k < CTK_PARTIALS; k++) {
        float xh = (xr[j + k] - mu) * rs;
        float g = gamma ? gr[j + k] * gamma[j + k] : gr[j + k];
        lg[k] += g;
        lgx[k] += g * xh;
      }
    float sg = ctk_lanes_sum(lg), sgx = ctk_lanes_sum(lgx);
    for (; j < cols; j++) {
      float xh = (xr[j] - mu) * rs;
      float g = gamma ? gr[j] * gamma[j] : gr[j];
      sg += g;
      sgx += g * xh;
    }
    if (dgamma) for (long c = 0; c < cols; c++) dgamma[c] += gr[c] * ((xr[c] - mu) * rs);
    if (dbeta) for (long c = 0; c < cols; c++) dbeta[c] += gr[c];
    float mg = sg / (float)cols, mgx = sgx / (float)cols;
    for (long c = 0; c < cols; c++) {
      float xh = (xr[c] - mu) * rs;
      float g = gamma ? gr[c] * gamma[c] : gr[c];
      dr[c] = rs * (g - mg - xh * mgx);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Group norm with its affine, an optional per-(image, channel) modulation and SiLU in one op,
// as a diffusion U-Net's blocks use them: with x̂ = (x − μ) · rstd over each image's group,
//   a = x̂ · γ_c + β_c,   b = a · (1 + s_nc) + t_nc   (b = a without modulation),   y = b · σ(b).
// One pass for the statistics and one writing y, instead of six passes of separate ops.

CTK_DISPATCH
void ctk_group_norm_silu(const float *x, long images, long channels, long positions, long groups,
                         const float *gamma, const float *beta, const float *scale, const float *shift,
                         float eps, float *y, float *mean, float *rstd) {
  long per_group = channels / groups, cols = per_group * positions;
  for (long n = 0; n < images; n++)
    for (long g = 0; g < groups; g++) {
      long row = n * groups + g;
      const float *xr = x + row * cols;
      float *yr = y + row * cols;
      float mu, rs;
      row_statistics(xr, cols, eps, &mu, &rs);
      mean[row] = mu;
      rstd[row] = rs;
      for (long k = 0; k < per_group; k++) {
        long c = g * per_group + k;
        float gc = gamma[c], bc = beta[c];
        float m = scale ? 1.0f + scale[n * channels + c] : 1.0f, t = shift ? shift[n * channels + c] : 0.0f;
        const float *xc = xr + k * positions;
        float *yc = yr + k * positions;
        if (scale)
          for (long p = 0; p < positions; p++) {
            float b = ((xc[p] - mu) * rs * gc + bc) * m + t;
            yc[p] = b * ctk_sigmoidf(b);
          }
        else
          for (long p = 0; p < positions; p++) {
            float b = (xc[p] - mu) * rs * gc + bc;
            yc[p] = b * ctk_sigmoidf(b);
          }
      }
    }
}

// One element of the backward pass (see below): x̂, a, and the gradients of b, a and x̂·γ.
static inline void group_norm_silu_element(float x, float dy, float mu, float rs, float gc, float bc, float m, float t,
                                           float *xh, float *a, float *gb, float *ga, float *gn) {
  *xh = (x - mu) * rs;
  *a = *xh * gc + bc;
  float b = *a * m + t;  // m = 1, t = 0 without modulation: b = a exactly
  float sig = ctk_sigmoidf(b);
  *gb = dy * (sig * (1.0f + b * (1.0f - sig)));
  *ga = *gb * m;
  *gn = *ga * gc;
}

CTK_DISPATCH
void ctk_group_norm_silu_backward(const float *x, const float *dy, long images, long channels, long positions,
                                  long groups, const float *gamma, const float *beta, const float *scale,
                                  const float *shift, const float *mean, const float *rstd, float *dx,
                                  float *dgamma, float *dbeta, float *dscale, float *dshift) {
  // Backwards through y = b σ(b): dy/db = σ(b) (1 + b (1 − σ(b))); then gb = dy · dy/db gives
  // dt = Σ_p gb, ds = Σ_p gb · a, ga = gb · (1 + s), dγ = Σ_p ga · x̂, dβ = Σ_p ga, and the group
  // norm's own pullback of g = ga · γ: dx = rstd (g − mean(g) − x̂ mean(g x̂)) over the group.
  // dγ, dβ, ds, dt are written per image ([images, channels]); the caller sums dγ, dβ over images.
  // Every sum runs in CTK_PARTIALS lanes (so the loop vectorises), then the lanes' pairwise tree,
  // then the tail: a fixed order on every ISA level.
  long per_group = channels / groups, cols = per_group * positions;
  for (long n = 0; n < images; n++)
    for (long g = 0; g < groups; g++) {
      long row = n * groups + g;
      const float *xr = x + row * cols, *dr = dy + row * cols;
      float *gr = dx + row * cols;
      float mu = mean[row], rs = rstd[row];
      float lg[CTK_PARTIALS] = {0}, lgx[CTK_PARTIALS] = {0}, tg = 0.0f, tgx = 0.0f;
      for (long k = 0; k < per_group; k++) {
        long c = g * per_group + k;
        float gc = gamma[c], bc = beta[c];
        float m = scale ? 1.0f + scale[n * channels + c] : 1.0f, t = shift ? shift[n * channels + c] : 0.0f;
        const float *xc = xr + k * positions, *dc = dr + k * positions;
        float *gc_out = gr + k * positions;
        float lt[CTK_PARTIALS] = {0}, ls[CTK_PARTIALS] = {0}, lgam[CTK_PARTIALS] = {0}, lbet[CTK_PARTIALS] = {0};
        long p = 0;
        for (; p + CTK_PARTIALS <= positions; p += CTK_PARTIALS)
          for (int l = 0; l < CTK_PARTIALS; l++) {
            float xh, a, gb, ga, gn;
            group_norm_silu_element(xc[p + l], dc[p + l], mu, rs, gc, bc, m, t, &xh, &a, &gb, &ga, &gn);
            lt[l] += gb;
            ls[l] += gb * a;
            lgam[l] += ga * xh;
            lbet[l] += ga;
            lg[l] += gn;
            lgx[l] += gn * xh;
            gc_out[p + l] = gn;  // the norm's incoming gradient, finished below
          }
        float st = ctk_lanes_sum(lt), ss = ctk_lanes_sum(ls), sgam = ctk_lanes_sum(lgam), sbet = ctk_lanes_sum(lbet);
        for (; p < positions; p++) {
          float xh, a, gb, ga, gn;
          group_norm_silu_element(xc[p], dc[p], mu, rs, gc, bc, m, t, &xh, &a, &gb, &ga, &gn);
          st += gb;
          ss += gb * a;
          sgam += ga * xh;
          sbet += ga;
          tg += gn;
          tgx += gn * xh;
          gc_out[p] = gn;
        }
        dgamma[n * channels + c] = sgam;
        dbeta[n * channels + c] = sbet;
        if (dscale) dscale[n * channels + c] = ss;
        if (dshift) dshift[n * channels + c] = st;
      }
      float sg = ctk_lanes_sum(lg), sgx = ctk_lanes_sum(lgx);
      sg += tg;
      sgx += tgx;
      float mg = sg / (float)cols, mgx = sgx / (float)cols;
      for (long i = 0; i < cols; i++) {
        float xh = (xr[i] - mu) * rs;
        gr[i] = rs * (gr[i] - mg - xh * mgx);
      }
    }
}

// ---------------------------------------------------------------------------------------------


const char *ctk_dispatch_level(void) {
#if defined(__x86_64__) && !defined(CTK_FORCE_BASELINE)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4";
  if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3";
#endif
  return "baseline";
}
