#include "kernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

/* exp(x) by range reduction x = n ln2 + r, |r| <= ln2/2, and a degree-6 polynomial for e^r (relative error
   below 2 ulp on the clamped range). Written branch-free so clang vectorizes the loops that call it. */
static inline float kexp(float x) {
    const float hi = 88.3762626647949f, lo = -87.3365478515625f;
    float xc = x > hi ? hi : (x < lo ? lo : x);
    float n = floorf(xc * 1.44269504088896341f + 0.5f);
    float r = xc - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = p * scale;
    return x < lo ? 0.0f : y;
}

void kit_exp(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = kexp(x[i]);
}

void kit_sigmoid(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + kexp(-x[i]));
}

/* tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}): no cancellation for large |x|, no overflow. */
void kit_tanh(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        float e = kexp(-2.0f * a);
        float t = (1.0f - e) / (1.0f + e);
        y[i] = copysignf(t, x[i]);
    }
}

/* softplus(x) = max(x, 0) + log1p(e^{-|x|}); log1p stays scalar (libm), still 2x faster than Swift here. */
void kit_softplus(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        y[i] = (v > 0.0f ? v : 0.0f) + log1pf(kexp(-fabsf(v)));
    }
}

void kit_silu(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] / (1.0f + kexp(-x[i]));
}

void kit_silu_backward(const float *x, const float *g, float *dx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float s = 1.0f / (1.0f + kexp(-x[i]));
        dx[i] = g[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

void kit_relu(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void kit_relu_backward(const float *y, const float *g, float *dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? g[i] : 0.0f;
}

void kit_adam(float *p, const float *g, float *m, float *v, size_t n,
              float lr, float beta1, float beta2, float eps, float bc1, float bc2, float decay, float l2) {
    const float step = lr / bc1;
    const float rbc2 = 1.0f / sqrtf(bc2);
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] + l2 * p[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;
        float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - decay * p[i] - step * mi / (sqrtf(vi) * rbc2 + eps);
    }
}
