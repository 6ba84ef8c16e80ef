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

/* im2col / col2im for one image over channels [c0, c1): patches [C*KH*KW, OH*OW] <-> image [C, H, W].
   Output positions o whose input index o*stride + offset falls outside the image read as (or drop) zero. */
static inline long kit_floordiv(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

static inline void kit_valid(long offset, long stride, long size, long count, long *lo, long *hi) {
    long l = kit_floordiv(-offset + stride - 1, stride);
    long h = kit_floordiv(size - 1 - offset, stride) + 1;
    if (l < 0) l = 0;
    if (h > count) h = count;
    if (h < l) h = l;
    *lo = l; *hi = h;
}

void kit_im2col(const float *restrict image, float *restrict cols, const struct kit_conv_geometry *g, long c0, long c1) {
    const long plane = g->height * g->width, positions = g->out_h * g->out_w;
    for (long c = c0; c < c1; c++) {
        const float *xc = image + c * plane;
        for (long kh = 0; kh < g->kernel_h; kh++) {
            long h0, h1;
            kit_valid(kh * g->dilation_h - g->pad_h, g->stride_h, g->height, g->out_h, &h0, &h1);
            for (long kw = 0; kw < g->kernel_w; kw++) {
                const long off_w = kw * g->dilation_w - g->pad_w;
                long w0, w1;
                kit_valid(off_w, g->stride_w, g->width, g->out_w, &w0, &w1);
                float *row = cols + ((c * g->kernel_h + kh) * g->kernel_w + kw) * positions;
                memset(row, 0, (size_t)(h0 * g->out_w) * sizeof(float));
                for (long oh = h0; oh < h1; oh++) {
                    const long ih = oh * g->stride_h + kh * g->dilation_h - g->pad_h;
                    const float *src = xc + ih * g->width;  /* output column ow reads src[ow * stride + off_w] */
                    float *dst = row + oh * g->out_w;
                    for (long ow = 0; ow < w0; ow++) dst[ow] = 0.0f;
                    if (g->stride_w == 1) {
                        for (long ow = w0; ow < w1; ow++) dst[ow] = src[ow + off_w];
                    } else {
                        const long s = g->stride_w;
                        for (long ow = w0; ow < w1; ow++) dst[ow] = src[ow * s + off_w];
                    }
                    for (long ow = w1; ow < g->out_w; ow++) dst[ow] = 0.0f;
                }
                memset(row + h1 * g->out_w, 0, (size_t)((g->out_h - h1) * g->out_w) * sizeof(float));
            }
        }
    }
}

void kit_col2im(const float *restrict cols, float *restrict image, const struct kit_conv_geometry *g, long c0, long c1) {
    const long plane = g->height * g->width, positions = g->out_h * g->out_w;
    for (long c = c0; c < c1; c++) {
        float *xc = image + c * plane;
        for (long kh = 0; kh < g->kernel_h; kh++) {
            long h0, h1;
            kit_valid(kh * g->dilation_h - g->pad_h, g->stride_h, g->height, g->out_h, &h0, &h1);
            for (long kw = 0; kw < g->kernel_w; kw++) {
                const long off_w = kw * g->dilation_w - g->pad_w;
                long w0, w1;
                kit_valid(off_w, g->stride_w, g->width, g->out_w, &w0, &w1);
                const float *row = cols + ((c * g->kernel_h + kh) * g->kernel_w + kw) * positions;
                for (long oh = h0; oh < h1; oh++) {
                    const long ih = oh * g->stride_h + kh * g->dilation_h - g->pad_h;
                    float *dst = xc + ih * g->width;  /* output column ow adds into dst[ow * stride + off_w] */
                    const float *src = row + oh * g->out_w;
                    if (g->stride_w == 1) {
                        for (long ow = w0; ow < w1; ow++) dst[ow + off_w] += src[ow];
                    } else {
                        const long s = g->stride_w;
                        for (long ow = w0; ow < w1; ow++) dst[ow * s + off_w] += src[ow];
                    }
                }
            }
        }
    }
}
