// Convolution helpers (im2col / col2im, so that a convolution is one sgemm) and 2-D pooling.
// Images are NCHW and contiguous. See include/CTensorKernels.h for the contracts.
// No fused multiply-add contraction: the x86-64-v3/v4 clones would otherwise fuse a*b+c into an
// FMA (one rounding) while the baseline clone rounds twice, and the ISA levels would disagree.
#pragma STDC FP_CONTRACT OFF

#include "CTensorKernels.h"

#include "dispatch.h"

// cols row index = (c * kh + ki) * kw + kj; column index = oy * out_w + ox; the input pixel is
// (oy * stride_h - pad_h + ki * dilation_h, ox * stride_w - pad_w + kj * dilation_w).

CTK_DISPATCH
void ctk_im2col(const float *x, const ctk_window *g, float *cols) {
  long hw = g->height * g->width, ohw = g->out_h * g->out_w;
  long rows = g->channels * g->kernel_h * g->kernel_w;
  for (long n = 0; n < g->batch; n++) {
    const float *img = x + n * g->channels * hw;
    float *col = cols + n * rows * ohw;
    for (long c = 0; c < g->channels; c++)
      for (long ki = 0; ki < g->kernel_h; ki++)
        for (long kj = 0; kj < g->kernel_w; kj++) {
          float *dst = col + ((c * g->kernel_h + ki) * g->kernel_w + kj) * ohw;
          for (long oy = 0; oy < g->out_h; oy++) {
            long iy = oy * g->stride_h - g->pad_h + ki * g->dilation_h;
            float *d = dst + oy * g->out_w;
            if (iy < 0 || iy >= g->height) { for (long ox = 0; ox < g->out_w; ox++) d[ox] = 0.0f; continue; }
            const float *src = img + c * hw + iy * g->width;
            for (long ox = 0; ox < g->out_w; ox++) {
              long ix = ox * g->stride_w - g->pad_w + kj * g->dilation_w;
              d[ox] = (ix >= 0 && ix < g->width) ? src[ix] : 0.0f;
            }
          }
        }
  }
}

CTK_DISPATCH
void ctk_col2im(const float *cols, const ctk_window *g, float *x) {
  long hw = g->height * g->width, ohw = g->out_h * g->out_w;
  long rows = g->channels * g->kernel_h * g->kernel_w;
  for (long n = 0; n < g->batch; n++) {
    float *img = x + n * g->channels * hw;
    const float *col = cols + n * rows * ohw;
    for (long c = 0; c < g->channels; c++)
      for (long ki = 0; ki < g->kernel_h; ki++)
        for (long kj = 0; kj < g->kernel_w; kj++) {
          const float *src = col + ((c * g->kernel_h + ki) * g->kernel_w + kj) * ohw;
          for (long oy = 0; oy < g->out_h; oy++) {
            long iy = oy * g->stride_h - g->pad_h + ki * g->dilation_h;
            if (iy < 0 || iy >= g->height) continue;
            float *dst = img + c * hw + iy * g->width;
            const float *s = src + oy * g->out_w;
            for (long ox = 0; ox < g->out_w; ox++) {
              long ix = ox * g->stride_w - g->pad_w + kj * g->dilation_w;
              if (ix >= 0 && ix < g->width) dst[ix] += s[ox];
            }
          }
        }
  }
}

// One 2 × 2 window: the first maximum wins ties; a NaN wins over everything and sticks (the
// general loop's rule, visited in the same order).
static inline void max_of_four(const float *v, const long *at, float *best, long *where) {
  float b = v[0];
  long w = at[0];
  for (int i = 1; i < 4; i++)
    if (v[i] > b || (v[i] != v[i] && b == b)) { b = v[i]; w = at[i]; }
  *best = b;
  *where = w;
}

CTK_DISPATCH
void ctk_max_pool2d(const float *x, const ctk_window *g, float *out, long *argmax) {
  long planes = g->batch * g->channels, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  if (g->kernel_h == 2 && g->kernel_w == 2 && g->stride_h == 2 && g->stride_w == 2 && g->pad_h == 0 && g->pad_w == 0) {
    // The common 2 × 2 pooling: every window lies inside the image, no bounds tests.
    for (long p = 0; p < planes; p++) {
      const float *img = x + p * hw;
      for (long oy = 0; oy < g->out_h; oy++) {
        const float *r0 = img + 2 * oy * g->width, *r1 = r0 + g->width;
        for (long ox = 0; ox < g->out_w; ox++) {
          long i = 2 * oy * g->width + 2 * ox;
          float v[4] = {r0[2 * ox], r0[2 * ox + 1], r1[2 * ox], r1[2 * ox + 1]};
          long at[4] = {i, i + 1, i + g->width, i + g->width + 1};
          max_of_four(v, at, out + p * ohw + oy * g->out_w + ox, argmax + p * ohw + oy * g->out_w + ox);
        }
      }
    }
    return;
  }
  for (long p = 0; p < planes; p++) {
    const float *img = x + p * hw;
    for (long oy = 0; oy < g->out_h; oy++)
      for (long ox = 0; ox < g->out_w; ox++) {
        float best = -__builtin_inff();
        long where = -1;
        for (long ki = 0; ki < g->kernel_h; ki++) {
          long iy = oy * g->stride_h - g->pad_h + ki;
          if (iy < 0 || iy >= g->height) continue;
          for (long kj = 0; kj < g->kernel_w; kj++) {
            long ix = ox * g->stride_w - g->pad_w + kj;
            if (ix < 0 || ix >= g->width) continue;
            float v = img[iy * g->width + ix];
            // First maximum wins ties; a NaN wins over everything and sticks.
            if (where < 0 || v > best || (v != v && best == best)) { best = v; where = iy * g->width + ix; }
          }
        }
        out[p * ohw + oy * g->out_w + ox] = best;
        argmax[p * ohw + oy * g->out_w + ox] = where;
      }
  }
}

CTK_DISPATCH
void ctk_max_pool2d_backward(const float *dy, const long *argmax, const ctk_window *g, float *dx) {
  long planes = g->batch * g->channels, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  for (long p = 0; p < planes; p++)
    for (long o = 0; o < ohw; o++) {
      long w = argmax[p * ohw + o];
      if (w >= 0) dx[p * hw + w] += dy[p * ohw + o];
    }
}

CTK_DISPATCH
void ctk_avg_pool2d(const float *x, const ctk_window *g, float *out) {
  long planes = g->batch * g->channels, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  float inv = 1.0f / (float)(g->kernel_h * g->kernel_w);
  for (long p = 0; p < planes; p++) {
    const float *img = x + p * hw;
    for (long oy = 0; oy < g->out_h; oy++)
      for (long ox = 0; ox < g->out_w; ox++) {
        float s = 0.0f;
        for (long ki = 0; ki < g->kernel_h; ki++) {
          long iy = oy * g->stride_h - g->pad_h + ki;
          if (iy < 0 || iy >= g->height) continue;
          for (long kj = 0; kj < g->kernel_w; kj++) {
            long ix = ox * g->stride_w - g->pad_w + kj;
            if (ix >= 0 && ix < g->width) s += img[iy * g->width + ix];
          }
        }
        out[p * ohw + oy * g->out_w + ox] = s * inv;
      }
  }
}

CTK_DISPATCH
void ctk_avg_pool2d_backward(const float *dy, const ctk_window *g, float *dx) {
  long planes = g->batch * g->channels, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  float inv = 1.0f / (float)(g->kernel_h * g->kernel_w);
  for (long p = 0; p < planes; p++) {
    float *img = dx + p * hw;
    for (long oy = 0; oy < g->out_h; oy++)
      for (long ox = 0; ox < g->out_w; ox++) {
        float d = dy[p * ohw + oy * g->out_w + ox] * inv;
        for (long ki = 0; ki < g->kernel_h; ki++) {
          long iy = oy * g->stride_h - g->pad_h + ki;
          if (iy < 0 || iy >= g->height) continue;
          for (long kj = 0; kj < g->kernel_w; kj++) {
            long ix = ox * g->stride_w - g->pad_w + kj;
            if (ix >= 0 && ix < g->width) img[iy * g->width + ix] += d;
          }
        }
      }
  }
}
