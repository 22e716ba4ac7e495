// Single-precision matrix product for CPUs with AVX-512: C += op(A) · op(B), row-major, in the
// layered scheme of Goto and van de Geijn ("Anatomy of high-performance matrix multiplication",
// 2008) as BLIS organises it: for each KC-deep slice of the inner dimension and NC-wide block of
// columns, B is packed into NR-wide column slivers; for each MC-tall block of rows, A is packed
// into MR-tall row slivers; an MR × NR register tile then runs over the slice with one fused
// multiply-add per element and step. Tiles at the edges are computed in full on zero-padded
// packs and only their valid part is added to C.
//
// The register tile is 8 rows × 32 columns: 16 zmm accumulators (two per row), two loads of B
// and eight broadcasts of A per step, so the loop is bound by the two FMA ports, not by loads.
// Each element of C is the sum over k in increasing order within a slice, slices added to C in
// order: the result does not depend on threads or blocking across rows and columns.
//
// Only AVX-512 CPUs take this path (ctk_sgemm_available); others keep OpenBLAS.

#include "include/CTensorKernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && !defined(CTK_FORCE_BASELINE)
#include <immintrin.h>
#define CTK_GEMM_MR 8
#define CTK_GEMM_NR 32
#define CTK_GEMM_KC 256
#define CTK_GEMM_MC 96
#define CTK_GEMM_NC 2048

// Asked once, when the library loads (every product and convolution asks again).
static int cpu_has_avx512;
__attribute__((constructor)) static void detect_avx512(void) {
  __builtin_cpu_init();
  cpu_has_avx512 = __builtin_cpu_supports("avx512f") ? 1 : 0;
}

int ctk_sgemm_available(void) { return cpu_has_avx512; }

// Packs rows [i0, i0 + mc) × columns [p0, p0 + kc) of op(A) as MR-row slivers: sliver s holds
// kc steps of MR values (rows beyond m are zero). op(A)[i][p] is a[i·lda + p], or a[p·lda + i]
// when A is stored transposed; likewise op(B)[p][j] is b[p·ldb + j] or b[j·ldb + p].
static void pack_a(const float *a, long lda, int trans, long i0, long mc, long p0, long kc, float *dst) {
  for (long s = 0; s < mc; s += CTK_GEMM_MR) {
    long rows = mc - s < CTK_GEMM_MR ? mc - s : CTK_GEMM_MR;
    if (trans) {
      // Stored k × m: a sliver's MR values of one step are adjacent.
      for (long p = 0; p < kc; p++) {
        const float *src = a + (p0 + p) * lda + i0 + s;
        for (long r = 0; r < rows; r++) dst[p * CTK_GEMM_MR + r] = src[r];
        for (long r = rows; r < CTK_GEMM_MR; r++) dst[p * CTK_GEMM_MR + r] = 0;
      }
    } else {
      // Stored m × k: read each row along k (contiguous), write it with stride MR.
      for (long r = 0; r < CTK_GEMM_MR; r++) {
        if (r < rows) {
          const float *src = a + (i0 + s + r) * lda + p0;
          for (long p = 0; p < kc; p++) dst[p * CTK_GEMM_MR + r] = src[p];
        } else {
          for (long p = 0; p < kc; p++) dst[p * CTK_GEMM_MR + r] = 0;
        }
      }
    }
    dst += kc * CTK_GEMM_MR;
  }
}

// Packs rows [p0, p0 + kc) × columns [j0, j0 + nc) of op(B) as NR-column slivers.
static void pack_b(const float *b, long ldb, int trans, long p0, long kc, long j0, long nc, float *dst) {
  for (long s = 0; s < nc; s += CTK_GEMM_NR) {
    long cols = nc - s < CTK_GEMM_NR ? nc - s : CTK_GEMM_NR;
    if (trans) {
      // Stored n × k: read each column of op(B) along k (contiguous), write it with stride NR.
      for (long c = 0; c < CTK_GEMM_NR; c++) {
        if (c < cols) {
          const float *src = b + (j0 + s + c) * ldb + p0;
          for (long p = 0; p < kc; p++) dst[p * CTK_GEMM_NR + c] = src[p];
        } else {
          for (long p = 0; p < kc; p++) dst[p * CTK_GEMM_NR + c] = 0;
        }
      }
    } else {
      for (long p = 0; p < kc; p++) {
        float *row = dst + p * CTK_GEMM_NR;
        const float *src = b + (p0 + p) * ldb + j0 + s;
        if (cols == CTK_GEMM_NR) {
          memcpy(row, src, CTK_GEMM_NR * sizeof(float));
        } else {
          for (long c = 0; c < cols; c++) row[c] = src[c];
          for (long c = cols; c < CTK_GEMM_NR; c++) row[c] = 0;
        }
      }
    }
    dst += kc * CTK_GEMM_NR;
  }
}

// The 8 × 32 register tile over kc steps of A and B; adds the rows × cols valid part to C.
// Row r of the A sliver at step p is a[r·rs + p·ps]: rs = 1, ps = MR for a packed sliver; for A
// read where it is stored, rs = lda, ps = 1 (m × k) or rs = 1, ps = lda (transposed). The 32
// values of B at step p start at b + p·bs: bs = NR packed, ldb for B read where it is stored.
// Every element is the same chain of fused multiply-adds either way. With `add` 0 the tile is
// stored over C instead of added to it (C's old values are never read), plus `bias` (the tile's
// cols values, or NULL) when given. With `relu`, v < 0 ? 0 : v is stored (NaN and −0 pass), as
// the separate ReLU computes it.
__attribute__((target("avx512f")))
static void tile_8x32(long kc, const float *a, long rs, long ps, const float *b, long bs, float *c, long ldc, long rows, long cols, int add,
                      const float *bias, int relu) {
  __m512 c0a = _mm512_setzero_ps(), c0b = _mm512_setzero_ps(), c1a = _mm512_setzero_ps(), c1b = _mm512_setzero_ps();
  __m512 c2a = _mm512_setzero_ps(), c2b = _mm512_setzero_ps(), c3a = _mm512_setzero_ps(), c3b = _mm512_setzero_ps();
  __m512 c4a = _mm512_setzero_ps(), c4b = _mm512_setzero_ps(), c5a = _mm512_setzero_ps(), c5b = _mm512_setzero_ps();
  __m512 c6a = _mm512_setzero_ps(), c6b = _mm512_setzero_ps(), c7a = _mm512_setzero_ps(), c7b = _mm512_setzero_ps();
  const long o1 = rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs, o6 = 6 * rs, o7 = 7 * rs;
  for (long p = 0; p < kc; p++) {
    __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    __m512 x;
    x = _mm512_set1_ps(a[0]); c0a = _mm512_fmadd_ps(x, b0, c0a); c0b = _mm512_fmadd_ps(x, b1, c0b);
    x = _mm512_set1_ps(a[o1]); c1a = _mm512_fmadd_ps(x, b0, c1a); c1b = _mm512_fmadd_ps(x, b1, c1b);
    x = _mm512_set1_ps(a[o2]); c2a = _mm512_fmadd_ps(x, b0, c2a); c2b = _mm512_fmadd_ps(x, b1, c2b);
    x = _mm512_set1_ps(a[o3]); c3a = _mm512_fmadd_ps(x, b0, c3a); c3b = _mm512_fmadd_ps(x, b1, c3b);
    x = _mm512_set1_ps(a[o4]); c4a = _mm512_fmadd_ps(x, b0, c4a); c4b = _mm512_fmadd_ps(x, b1, c4b);
    x = _mm512_set1_ps(a[o5]); c5a = _mm512_fmadd_ps(x, b0, c5a); c5b = _mm512_fmadd_ps(x, b1, c5b);
    x = _mm512_set1_ps(a[o6]); c6a = _mm512_fmadd_ps(x, b0, c6a); c6b = _mm512_fmadd_ps(x, b1, c6b);
    x = _mm512_set1_ps(a[o7]); c7a = _mm512_fmadd_ps(x, b0, c7a); c7b = _mm512_fmadd_ps(x, b1, c7b);
    a += ps;
    b += bs;
  }
  __m512 acc[16] = {c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b, c6a, c6b, c7a, c7b};
  const __m512 zero = _mm512_setzero_ps();
  int full = rows == CTK_GEMM_MR && cols == CTK_GEMM_NR;
  // An edge tile loads and stores only its valid columns (masks); a full tile uses plain moves.
  __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  __mmask16 m1 = cols >= 32 ? (__mmask16)0xFFFF : cols <= 16 ? (__mmask16)0 : (__mmask16)((1u << (cols - 16)) - 1);
  __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : zero, bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : zero;
  for (long r = 0; r < rows; r++) {
    float *row = c + r * ldc;
    __m512 v0 = acc[2 * r], v1 = acc[2 * r + 1];
    if (add) {
      v0 = _mm512_add_ps(full ? _mm512_loadu_ps(row) : _mm512_maskz_loadu_ps(m0, row), v0);
      v1 = _mm512_add_ps(full ? _mm512_loadu_ps(row + 16) : _mm512_maskz_loadu_ps(m1, row + 16), v1);
    } else if (bias) {
      v0 = _mm512_add_ps(bias0, v0);
      v1 = _mm512_add_ps(bias1, v1);
    }
    if (relu) {
      v0 = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v0, zero, _CMP_LT_OQ), v0, zero);
      v1 = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v1, zero, _CMP_LT_OQ), v1, zero);
    }
    if (full) {
      _mm512_storeu_ps(row, v0);
      _mm512_storeu_ps(row + 16, v1);
    } else {
      _mm512_mask_storeu_ps(row, m0, v0);
      _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
  }
}

// Packers: fill `dst` with rows [i0, i0 + mc) (or columns [j0, j0 + nc)) × steps [p0, p0 + kc)
// of an operand described by `ctx`, in the sliver layout of pack_a / pack_b.
typedef void (*ctk_pack_fn)(const void *ctx, long first, long count, long p0, long kc, float *dst);
// Where a finished tile goes: added to C (`c` with leading dimension `ldc`), or scattered.
typedef void (*ctk_store_fn)(const void *ctx, const float *tile, long i, long j, long rows, long cols);

typedef struct { const float *a; long ld; int trans; } ctk_matrix;
static void pack_matrix_a(const void *ctx, long i0, long mc, long p0, long kc, float *dst) {
  const ctk_matrix *m = ctx;
  pack_a(m->a, m->ld, m->trans, i0, mc, p0, kc, dst);
}
static void pack_matrix_b(const void *ctx, long j0, long nc, long p0, long kc, float *dst) {
  const ctk_matrix *m = ctx;
  pack_b(m->a, m->ld, m->trans, p0, kc, j0, nc, dst);
}

// Per-thread pack buffers (0: B, 1: A), kept between products and grown when a product needs
// more: the small products of a training step would otherwise spend more time allocating and
// faulting in fresh pages than multiplying. Never freed; at most KC · NC + KC · MC floats each.
static _Thread_local float *scratch[2];
static _Thread_local size_t scratchCapacity[2];
static float *scratch_buffer(int which, size_t count) {
  if (scratchCapacity[which] < count) {
    free(scratch[which]);
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    scratch[which] = aligned_alloc(64, bytes);
    scratchCapacity[which] = scratch[which] ? count : 0;
  }
  return scratch[which];
}

// The blocked product C (+)= op(A)·op(B) of m × k and k × n operands given by their packers.
// With `store` nil, tiles are added to c (leading dimension ldc); otherwise each finished
// partial tile (one KC slice) is handed to `store`. `directA` and `directB` (matrices, not a
// convolution's im2col map; B only when stored k × n) let full MR-row slivers of A and full
// NR-column slivers of B be read where they are stored, so that only a last partial sliver is
// packed: packing costs as much as the product when a dimension is short. With `overwrite`, the
// first slice's tiles are stored over C (whose old values are never read) instead of added.
static int gemm_driver(long m, long n, long k, ctk_pack_fn packA, const void *actx, const ctk_matrix *directA,
                       ctk_pack_fn packB, const void *bctx, const ctk_matrix *directB, float *c, long ldc, int overwrite,
                       const float *bias, int relu, ctk_store_fn store, const void *sctx) {
  if (m <= 0 || n <= 0 || k <= 0) return 1;
  if (directB && directB->trans) directB = 0;
  long ncMax = n < CTK_GEMM_NC ? n : CTK_GEMM_NC, kcMax = k < CTK_GEMM_KC ? k : CTK_GEMM_KC, mcMax = m < CTK_GEMM_MC ? m : CTK_GEMM_MC;
  long ncPadded = (ncMax + CTK_GEMM_NR - 1) / CTK_GEMM_NR * CTK_GEMM_NR, mcPadded = (mcMax + CTK_GEMM_MR - 1) / CTK_GEMM_MR * CTK_GEMM_MR;
  float *packedB = scratch_buffer(0, (size_t)(kcMax * ncPadded));
  float *packedA = scratch_buffer(1, (size_t)(kcMax * mcPadded));
  if (!packedA || !packedB) return 0;
  float tile[CTK_GEMM_MR * CTK_GEMM_NR];
  for (long j0 = 0; j0 < n; j0 += CTK_GEMM_NC) {
    long nc = n - j0 < CTK_GEMM_NC ? n - j0 : CTK_GEMM_NC;
    for (long p0 = 0; p0 < k; p0 += CTK_GEMM_KC) {
      long kc = k - p0 < CTK_GEMM_KC ? k - p0 : CTK_GEMM_KC;
      // Columns [j0, j0 + fullB) of B are read where B is stored; the rest is packed.
      long fullB = directB ? nc / CTK_GEMM_NR * CTK_GEMM_NR : 0;
      if (fullB < nc) packB(bctx, j0 + fullB, nc - fullB, p0, kc, packedB + fullB * kc);
      for (long i0 = 0; i0 < m; i0 += CTK_GEMM_MC) {
        long mc = m - i0 < CTK_GEMM_MC ? m - i0 : CTK_GEMM_MC;
        // Rows [i0, i0 + fullA) of A are read where A is stored; the rest is packed.
        long fullA = directA ? mc / CTK_GEMM_MR * CTK_GEMM_MR : 0;
        if (fullA < mc) packA(actx, i0 + fullA, mc - fullA, p0, kc, packedA + fullA * kc);
        for (long js = 0; js < nc; js += CTK_GEMM_NR) {
          long cols = nc - js < CTK_GEMM_NR ? nc - js : CTK_GEMM_NR;
          const float *bp = js < fullB ? directB->a + p0 * directB->ld + j0 + js : packedB + js * kc;
          long bs = js < fullB ? directB->ld : CTK_GEMM_NR;
          for (long is = 0; is < mc; is += CTK_GEMM_MR) {
            long rows = mc - is < CTK_GEMM_MR ? mc - is : CTK_GEMM_MR;
            const float *ap = packedA + is * kc;
            long rs = 1, ps = CTK_GEMM_MR;
            if (is < fullA) {
              const ctk_matrix *A = directA;
              ap = A->trans ? A->a + p0 * A->ld + i0 + is : A->a + (i0 + is) * A->ld + p0;
              rs = A->trans ? 1 : A->ld;
              ps = A->trans ? A->ld : 1;
            }
            if (store) {
              memset(tile, 0, sizeof tile);
              tile_8x32(kc, ap, rs, ps, bp, bs, tile, CTK_GEMM_NR, rows, cols, 1, 0, 0);
              store(sctx, tile, i0 + is, j0 + js, rows, cols);
            } else {
              int first = overwrite && p0 == 0;
              tile_8x32(kc, ap, rs, ps, bp, bs, c + (i0 + is) * ldc + j0 + js, ldc, rows, cols, !first,
                        first && bias ? bias + j0 + js : 0, relu && p0 + kc == k);
            }
          }
        }
      }
    }
  }
  return 1;
}

int ctk_sgemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc, int overwrite) {
  if (!ctk_sgemm_available()) return 0;
  ctk_matrix A = {a, lda, trans_a}, B = {b, ldb, trans_b};
  return gemm_driver(m, n, k, pack_matrix_a, &A, &A, pack_matrix_b, &B, &B, c, ldc, overwrite, 0, 0, 0, 0);
}

int ctk_sgemm_bias(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                   const float *bias, int relu, float *c, long ldc) {
  if (!ctk_sgemm_available()) return 0;
  ctk_matrix A = {a, lda, trans_a}, B = {b, ldb, trans_b};
  return gemm_driver(m, n, k, pack_matrix_a, &A, &A, pack_matrix_b, &B, &B, c, ldc, 1, bias, relu, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// Convolutions without an im2col buffer: the packers read the image through the im2col map
// (cols row q = (channel · kh + ki) · kw + kj, column l = oy · out_w + ox; the pixel is
// (oy · stride_h − pad_h + ki · dilation_h, ox · stride_w − pad_w + kj · dilation_w), zero in
// the padding), so the [C·kh·kw, L] matrix of each image is never written out.

typedef struct { const float *x; const ctk_window *g; } ctk_image;

// Row q of the im2col map: the image plane and the tap's offsets.
typedef struct { const float *plane; long dy, dx; } ctk_tap;
static inline ctk_tap tap_of(const float *x, const ctk_window *g, long q) {
  long kj = q % g->kernel_w, ki = (q / g->kernel_w) % g->kernel_h, ch = q / (g->kernel_w * g->kernel_h);
  ctk_tap t = {x + ch * g->height * g->width, ki * g->dilation_h - g->pad_h, kj * g->dilation_w - g->pad_w};
  return t;
}

// Writes cols[q][l] for `count` consecutive positions starting at output (*oy, *ox) to dst[0],
// dst[step], …, and advances (*oy, *ox) past them: no division per element or per call.
static inline void im2col_run(const ctk_window *g, ctk_tap t, long *oyp, long *oxp, long count, float *restrict dst, long step) {
  long oy = *oyp, ox = *oxp;
  long c = 0;
  while (c < count) {
    // The rest of output row oy (or of the run): with stride 1 its pixels are consecutive.
    long span = g->out_w - ox < count - c ? g->out_w - ox : count - c;
    long iy = oy * g->stride_h + t.dy;
    float *d = dst + c * step;
    if (iy < 0 || iy >= g->height) {
      for (long e = 0; e < span; e++) d[e * step] = 0.0f;
    } else if (g->stride_w == 1) {
      const float *src = t.plane + iy * g->width;
      long ix0 = ox + t.dx;
      // Columns before the image, inside it, after it.
      long before = ix0 < 0 ? (-ix0 < span ? -ix0 : span) : 0;
      long inside = g->width - (ix0 + before) < span - before ? g->width - (ix0 + before) : span - before;
      if (inside < 0) inside = 0;
      if (step == 1) {
        // Short runs (a sliver is 32 wide): plain loops, which the compiler vectorises, beat
        // calls to memcpy and memset.
        for (long e = 0; e < before; e++) d[e] = 0.0f;
        for (long e = before; e < before + inside; e++) d[e] = src[ix0 + e];
        for (long e = before + inside; e < span; e++) d[e] = 0.0f;
      } else {
        for (long e = 0; e < before; e++) d[e * step] = 0.0f;
        for (long e = before; e < before + inside; e++) d[e * step] = src[ix0 + e];
        for (long e = before + inside; e < span; e++) d[e * step] = 0.0f;
      }
    } else {
      const float *src = t.plane + iy * g->width;
      for (long e = 0; e < span; e++) {
        long ix = (ox + e) * g->stride_w + t.dx;
        d[e * step] = (ix >= 0 && ix < g->width) ? src[ix] : 0.0f;
      }
    }
    c += span;
    ox += span;
    if (ox == g->out_w) { ox = 0; oy++; }
  }
  *oyp = oy;
  *oxp = ox;
}

// op(B) = cols (k = C·kh·kw steps, n = L columns): for each step q, the positions of every
// NR-wide sliver in turn (one tap decoded per step, positions walked without division).
static void pack_im2col_b(const void *ctx, long j0, long nc, long p0, long kc, float *dst) {
  const ctk_image *im = ctx;
  const ctk_window *g = im->g;
  for (long p = 0; p < kc; p++) {
    ctk_tap t = tap_of(im->x, g, p0 + p);
    long oy = j0 / g->out_w, ox = j0 % g->out_w;
    for (long s = 0; s < nc; s += CTK_GEMM_NR) {
      long cols = nc - s < CTK_GEMM_NR ? nc - s : CTK_GEMM_NR;
      float *row = dst + (s / CTK_GEMM_NR) * kc * CTK_GEMM_NR + p * CTK_GEMM_NR;
      im2col_run(g, t, &oy, &ox, cols, row, 1);
      for (long c = cols; c < CTK_GEMM_NR; c++) row[c] = 0;
    }
  }
}

// op(A) = cols (m = C·kh·kw rows, k = L steps): MR taps per sliver, each walked over the
// positions of the slice (writes with stride MR, reads along image rows).
static void pack_im2col_a(const void *ctx, long i0, long mc, long p0, long kc, float *dst) {
  const ctk_image *im = ctx;
  const ctk_window *g = im->g;
  for (long s = 0; s < mc; s += CTK_GEMM_MR) {
    long rows = mc - s < CTK_GEMM_MR ? mc - s : CTK_GEMM_MR;
    for (long r = 0; r < CTK_GEMM_MR; r++) {
      if (r < rows) {
        long oy = p0 / g->out_w, ox = p0 % g->out_w;
        im2col_run(g, tap_of(im->x, g, i0 + s + r), &oy, &ox, kc, dst + r, CTK_GEMM_MR);
      } else {
        for (long p = 0; p < kc; p++) dst[p * CTK_GEMM_MR + r] = 0;
      }
    }
    dst += kc * CTK_GEMM_MR;
  }
}

// Scatters a tile of dcols (rows q, columns l) into the image gradient (col2im).
static void store_col2im(const void *ctx, const float *tile, long i, long j, long rows, long cols) {
  const ctk_image *im = ctx;
  const ctk_window *g = im->g;
  for (long r = 0; r < rows; r++) {
    ctk_tap t = tap_of(im->x, g, i + r);
    float *plane = (float *)t.plane;
    long oy = j / g->out_w, ox = j % g->out_w;
    for (long c = 0; c < cols; c++) {
      long iy = oy * g->stride_h + t.dy, ix = ox * g->stride_w + t.dx;
      if (iy >= 0 && iy < g->height && ix >= 0 && ix < g->width) plane[iy * g->width + ix] += tile[r * CTK_GEMM_NR + c];
      if (++ox == g->out_w) { ox = 0; oy++; }
    }
  }
}

int ctk_conv2d_forward_gemm(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y) {
  if (!ctk_sgemm_available()) return 0;
  long patch = g->channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w, hw = g->height * g->width;
  ctk_matrix W = {w, patch, 0};
  for (long n = n0; n < n1; n++) {
    ctk_image im = {x + n * g->channels * hw, g};
    float *out = y + n * out_channels * positions;
    if (!gemm_driver(out_channels, positions, patch, pack_matrix_a, &W, &W, pack_im2col_b, &im, 0, out, positions, 0, 0, 0, 0, 0)) return 0;
    // The bias and the ReLU while the image's outputs are still in cache.
    if (bias)
      for (long o = 0; o < out_channels; o++)
        for (long l = 0; l < positions; l++) out[o * positions + l] += bias[o];
    if (relu)
      for (long l = 0; l < out_channels * positions; l++) out[l] = out[l] < 0.0f ? 0.0f : out[l];
  }
  return 1;
}

// Σ over the positions of one image's dy [out_channels, positions], added to dbias: the bias
// gradient, in a fixed order (16 lanes, then their sum).
__attribute__((target("avx512f")))
static void bias_gradient_avx512(const float *d, long out_channels, long positions, float *dbias) {
  for (long o = 0; o < out_channels; o++) {
    const float *plane = d + o * positions;
    __m512 acc = _mm512_setzero_ps();
    for (long l = 0; l < positions; l += 16) {
      long valid = positions - l;
      __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
      acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, plane + l));
    }
    dbias[o] += _mm512_reduce_add_ps(acc);
  }
}

void ctk_conv2d_bias_gradient(const float *d, long out_channels, long positions, float *dbias) {
  if (cpu_has_avx512) { bias_gradient_avx512(d, out_channels, positions, dbias); return; }
  for (long o = 0; o < out_channels; o++)
    for (long l = 0; l < positions; l++) dbias[o] += d[o * positions + l];
}

int ctk_conv2d_weight_gemm(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias) {
  if (!ctk_sgemm_available()) return 0;
  long patch = g->channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w, hw = g->height * g->width;
  // dWᵀ [patch, O] = Σ_n cols[n] [patch, L] · dy[n]ᵀ [L, O]: the large operand (cols) is packed
  // as A, whose slivers are narrower, and one packed sliver of dy serves every tap.
  float *transposed = calloc((size_t)(patch * out_channels), sizeof(float));
  if (!transposed) return 0;
  for (long n = n0; n < n1; n++) {
    ctk_image im = {x + n * g->channels * hw, g};
    ctk_matrix D = {dy + n * out_channels * positions, positions, 1};
    if (!gemm_driver(patch, out_channels, positions, pack_im2col_a, &im, 0, pack_matrix_b, &D, &D, transposed, out_channels, 0, 0, 0, 0, 0)) { free(transposed); return 0; }
    if (dbias) ctk_conv2d_bias_gradient(D.a, out_channels, positions, dbias);
  }
  for (long o = 0; o < out_channels; o++)
    for (long q = 0; q < patch; q++) dw[o * patch + q] += transposed[q * out_channels + o];
  free(transposed);
  return 1;
}

int ctk_conv2d_input_gemm(const float *w, const float *dy, const ctk_window *g, long n0, long n1, long out_channels, float *dx) {
  if (!ctk_sgemm_available()) return 0;
  long patch = g->channels * g->kernel_h * g->kernel_w, positions = g->out_h * g->out_w, hw = g->height * g->width;
  ctk_matrix WT = {w, patch, 1};
  for (long n = n0; n < n1; n++) {
    ctk_matrix D = {dy + n * out_channels * positions, positions, 0};
    ctk_image im = {dx + n * g->channels * hw, g};
    if (!gemm_driver(patch, positions, out_channels, pack_matrix_a, &WT, &WT, pack_matrix_b, &D, &D, 0, 0, 0, 0, 0, store_col2im, &im)) return 0;
  }
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Direct convolution for inputs with few channels (a network's first layer: C·kh·kw ≤ 27, stride
// and dilation 1), where the product form has too short an inner dimension to pay for packing.
// Each image's planes are copied once into zero-padded rows (16 spare columns on the right, so
// every 16-wide load is in bounds). Forward: for each output row and 16 positions, eight output
// channels at a time, y_o = Σ_q w[o][q]·v_q with v_q the tap's shifted input vector: eight
// independent accumulators, so the loop waits on no FMA's latency. Weight gradient: per output
// channel block, one vector accumulator per (channel, tap) over all positions of the image (dy
// loaded once per block, each tap's input vector once for every channel of the block), one
// horizontal sum per image, added in image order.

#define CTK_DIRECT_MAX_TAPS 27
#define CTK_DIRECT_OUT_BLOCK 8

// Copies image planes into rows of width wp = W + 2·pad_w + 16, with pad_h zero rows around.
static float *padded_planes(const float *x, const ctk_window *g, long *wp, long *hp) {
  *wp = g->width + 2 * g->pad_w + 16;
  *hp = g->height + 2 * g->pad_h;
  float *p = calloc((size_t)(g->channels * *hp * *wp), sizeof(float));
  if (!p) return 0;
  for (long c = 0; c < g->channels; c++)
    for (long y = 0; y < g->height; y++)
      memcpy(p + (c * *hp + y + g->pad_h) * *wp + g->pad_w, x + (c * g->height + y) * g->width, (size_t)g->width * sizeof(float));
  return p;
}

// Offsets of the taps in padded planes: tap q = (c, ki, kj) reads (c·hp + ki)·wp + kj past the
// output position's own offset oy·wp + ox.
static void direct_tap_offsets(const ctk_window *g, long hp, long wp, long *off) {
  long taps = g->channels * g->kernel_h * g->kernel_w;
  for (long q = 0; q < taps; q++) {
    long kj = q % g->kernel_w, ki = (q / g->kernel_w) % g->kernel_h, c = q / (g->kernel_w * g->kernel_h);
    off[q] = (c * hp + ki) * wp + kj;
  }
}

static inline __mmask16 direct_row_mask(long valid) {
  return valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
}

int ctk_conv2d_direct_available(const ctk_window *g) {
  return ctk_sgemm_available() && g->stride_h == 1 && g->stride_w == 1 && g->dilation_h == 1 && g->dilation_w == 1
    && g->channels * g->kernel_h * g->kernel_w <= CTK_DIRECT_MAX_TAPS;
}

__attribute__((target("avx512f")))
int ctk_conv2d_direct_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *y) {
  if (!ctk_conv2d_direct_available(g)) return 0;
  long taps = g->channels * g->kernel_h * g->kernel_w, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  // Wᵀ [q][o], the output channels padded with zeros to a whole block.
  long blocks = (out_channels + CTK_DIRECT_OUT_BLOCK - 1) / CTK_DIRECT_OUT_BLOCK, stride = blocks * CTK_DIRECT_OUT_BLOCK;
  float *wt = calloc((size_t)(taps * stride), sizeof(float));
  if (!wt) return 0;
  for (long o = 0; o < out_channels; o++)
    for (long q = 0; q < taps; q++) wt[q * stride + o] = w[o * taps + q];
  long off[CTK_DIRECT_MAX_TAPS];
  for (long n = n0; n < n1; n++) {
    long wp, hp;
    float *p = padded_planes(x + n * g->channels * hw, g, &wp, &hp);
    if (!p) { free(wt); return 0; }
    direct_tap_offsets(g, hp, wp, off);
    float *out = y + n * out_channels * ohw;
    for (long oy = 0; oy < g->out_h; oy++) {
      for (long ox = 0; ox < g->out_w; ox += 16) {
        __mmask16 mask = direct_row_mask(g->out_w - ox);
        const float *base = p + oy * wp + ox;
        for (long b = 0; b < blocks; b++) {
          const float *wb = wt + b * CTK_DIRECT_OUT_BLOCK;
          __m512 acc[CTK_DIRECT_OUT_BLOCK];
#pragma clang loop unroll(full)
          for (int j = 0; j < CTK_DIRECT_OUT_BLOCK; j++) acc[j] = _mm512_setzero_ps();
          for (long q = 0; q < taps; q++) {
            __m512 v = _mm512_loadu_ps(base + off[q]);
#pragma clang loop unroll(full)
            for (int j = 0; j < CTK_DIRECT_OUT_BLOCK; j++) acc[j] = _mm512_fmadd_ps(_mm512_set1_ps(wb[q * stride + j]), v, acc[j]);
          }
          long count = out_channels - b * CTK_DIRECT_OUT_BLOCK < CTK_DIRECT_OUT_BLOCK ? out_channels - b * CTK_DIRECT_OUT_BLOCK : CTK_DIRECT_OUT_BLOCK;
          for (long j = 0; j < count; j++) {
            long o = b * CTK_DIRECT_OUT_BLOCK + j;
            __m512 r = bias ? _mm512_add_ps(acc[j], _mm512_set1_ps(bias[o])) : acc[j];
            // ReLU as the separate op computes it: v < 0 ? 0 : v (NaN and −0 pass).
            if (relu) r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(r, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_setzero_ps());
            _mm512_mask_storeu_ps(out + o * ohw + oy * g->out_w + ox, mask, r);
          }
        }
      }
    }
    free(p);
  }
  free(wt);
  return 1;
}

// The weight gradient of output channels o0 ..< o0 + ROWS over one image for exactly TAPS taps:
// sums[r][q] = Σ_positions dy[o0 + r] · v_q, ROWS × TAPS accumulators held in registers.
#define CTK_DIRECT_WEIGHT_BLOCK(TAPS, ROWS)                                                                        \
  __attribute__((target("avx512f"))) static void direct_weight_##TAPS##x##ROWS(                                     \
      const float *d, const float *p, const long *off, const ctk_window *g, long wp, long o0, float *sums) {         \
    long ohw = g->out_h * g->out_w;                                                                                  \
    __m512 acc[ROWS][TAPS];                                                                                          \
    _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++)                                                \
      _Pragma("clang loop unroll(full)") for (int q = 0; q < TAPS; q++) acc[r][q] = _mm512_setzero_ps();             \
    for (long oy = 0; oy < g->out_h; oy++)                                                                           \
      for (long ox = 0; ox < g->out_w; ox += 16) {                                                                   \
        __mmask16 mask = direct_row_mask(g->out_w - ox);                                                             \
        const float *base = p + oy * wp + ox;                                                                        \
        __m512 dv[ROWS];                                                                                             \
        _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++)                                            \
          dv[r] = _mm512_maskz_loadu_ps(mask, d + (o0 + r) * ohw + oy * g->out_w + ox);                               \
        _Pragma("clang loop unroll(full)") for (int q = 0; q < TAPS; q++) {                                          \
          __m512 v = _mm512_loadu_ps(base + off[q]);                                                                 \
          _Pragma("clang loop unroll(full)") for (int r = 0; r < ROWS; r++) acc[r][q] = _mm512_fmadd_ps(dv[r], v, acc[r][q]); \
        }                                                                                                            \
      }                                                                                                              \
    for (int r = 0; r < ROWS; r++)                                                                                   \
      for (int q = 0; q < TAPS; q++) sums[r * TAPS + q] = _mm512_reduce_add_ps(acc[r][q]);                           \
  }
CTK_DIRECT_WEIGHT_BLOCK(9, 3)
CTK_DIRECT_WEIGHT_BLOCK(9, 1)
CTK_DIRECT_WEIGHT_BLOCK(18, 1)
CTK_DIRECT_WEIGHT_BLOCK(27, 1)

// Any other tap count: one (channel, tap) pair at a time.
__attribute__((target("avx512f")))
static void direct_weight_one(const float *d, const float *p, const long *off, const ctk_window *g, long wp, long o, long taps, float *sums) {
  long ohw = g->out_h * g->out_w;
  for (long q = 0; q < taps; q++) {
    __m512 acc = _mm512_setzero_ps();
    for (long oy = 0; oy < g->out_h; oy++) {
      const float *src = p + oy * wp + off[q], *grad = d + o * ohw + oy * g->out_w;
      for (long ox = 0; ox < g->out_w; ox += 16)
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(direct_row_mask(g->out_w - ox), grad + ox), _mm512_loadu_ps(src + ox), acc);
    }
    sums[q] = _mm512_reduce_add_ps(acc);
  }
}

__attribute__((target("avx512f")))
int ctk_conv2d_direct_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long out_channels, float *dw, float *dbias) {
  if (!ctk_conv2d_direct_available(g)) return 0;
  long taps = g->channels * g->kernel_h * g->kernel_w, hw = g->height * g->width, ohw = g->out_h * g->out_w;
  long off[CTK_DIRECT_MAX_TAPS];
  float sums[3 * CTK_DIRECT_MAX_TAPS];
  for (long n = n0; n < n1; n++) {
    long wp, hp;
    float *p = padded_planes(x + n * g->channels * hw, g, &wp, &hp);
    if (!p) return 0;
    direct_tap_offsets(g, hp, wp, off);
    const float *d = dy + n * out_channels * ohw;
    for (long o = 0; o < out_channels;) {
      long rows = 1;
      if (taps == 9 && out_channels - o >= 3) { direct_weight_9x3(d, p, off, g, wp, o, sums); rows = 3; }
      else if (taps == 9) direct_weight_9x1(d, p, off, g, wp, o, sums);
      else if (taps == 18) direct_weight_18x1(d, p, off, g, wp, o, sums);
      else if (taps == 27) direct_weight_27x1(d, p, off, g, wp, o, sums);
      else direct_weight_one(d, p, off, g, wp, o, taps, sums);
      for (long r = 0; r < rows; r++)
        for (long q = 0; q < taps; q++) dw[(o + r) * taps + q] += sums[r * taps + q];
      o += rows;
    }
    if (dbias) ctk_conv2d_bias_gradient(d, out_channels, ohw, dbias);
    free(p);
  }
  return 1;
}

#else
int ctk_sgemm_available(void) { return 0; }
void ctk_conv2d_bias_gradient(const float *d, long out_channels, long positions, float *dbias) {
  for (long o = 0; o < out_channels; o++)
    for (long l = 0; l < positions; l++) dbias[o] += d[o * positions + l];
}
int ctk_conv2d_direct_available(const ctk_window *g) { (void)g; return 0; }
int ctk_conv2d_direct_forward(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long o, float *y) {
  (void)w; (void)bias; (void)relu; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)y; return 0;
}
int ctk_conv2d_direct_weight(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long o, float *dw, float *dbias) {
  (void)dy; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)dw; (void)dbias; return 0;
}
int ctk_conv2d_forward_gemm(const float *w, const float *bias, int relu, const float *x, const ctk_window *g, long n0, long n1, long o, float *y) {
  (void)w; (void)bias; (void)relu; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)y; return 0;
}
int ctk_conv2d_weight_gemm(const float *dy, const float *x, const ctk_window *g, long n0, long n1, long o, float *dw, float *dbias) {
  (void)dy; (void)x; (void)g; (void)n0; (void)n1; (void)o; (void)dw; (void)dbias; return 0;
}
int ctk_conv2d_input_gemm(const float *w, const float *dy, const ctk_window *g, long n0, long n1, long o, float *dx) {
  (void)w; (void)dy; (void)g; (void)n0; (void)n1; (void)o; (void)dx; return 0;
}
int ctk_sgemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc, int overwrite) {
  (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)c; (void)ldc;
  return 0;
}
int ctk_sgemm_bias(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                   const float *bias, int relu, float *c, long ldc) {
  (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)bias; (void)relu; (void)c; (void)ldc;
  return 0;
}
#endif
