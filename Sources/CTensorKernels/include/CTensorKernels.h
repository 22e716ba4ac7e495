// CTensorKernels: vectorised Float32 kernels for the Tensor module, with runtime CPU dispatch.
//
// Every exported kernel is compiled three times (baseline x86-64, x86-64-v3 = AVX2+FMA,
// x86-64-v4 = AVX-512) through clang's target_clones; the loader picks the best one for the CPU
// it runs on. The code is written so that all three give bit-identical results: FP contraction
// is off, reductions use a fixed number of partial sums, and transcendental functions are our own
// polynomials (not libm), so results do not depend on the machine's vector width.
//
// Pointers are borrowed for the duration of the call; outputs may not alias inputs unless stated.
#ifndef CTENSORKERNELS_H
#define CTENSORKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Binary elementwise operations.
typedef enum {
  CTK_ADD = 0, CTK_SUB = 1, CTK_MUL = 2, CTK_DIV = 3, CTK_MAXIMUM = 4, CTK_MINIMUM = 5,
  CTK_POW = 6
} ctk_binary_op;

/// Unary elementwise operations.
typedef enum {
  CTK_NEG = 0, CTK_EXP = 1, CTK_LOG = 2, CTK_SQRT = 3, CTK_TANH = 4, CTK_SIGMOID = 5,
  CTK_RELU = 6, CTK_GELU = 7, CTK_SILU = 8, CTK_ABS = 9, CTK_SQUARE = 10, CTK_RSQRT = 11,
  CTK_RECIPROCAL = 12
} ctk_unary_op;

/// Reductions along one axis.
typedef enum { CTK_SUM = 0, CTK_MAX = 1, CTK_MIN = 2 } ctk_reduce_op;

/// out[i] = a[i] op b[i] over a collapsed broadcast iteration space.
/// `shape`, `a_strides`, `b_strides` have `rank` entries (1...8); strides are in elements and are
/// 0 on broadcast axes. The output is contiguous with the given shape.
void ctk_binary_strided(int op, int rank, const long *shape, const float *a, const long *a_strides,
                        const float *b, const long *b_strides, float *out);

/// out[i] = op(x[i]) for i < n. `out` may equal `x`.
void ctk_unary(int op, const float *x, float *out, long n);

/// Backward of a unary op: dx[i] = dy[i] * op'(x[i]), given the forward input x and output y.
void ctk_unary_backward(int op, const float *x, const float *y, const float *dy, float *dx, long n);

/// out[i] = x[i] * scale + shift for i < n. `out` may equal `x`.
void ctk_affine(const float *x, float scale, float shift, float *out, long n);

/// Reduces x viewed as [outer, axis, inner] over the middle axis into out [outer, inner].
void ctk_reduce_axis(int op, const float *x, long outer, long axis, long inner, float *out);

/// Strided gather: out (contiguous, `shape`) [idx] = x[sum(idx[k] * strides[k])]. Used for
/// transpose/permute and broadcast materialisation. rank 1...8.
void ctk_strided_copy(int rank, const long *shape, const float *x, const long *strides, float *out);

/// Row-wise (log-)softmax of x [rows, cols] with an optional mask [rows, cols] (nonzero = keep).
/// Masked entries get probability 0 (log-probability -inf); a fully masked row gives all zeros
/// (log: all -inf is avoided; zeros are written) so padding never produces NaN.
void ctk_softmax_rows(const float *x, const float *mask, long rows, long cols, int log_output,
                      float *out);

/// Backward of row-wise softmax: dx = y * (dy - sum(dy * y)) (log_output = 0) or
/// dx = dy - exp(y) * sum(dy) (log_output = 1, y = log-probabilities).
void ctk_softmax_rows_backward(const float *y, const float *dy, long rows, long cols,
                               int log_output, float *dx);

/// Layer norm over the last axis of x [rows, cols]: y = (x - mean) * rstd * gamma + beta.
/// Writes y and per-row mean and rstd (for the backward). gamma/beta may be NULL (1 and 0).
void ctk_layer_norm(const float *x, const float *gamma, const float *beta, long rows, long cols,
                    float eps, float *y, float *mean, float *rstd);

/// Backward of layer norm. dx is required; dgamma/dbeta (length cols) are accumulated into when
/// non-NULL (the caller zeroes them first).
void ctk_layer_norm_backward(const float *x, const float *gamma, const float *mean,
                             const float *rstd, const float *dy, long rows, long cols, float *dx,
                             float *dgamma, float *dbeta);

/// One AdamW step (PyTorch semantics) on n parameters, in place:
///   p ← p (1 − lr·wd); m ← b1 m + (1 − b1) g; v ← b2 v + (1 − b2) g²;
///   v̂ = max(vmax, v) when amsgrad (vmax updated), else v;
///   p ← p − (lr / bc1) · m / (sqrt(v̂) / sqrt(bc2) + eps), with bc1 = 1 − b1^t, bc2 = 1 − b2^t.
/// vmax may be NULL when amsgrad is 0.
void ctk_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, long n, float lr,
                    float beta1, float beta2, float eps, float weight_decay, float bc1, float bc2,
                    int amsgrad);

/// Name of the code path the loader picked for this CPU ("x86-64-v4", "x86-64-v3", "baseline").
const char *ctk_dispatch_level(void);

#ifdef __cplusplus
}
#endif

#endif
