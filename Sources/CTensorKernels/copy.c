// Copy and index kernels: strided scatter (adjoint of the strided copy), index select / index
// add, and per-element gather / scatter-add. See include/CTensorKernels.h for the contracts.
// These move data without arithmetic (except the adds, done in a fixed source order), so every
// ISA level gives identical results.
// No fused multiply-add contraction: the x86-64-v3/v4 clones would otherwise fuse a*b+c into an
// FMA (one rounding) while the baseline clone rounds twice, and the ISA levels would disagree.
#pragma STDC FP_CONTRACT OFF

#include "CTensorKernels.h"

#include "dispatch.h"

CTK_DISPATCH
void ctk_strided_scatter(int rank, const long *shape, const float *src, float *dst,
                         const long *dst_strides, int accumulate) {
  long n = shape[rank - 1], s = dst_strides[rank - 1];
  long outer = 1;
  for (int k = 0; k < rank - 1; k++) outer *= shape[k];
  long idx[8] = {0};
  long off = 0;
  for (long o = 0; o < outer; o++) {
    const float *from = src + o * n;
    float *to = dst + off;
    if (accumulate) {
      if (s == 1) for (long i = 0; i < n; i++) to[i] += from[i];
      else for (long i = 0; i < n; i++) to[i * s] += from[i];
    } else {
      if (s == 1) for (long i = 0; i < n; i++) to[i] = from[i];
      else for (long i = 0; i < n; i++) to[i * s] = from[i];
    }
    for (int k = rank - 2; k >= 0; k--) {
      idx[k]++;
      off += dst_strides[k];
      if (idx[k] < shape[k]) break;
      off -= dst_strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

CTK_DISPATCH
void ctk_index_select(const float *x, long outer, long axis_in, long inner, const long *idx,
                      long count, float *out) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < count; j++) {
      const float *from = x + (o * axis_in + idx[j]) * inner;
      float *to = out + (o * count + j) * inner;
      for (long i = 0; i < inner; i++) to[i] = from[i];
    }
  }
}

CTK_DISPATCH
void ctk_index_add(const float *dy, long outer, long axis_in, long inner, const long *idx,
                   long count, float *dx) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < count; j++) {
      const float *from = dy + (o * count + j) * inner;
      float *to = dx + (o * axis_in + idx[j]) * inner;
      for (long i = 0; i < inner; i++) to[i] += from[i];
    }
  }
}

CTK_DISPATCH
void ctk_gather_axis(const float *x, long outer, long axis_in, long inner, const long *idx,
                     long count, float *out) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < count; j++) {
      const long *ir = idx + (o * count + j) * inner;
      float *to = out + (o * count + j) * inner;
      const float *base = x + o * axis_in * inner;
      for (long i = 0; i < inner; i++) to[i] = base[ir[i] * inner + i];
    }
  }
}

CTK_DISPATCH
void ctk_scatter_add_axis(const float *dy, long outer, long axis_in, long inner, const long *idx,
                          long count, float *dx) {
  for (long o = 0; o < outer; o++) {
    for (long j = 0; j < count; j++) {
      const long *ir = idx + (o * count + j) * inner;
      const float *from = dy + (o * count + j) * inner;
      float *base = dx + o * axis_in * inner;
      for (long i = 0; i < inner; i++) base[ir[i] * inner + i] += from[i];
    }
  }
}
