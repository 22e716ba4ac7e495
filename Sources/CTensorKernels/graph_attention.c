// Fused DiGress graph attention (NodeEdgeBlock of src/models/transformer_model.py): per-channel
// scores with edge FiLM, the edge output with global FiLM, and the masked softmax over keys
// weighted with the values, in one pass over the [bs, n, n, 2d] edge FiLM tensor; the backward
// recomputes the scores and softmax instead of storing them. Determinism rules as in kernels.c:
// no FP contraction, fixed summation order (keys j in increasing order, channels as vector
// lanes), our own exp polynomial; each graph is computed by the same code whichever thread runs it.
#pragma STDC FP_CONTRACT OFF

#include <stdlib.h>

#include "CTensorKernels.h"
#include "mathfun.h"

#include "dispatch.h"

// Notation per graph b (masks m are 0/1, so multiplying by them is exact):
//   Q_i = qkv[i, 0:d] m_i, K_j = qkv[j, d:2d] m_j, V_j = qkv[j, 2d:3d] m_j, m_ij = m_i m_j
//   A_ij = (Q_i ⊙ K_j) s,  F_ij = E1_ij m_ij + 1,  Y_ij = A_ij ⊙ F_ij + E2_ij m_ij
//   Z_ij = ga + (gm + 1) ⊙ Y_ij                               (edges_out)
//   P_ij = softmax over j with m_j ≠ 0 of Y_ij (per channel), W_i = Σ_j P_ij ⊙ V_j   (nodes_out)

// One (i, j) pair of the forward over the d channels (scores, edge output, running max over
// kept keys); always inlined with restrict parameters so it vectorises without alias checks.
static inline __attribute__((always_inline)) void ga_forward_pair(
    long d, float scale, float mij, int kept, const float *restrict q, const float *restrict kd,
    const float *restrict e1, const float *restrict e2, const float *restrict ga,
    const float *restrict gm, float *restrict yr, float *restrict zr, float *restrict mx) {
  for (long c = 0; c < d; c++) {
    float y = ((q[c] * kd[c]) * scale) * (e1[c] * mij + 1.0f) + e2[c] * mij;
    yr[c] = y;
    zr[c] = ga[c] + (gm[c] + 1.0f) * y;
  }
  if (kept)
    for (long c = 0; c < d; c++) mx[c] = yr[c] > mx[c] ? yr[c] : mx[c];
}

// y ← e^(y − max), sum += y (one key row of the softmax).
static inline __attribute__((always_inline)) void ga_exp_accumulate(
    long d, float *restrict yr, const float *restrict mx, float *restrict sum) {
  for (long c = 0; c < d; c++) {
    float e = ctk_expf(yr[c] - mx[c]);
    yr[c] = e;
    sum[c] += e;
  }
}

// w += (e · 1/sum) ⊙ v (one key's contribution to the weighted values).
static inline __attribute__((always_inline)) void ga_weighted_add(
    long d, const float *restrict er, const float *restrict inv, const float *restrict vd,
    float *restrict w) {
  for (long c = 0; c < d; c++) w[c] += (er[c] * inv[c]) * vd[c];
}

CTK_DISPATCH
void ctk_graph_attention_forward(long batch, long n, long d, float scale, const float *qkv,
                                 const float *film, const float *node_mask,
                                 const float *global_add, const float *global_mul,
                                 float *edges_out, float *nodes_out, float *row_max,
                                 float *row_inv_sum) {
  // Scratch: masked keys and values [n, d], the scores of one query row [n, d], and q, max, sum.
  float *scratch = malloc(sizeof(float) * (size_t)(3 * n * d + 3 * d + 1));
  float *km = scratch, *vm = km + n * d, *ybuf = vm + n * d;
  float *q = ybuf + n * d, *mx = q + d, *sum = mx + d;
  const long d3 = 3 * d, d2 = 2 * d;
  for (long b = 0; b < batch; b++) {
    const float *qb = qkv + b * n * d3, *mb = node_mask + b * n;
    const float *ga = global_add + b * d, *gm = global_mul + b * d;
    for (long j = 0; j < n; j++) {
      const float *restrict kr = qb + j * d3 + d, *restrict vr = qb + j * d3 + d2;
      float *restrict kd = km + j * d, *restrict vd = vm + j * d;
      float mj = mb[j];
      for (long c = 0; c < d; c++) { kd[c] = kr[c] * mj; vd[c] = vr[c] * mj; }
    }
    for (long i = 0; i < n; i++) {
      float mi = mb[i];
      const float *restrict qr = qb + i * d3;
      for (long c = 0; c < d; c++) { q[c] = qr[c] * mi; mx[c] = -__builtin_inff(); sum[c] = 0.0f; }
      for (long j = 0; j < n; j++) {
        float mij = mi * mb[j];
        const float *restrict e1 = film + ((b * n + i) * n + j) * d2, *restrict e2 = e1 + d;
        const float *restrict kd = km + j * d;
        float *restrict yr = ybuf + j * d;
        float *restrict zr = edges_out + ((b * n + i) * n + j) * d;
        ga_forward_pair(d, scale, mij, mb[j] != 0.0f, q, kd, e1, e2, ga, gm, yr, zr, mx);
      }
      for (long j = 0; j < n; j++) {
        if (mb[j] == 0.0f) continue;
        ga_exp_accumulate(d, ybuf + j * d, mx, sum);
      }
      float *restrict inv = row_inv_sum + (b * n + i) * d, *restrict rmax = row_max + (b * n + i) * d;
      float *restrict w = nodes_out + (b * n + i) * d;
      for (long c = 0; c < d; c++) {
        inv[c] = sum[c] > 0.0f ? 1.0f / sum[c] : (sum[c] != sum[c] ? sum[c] : 0.0f);
        rmax[c] = mx[c];
        w[c] = 0.0f;
      }
      for (long j = 0; j < n; j++) {
        if (mb[j] == 0.0f) continue;
        ga_weighted_add(d, ybuf + j * d, inv, vm + j * d, w);
      }
    }
  }
  free(scratch);
}

// One (i, j) pair of the backward over the d channels. A separate always-inlined function so the
// restrict qualifiers on its parameters tell the vectoriser that no two arrays overlap.
static inline __attribute__((always_inline)) void ga_backward_pair(
    long d, float scale, float mij, float keep, const float *restrict q, const float *restrict kd,
    const float *restrict vd, const float *restrict e1, const float *restrict e2,
    const float *restrict dz, const float *restrict gm, const float *restrict w,
    const float *restrict dw, const float *restrict rmax, const float *restrict inv,
    float *restrict de1, float *restrict de2, float *restrict dga, float *restrict dgm,
    float *restrict dvd, float *restrict dq, float *restrict dkd) {
  for (long c = 0; c < d; c++) {
    float a = (q[c] * kd[c]) * scale;
    float f = e1[c] * mij + 1.0f;
    float y = a * f + e2[c] * mij;
    float p = ctk_expf(y - rmax[c]) * inv[c];
    p = keep != 0.0f ? p : 0.0f;
    float pdw = p * dw[c];
    float dy = dz[c] * (gm[c] + 1.0f) + pdw * (vd[c] - w[c]);
    dga[c] += dz[c];
    dgm[c] += dz[c] * y;
    dvd[c] += pdw;
    de2[c] = dy * mij;
    de1[c] = (dy * a) * mij;
    float g = (dy * f) * scale;
    dq[c] += g * kd[c];
    dkd[c] += g * q[c];
  }
}

// Backward, given dZ (d_edges) and dW (d_nodes):
//   dY_ij = dZ_ij ⊙ (gm + 1) + P_ij ⊙ dW_i ⊙ (V_j − W_i)    (softmax Jacobian: Σ_j P dW V = dW W)
//   dga = Σ_ij dZ_ij, dgm = Σ_ij dZ_ij ⊙ Y_ij, dV_j = m_j Σ_i P_ij ⊙ dW_i
//   dE2_ij = dY_ij m_ij, dE1_ij = dY_ij ⊙ A_ij m_ij
//   G_ij = dY_ij ⊙ F_ij s, dQ_i = m_i Σ_j G_ij ⊙ K_j, dK_j = m_j Σ_i G_ij ⊙ Q_i
CTK_DISPATCH
void ctk_graph_attention_backward(long batch, long n, long d, float scale, const float *qkv,
                                  const float *film, const float *node_mask,
                                  const float *global_mul, const float *nodes_out,
                                  const float *row_max, const float *row_inv_sum,
                                  const float *d_edges, const float *d_nodes, float *d_qkv,
                                  float *d_film, float *d_global_add, float *d_global_mul) {
  float *scratch = malloc(sizeof(float) * (size_t)(4 * n * d + 2 * d + 1));
  float *km = scratch, *vm = km + n * d, *dk = vm + n * d, *dv = dk + n * d;
  float *q = dv + n * d, *dq = q + d;
  const long d3 = 3 * d, d2 = 2 * d;
  for (long b = 0; b < batch; b++) {
    const float *qb = qkv + b * n * d3, *mb = node_mask + b * n, *gm = global_mul + b * d;
    float *restrict dga = d_global_add + b * d, *restrict dgm = d_global_mul + b * d;
    for (long c = 0; c < d; c++) { dga[c] = 0.0f; dgm[c] = 0.0f; }
    for (long j = 0; j < n; j++) {
      const float *restrict kr = qb + j * d3 + d, *restrict vr = qb + j * d3 + d2;
      float *restrict kd = km + j * d, *restrict vd = vm + j * d;
      float mj = mb[j];
      for (long c = 0; c < d; c++) { kd[c] = kr[c] * mj; vd[c] = vr[c] * mj; dk[j * d + c] = 0.0f; dv[j * d + c] = 0.0f; }
    }
    for (long i = 0; i < n; i++) {
      float mi = mb[i];
      const float *restrict qr = qb + i * d3;
      const long row = b * n + i;
      const float *restrict w = nodes_out + row * d, *restrict dw = d_nodes + row * d;
      const float *restrict rmax = row_max + row * d, *restrict inv = row_inv_sum + row * d;
      for (long c = 0; c < d; c++) { q[c] = qr[c] * mi; dq[c] = 0.0f; }
      for (long j = 0; j < n; j++) {
        float mij = mi * mb[j];
        // keep = 1 for a key that takes part in the softmax; P is 0 for the others.
        float keep = mb[j] != 0.0f ? 1.0f : 0.0f;
        const long e = (row * n + j);
        const float *restrict e1 = film + e * d2, *restrict e2 = e1 + d;
        const float *restrict dz = d_edges + e * d;
        float *restrict de1 = d_film + e * d2, *restrict de2 = de1 + d;
        const float *restrict kd = km + j * d, *restrict vd = vm + j * d;
        float *restrict dkd = dk + j * d, *restrict dvd = dv + j * d;
        ga_backward_pair(d, scale, mij, keep, q, kd, vd, e1, e2, dz, gm, w, dw, rmax, inv, de1, de2,
                         dga, dgm, dvd, dq, dkd);
      }
      float *restrict dqr = d_qkv + row * d3;
      for (long c = 0; c < d; c++) dqr[c] = dq[c] * mi;
    }
    for (long j = 0; j < n; j++) {
      float mj = mb[j];
      float *restrict dkr = d_qkv + (b * n + j) * d3 + d, *restrict dvr = dkr + d;
      for (long c = 0; c < d; c++) { dkr[c] = dk[j * d + c] * mj; dvr[c] = dv[j * d + c] * mj; }
    }
  }
  free(scratch);
}
