// Branch-free Float32 approximations of exp, log and tanh that vectorise (Cephes polynomials,
// S. L. Moshier). Accuracy: about 1-2 ulp over the normal range. Denormal inputs to log are
// treated as zero's neighbourhood (log gives about -87.3). Written with selects, not branches,
// so the compiler vectorises loops that call them; results do not depend on vector width.
#ifndef CTK_MATHFUN_H
#define CTK_MATHFUN_H

#include <stdint.h>
#include <string.h>

static inline float ctk_bits_to_float(int32_t i) { float f; memcpy(&f, &i, 4); return f; }
static inline int32_t ctk_float_to_bits(float f) { int32_t i; memcpy(&i, &f, 4); return i; }

/// e^x. Range reduction x = n ln2 + r with |r| <= ln2/2 (ln2 split in two parts for accuracy),
/// e^r by a degree-6 polynomial, 2^n built in the exponent bits.
static inline float ctk_expf(float x) {
  // hi = ln(FLT_MAX): results up to FLT_MAX are computed (not clamped at e^88.38 as Cephes'
  // single-exponent version must); lo = ln(FLT_MIN): smaller results flush to 0.
  const float hi = 88.72283905f, lo = -87.33654475f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  // Round x*log2(e) to nearest with the 1.5*2^23 trick (exact for |v| < 2^22).
  float fx = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * z + r + 1.0f;
  int32_t n = (int32_t)fx;
  // Split 2^n as 2^(n/2) * 2^(n - n/2) so n = 128 (x near 88.72) does not overflow the exponent.
  int32_t n1 = n >> 1, n2 = n - n1;
  y = y * ctk_bits_to_float((n1 + 127) << 23) * ctk_bits_to_float((n2 + 127) << 23);
  y = x > 88.72283905f ? __builtin_inff() : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

/// ln(x). x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln(1+f) by a degree-9 polynomial.
static inline float ctk_logf(float x) {
  int32_t bits = ctk_float_to_bits(x);
  int32_t e = ((bits >> 23) & 0xff) - 126;
  float m = ctk_bits_to_float((bits & 0x807fffff) | 0x3f000000);  // m in [0.5, 1)
  int small = m < 0.707106781186547524f;
  e = small ? e - 1 : e;
  float f = small ? (m + m - 1.0f) : (m - 1.0f);
  float z = f * f;
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  float fe = (float)e;
  float y = p * f * z;
  y = y + fe * -2.12194440e-4f;
  y = y - 0.5f * z;
  float r = f + y;
  r = r + fe * 0.693359375f;
  r = x < 1.17549435e-38f ? -87.3365447f : r;   // denormals and 0 handled below
  r = x == 0.0f ? -__builtin_inff() : r;
  r = x < 0.0f ? __builtin_nanf("") : r;
  r = x == __builtin_inff() ? x : r;
  return x != x ? x : r;
}

/// tanh(x): odd polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1) with the sign restored.
static inline float ctk_tanhf(float x) {
  float ax = x < 0 ? -x : x;
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  float e = ctk_expf(2.0f * (ax > 44.0f ? 44.0f : ax));
  float big = 1.0f - 2.0f / (e + 1.0f);
  big = x < 0 ? -big : big;
  float r = ax < 0.625f ? small : big;
  return x != x ? x : r;
}

/// Logistic sigmoid 1/(1+e^-x), computed from e^{-|x|} so it never overflows.
static inline float ctk_sigmoidf(float x) {
  float e = ctk_expf(x < 0 ? x : -x);  // e^{-|x|} in (0, 1]
  float pos = 1.0f / (1.0f + e);
  return x >= 0 ? pos : e * pos;
}

#endif
