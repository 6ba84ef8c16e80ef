#ifndef KIT_KEXP_H
#define KIT_KEXP_H
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

/* SiLU, x·σ(x), and its gradient g·σ(x)·(1 + x·(1 − σ(x))): shared by the elementwise kernels and the fused
   GroupNorm so both compute the same numbers. */
static inline float ksilu(float x) { return x / (1.0f + kexp(-x)); }

static inline float ksilu_gradient(float g, float x) {
    float s = 1.0f / (1.0f + kexp(-x));
    return g * s * (1.0f + x * (1.0f - s));
}

#endif
