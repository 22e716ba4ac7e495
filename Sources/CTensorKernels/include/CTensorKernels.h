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

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Binary elementwise operations.
typedef enum {
  CTK_ADD = 0, CTK_SUB = 1, CTK_MUL = 2, CTK_DIV = 3, CTK_MAXIMUM = 4, CTK_MINIMUM = 5,
  CTK_POW = 6,
  CTK_GREATER_EQUAL = 7,  ///< 1 where a >= b, else 0
  CTK_EQUAL = 8           ///< 1 where a == b, else 0
} ctk_binary_op;

/// Unary elementwise operations.
typedef enum {
  CTK_NEG = 0, CTK_EXP = 1, CTK_LOG = 2, CTK_SQRT = 3, CTK_TANH = 4, CTK_SIGMOID = 5,
  CTK_RELU = 6, CTK_GELU = 7, CTK_SILU = 8, CTK_ABS = 9, CTK_SQUARE = 10, CTK_RSQRT = 11,
  CTK_RECIPROCAL = 12, CTK_IDENTITY = 13
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

/// Group norm, affine, optional modulation and SiLU fused, over x [images, channels, positions]
/// in `groups` groups of channels: y = silu((x̂ γ + β)(1 + scale) + shift) with x̂ normalised
/// per (image, group); gamma, beta [channels]; scale, shift [images, channels] (both NULL for
/// none); writes y and the per-(image, group) mean and rstd [images·groups] (kernels.c).
void ctk_group_norm_silu(const float *x, long images, long channels, long positions, long groups,
                         const float *gamma, const float *beta, const float *scale, const float *shift,
                         float eps, float *y, float *mean, float *rstd);

/// Backward of ctk_group_norm_silu from dy: dx (written); dgamma, dbeta, and with a modulation
/// dscale, dshift, all per image [images, channels] (written; sum dgamma and dbeta over images).
void ctk_group_norm_silu_backward(const float *x, const float *dy, long images, long channels, long positions,
                                  long groups, const float *gamma, const float *beta, const float *scale,
                                  const float *shift, const float *mean, const float *rstd, float *dx,
                                  float *dgamma, float *dbeta, float *dscale, float *dshift);

/// One AdamW step (PyTorch semantics) on n parameters, in place:
///   p ← p (1 − lr·wd); m ← b1 m + (1 − b1) g; v ← b2 v + (1 − b2) g²;
///   v̂ = max(vmax, v) when amsgrad (vmax updated), else v;
///   p ← p − (lr / bc1) · m / (sqrt(v̂) / sqrt(bc2) + eps), with bc1 = 1 − b1^t, bc2 = 1 − b2^t.
/// vmax may be NULL when amsgrad is 0.
void ctk_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, long n, float lr,
                    float beta1, float beta2, float eps, float weight_decay, float bc1, float bc2,
                    int amsgrad);

// ---------------------------------------------------------------------------------------------
// Copy and index kernels (copy.c).

/// Strided scatter, the adjoint of ctk_strided_copy: dst[sum(idx[k] * dst_strides[k])] = src[flat]
/// (or += when `accumulate`), src contiguous with `shape`. rank 1...8. With `accumulate`, several
/// source elements may land on one destination element (added in row-major source order).
void ctk_strided_scatter(int rank, const long *shape, const float *src, float *dst,
                         const long *dst_strides, int accumulate);

/// Index select along the middle axis: out[o, j, i] = x[o, idx[j], i].
/// x [outer, axis_in, inner], idx [count] (each in 0..<axis_in), out [outer, count, inner].
void ctk_index_select(const float *x, long outer, long axis_in, long inner, const long *idx,
                      long count, float *out);

/// Adjoint of ctk_index_select: dx[o, idx[j], i] += dy[o, j, i] (repeated indices add).
void ctk_index_add(const float *dy, long outer, long axis_in, long inner, const long *idx,
                   long count, float *dx);

/// Gather along the middle axis with per-element indices (torch.gather):
/// out[o, j, i] = x[o, idx[o, j, i], i]. x [outer, axis_in, inner], idx and out [outer, count, inner].
void ctk_gather_axis(const float *x, long outer, long axis_in, long inner, const long *idx,
                     long count, float *out);

/// Adjoint of ctk_gather_axis (scatter-add): dx[o, idx[o, j, i], i] += dy[o, j, i].
void ctk_scatter_add_axis(const float *dy, long outer, long axis_in, long inner, const long *idx,
                          long count, float *dx);

// ---------------------------------------------------------------------------------------------
// Fused kernels (fused.c).

/// Ternary elementwise operations over a broadcast iteration space.
typedef enum {
  CTK_FMA = 0,     ///< out = a * b + c (two roundings: FP contraction is off)
  CTK_SELECT = 1,  ///< out = a != 0 ? b : c (a is the mask)
} ctk_ternary_op;

/// out[i] = op(a[i], b[i], c[i]) over a collapsed broadcast iteration space (rank 1...8; strides
/// in elements, 0 on broadcast axes). The output is contiguous.
void ctk_ternary_strided(int op, int rank, const long *shape, const float *a, const long *a_strides,
                         const float *b, const long *b_strides, const float *c,
                         const long *c_strides, float *out);

/// out[i] = min(max(x[i], lo), hi) for i < n (NaN stays NaN).
void ctk_clamp(const float *x, float lo, float hi, float *out, long n);

/// dx[i] = lo <= x[i] <= hi ? dy[i] : 0 (the gradient passes at the bounds, as in PyTorch).
void ctk_clamp_backward(const float *x, float lo, float hi, const float *dy, float *dx, long n);

/// Softmax of x viewed as [outer, axis, inner] over the middle axis, without permuting.
/// The outer index space is `outer_rank` axes of `outer_shape` (row-major, product = outer).
/// `mask` (may be NULL; nonzero = keep) is read at
///   sum(o_k * mask_outer_strides[k]) + a * mask_axis_stride + i * mask_inner_stride,
/// with mask_inner_stride 0 or 1. Masked entries get 0; a fully masked column is all zeros.
void ctk_softmax_axis(const float *x, int outer_rank, const long *outer_shape,
                      const long *mask_outer_strides, long axis, long inner, const float *mask,
                      long mask_axis_stride, long mask_inner_stride, float *out);

/// Backward of ctk_softmax_axis: dx = y * (dy - sum_axis(dy * y)) (masked entries have y = 0).
void ctk_softmax_axis_backward(const float *y, const float *dy, long outer, long axis, long inner,
                               float *dx);

/// out[r, c] = act(x[r, c] + bias[c]) for x [rows, cols], bias [cols] (bias may be NULL);
/// act is CTK_IDENTITY, CTK_RELU, CTK_GELU, CTK_SILU, CTK_TANH or CTK_SIGMOID.
void ctk_bias_activation(int act, const float *x, const float *bias, long rows, long cols,
                         float *out);

/// Backward of ctk_bias_activation: dz = dy * act'(x + bias); dx = dz; dbias[c] += sum_r dz[r, c]
/// (dbias may be NULL; the caller zeroes it).
void ctk_bias_activation_backward(int act, const float *x, const float *bias, const float *dy,
                                  long rows, long cols, float *dx, float *dbias);

// ---------------------------------------------------------------------------------------------
// Convolution and pooling (conv.c). Images are NCHW, contiguous.

/// A sliding-window geometry over `batch` images of `channels` × height × width.
typedef struct {
  long batch, channels, height, width;
  long kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
  long out_h, out_w;
} ctk_window;

/// im2col: cols [batch, channels*kernel_h*kernel_w, out_h*out_w] from x [batch, channels, h, w];
/// positions in the zero padding read 0.
void ctk_im2col(const float *x, const ctk_window *g, float *cols);

/// col2im, the adjoint of im2col: x += scatter of cols (the caller zeroes x).
void ctk_col2im(const float *cols, const ctk_window *g, float *x);

/// Max pooling per plane (batch*channels planes; dilation ignored). Writes out [planes, oh, ow]
/// and argmax (flat index within the plane, or -1 when the window holds no element).
/// Padding never wins (it is -inf). NaN propagates (a NaN in the window wins).
void ctk_max_pool2d(const float *x, const ctk_window *g, float *out, long *argmax);

/// Backward of max pooling: dx[argmax] += dy (the caller zeroes dx).
void ctk_max_pool2d_backward(const float *dy, const long *argmax, const ctk_window *g, float *dx);

/// Average pooling; divides by kernel_h*kernel_w (padding counts as zeros, PyTorch's
/// count_include_pad=True).
void ctk_avg_pool2d(const float *x, const ctk_window *g, float *out);

/// Backward of average pooling (the caller zeroes dx).
void ctk_avg_pool2d_backward(const float *dy, const ctk_window *g, float *dx);

// ---------------------------------------------------------------------------------------------
// Fused graph attention (graph_attention.c): DiGress's NodeEdgeBlock core for `batch` graphs of
// n nodes and d channels. Per graph, with 0/1 node mask m, Q/K/V = qkv[:, 0:d | d:2d | 2d:3d]
// times the node mask, E1/E2 = film[:, :, 0:d | d:2d] times m_i m_j:
//   Y_ij = (Q_i ⊙ K_j) scale ⊙ (E1_ij + 1) + E2_ij,   edges_out Z_ij = ga + (gm + 1) ⊙ Y_ij,
//   nodes_out W_i = Σ_j softmax_j(Y_ij over keys with m_j ≠ 0) ⊙ V_j (all zeros if no key).
// Shapes: qkv [batch, n, 3d], film [batch, n, n, 2d], node_mask [batch, n], global_add and
// global_mul [batch, d], edges_out [batch, n, n, d], nodes_out, row_max, row_inv_sum [batch, n, d]
// (the softmax statistics the backward needs).

/// Forward of the fused graph attention (see above). Outputs must not alias inputs.
void ctk_graph_attention_forward(long batch, long n, long d, float scale, const float *qkv,
                                 const float *film, const float *node_mask,
                                 const float *global_add, const float *global_mul,
                                 float *edges_out, float *nodes_out, float *row_max,
                                 float *row_inv_sum);

/// Backward of the fused graph attention from dZ (d_edges) and dW (d_nodes), both required
/// (pass zeros for an unused output). Writes (overwrites) d_qkv [batch, n, 3d],
/// d_film [batch, n, n, 2d], d_global_add and d_global_mul [batch, d].
void ctk_graph_attention_backward(long batch, long n, long d, float scale, const float *qkv,
                                  const float *film, const float *node_mask,
                                  const float *global_mul, const float *nodes_out,
                                  const float *row_max, const float *row_inv_sum,
                                  const float *d_edges, const float *d_nodes, float *d_qkv,
                                  float *d_film, float *d_global_add, float *d_global_mul);

/// Inverted-dropout mask: mask[i] = scale if u_i < keep else 0, with u_i = (next() >> 40) * 2^-24
/// drawn from the xoshiro256** generator whose 4-word state is read and advanced in place (the
/// same stream as RandomGenerator.nextUniform() called once per element).
void ctk_dropout_mask(uint64_t *state, float keep, float scale, float *mask, long n);

/// Name of the code path the loader picked for this CPU ("x86-64-v4", "x86-64-v3", "baseline";
/// always "baseline" when built with -DCTK_FORCE_BASELINE, see dispatch.h).
const char *ctk_dispatch_level(void);

/// Whether ctk_sgemm has a fast path on this CPU (AVX-512); without one it computes nothing.
int ctk_sgemm_available(void);

/// C += op(A) · op(B), row-major: op(A) is m × k (A stored m × k with leading dimension lda, or
/// k × m when trans_a), op(B) is k × n likewise, C is m × n with leading dimension ldc; with
/// `overwrite`, C = op(A) · op(B) (C's old values are not read, k ≥ 1). Returns 1 when computed,
/// 0 when this CPU has no fast path (C untouched; use BLAS).
int ctk_sgemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc, int overwrite);

/// C = op(A) · op(B) + bias (bias [n] added to every row, or NULL), then v < 0 ? 0 : v when
/// `relu` (NaN and −0 pass), written as the product's tiles are stored (k ≥ 1; C's old values are
/// not read). The same values as ctk_sgemm into C filled with the bias rows, then a ReLU pass.
/// Returns 1 when computed, 0 when this CPU has no fast path.
int ctk_sgemm_bias(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                   const float *bias, int relu, float *c, long ldc);

/// Convolution products without an im2col buffer (cfx's AVX-512 kernel; 0 when unavailable),
/// for images n0 ..< n1 of x [batch, C, H, W] with geometry g, W [out_channels, C·kh·kw]:
///   forward  y[n] += W · im2col(x[n]) (+ bias [out_channels] when not NULL, then ReLU when relu
///            is 1; every forward kernel takes bias and relu this way)
///                                                     (y [batch, out_channels, out_h·out_w])
///   weight   dw   += Σ_n dy[n] · im2col(x[n])ᵀ       (dw [out_channels, C·kh·kw], images in order;
///            with dbias not NULL also dbias [out_channels] += Σ_n Σ_positions dy[n], and every
///            weight-gradient kernel takes dbias this way)
///   input    dx[n] += col2im(Wᵀ · dy[n])             (dx [batch, C, H, W])
int ctk_conv2d_forward_gemm(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y);
int ctk_conv2d_weight_gemm(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias);
int ctk_conv2d_input_gemm(const float *w, const float *dy, const ctk_window *g, long n0, long n1, long out_channels, float *dx);

/// Direct convolution for few input channels (C·kh·kw ≤ 27, stride and dilation 1; AVX-512):
/// whether it applies to g, then the forward pass y[n] = W ⊛ x[n] (written, not added) and the weight gradient
/// dw += Σ_n dy[n] ⋆ x[n] for images n0 ..< n1 (same layouts as the gemm forms; 0 when unavailable).
int ctk_conv2d_direct_available(const ctk_window *g);
int ctk_conv2d_direct_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y);
int ctk_conv2d_direct_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias);

/// Convolution as an implicit product (conv_implicit.c; AVX-512, out_channels a multiple of 32,
/// any stride and dilation): whether it applies to g, then the forward pass
/// y[n] = W ⊛ x[n] (written, not added) and the weight gradient dw += Σ_n dy[n] ⋆ x[n] for images
/// n0 ..< n1 (same layouts as the gemm forms; 0 when unavailable or out of memory).
int ctk_conv2d_implicit_available(const ctk_window *g, long out_channels);
int ctk_conv2d_implicit_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y);
int ctk_conv2d_implicit_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias);

/// dbias [out_channels] += the sum over positions of one image's d [out_channels, positions] (in a
/// fixed order); the weight-gradient kernels call it per image.
void ctk_conv2d_bias_gradient(const float *d, long out_channels, long positions, float *dbias);

/// Masked statistics over the rows of `outer` slabs x [rows, f] with mask [rows] (1 real, 0
/// padded): out [outer, 4, f] = mean, minimum, maximum, variance over the real rows (fused.c);
/// saved [outer, 5, f] and saved_outer [outer, 2] keep what the backward needs. rows ≥ 1.
void ctk_masked_statistics(const float *x, const float *mask, long outer, long rows, long f, float *out, float *saved,
                           float *saved_outer);
/// The gradient of ctk_masked_statistics: dout [outer, 4, f] → dx [outer, rows, f].
void ctk_masked_statistics_backward(const float *x, const float *mask, long outer, long rows, long f, const float *out,
                                    const float *saved, const float *saved_outer, const float *dout, float *dx);

#ifdef __cplusplus
}
#endif

#endif
