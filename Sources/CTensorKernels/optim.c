// Optimiser update kernels (see include/CTensorKernels.h for the contract).
#include "CTensorKernels.h"

#include "dispatch.h"

CTK_DISPATCH
void ctk_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, long n, float lr,
                    float beta1, float beta2, float eps, float weight_decay, float bc1, float bc2,
                    int amsgrad) {
  const float decay = 1.0f - lr * weight_decay;
  const float step = lr / bc1;
  const float inv_sqrt_bc2 = 1.0f / __builtin_sqrtf(bc2);
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float vh = vi;
    if (amsgrad) {
      vh = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vh;
    }
    p[i] = p[i] * decay - step * mi / (__builtin_sqrtf(vh) * inv_sqrt_bc2 + eps);
  }
}
