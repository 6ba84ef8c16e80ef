#include "kernels.h"
#include "kexp.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

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
    for (size_t i = 0; i < n; i++) y[i] = ksilu(x[i]);
}

void kit_silu_backward(const float *x, const float *g, float *dx, size_t n) {
    for (size_t i = 0; i < n; i++) dx[i] = ksilu_gradient(g[i], x[i]);
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

/* im2col / col2im for one image over channels [c0, c1): patches [C*KH*KW, OH*OW] <-> image [C, H, W], the patch
   rows ld floats apart (OH*OW for one image alone; more when several images' patches sit side by side).
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

/* The output rows [lo[k], hi[k]) and columns whose window tap k lands inside the image, per tap: the same for
   every channel, so worked out once per call (the divisions cost more than the copies on 4×4 and 8×8 maps). */
static void kit_taps(const struct kit_conv_geometry *g, long *h0, long *h1, long *w0, long *w1) {
    for (long kh = 0; kh < g->kernel_h; kh++)
        kit_valid(kh * g->dilation_h - g->pad_h, g->stride_h, g->height, g->out_h, &h0[kh], &h1[kh]);
    for (long kw = 0; kw < g->kernel_w; kw++)
        kit_valid(kw * g->dilation_w - g->pad_w, g->stride_w, g->width, g->out_w, &w0[kw], &w1[kw]);
}

/* One tap's row of patches when the output grid has the image's width and stride 1: then output position i reads
   image[i + shift] for every valid position, so the valid rows are one copy of a contiguous range, and only the
   columns that wrapped around an edge are zeroed after it (row copies of 32 floats cost more in calls than in
   bytes). */
static void im2col_shifted_plane(const float *restrict xc, float *restrict row, long width, long count, long h0,
                                 long h1, long lo, long hi, long shift) {
    if (h1 <= h0 || hi <= lo) {
        memset(row, 0, (size_t)count * sizeof(float));
        return;
    }
    const long first = h0 * width + lo, last = (h1 - 1) * width + hi;
    memset(row, 0, (size_t)first * sizeof(float));
    memcpy(row + first, xc + first + shift, (size_t)(last - first) * sizeof(float));
    memset(row + last, 0, (size_t)(count - last) * sizeof(float));
    if (lo == 0 && hi == width) return;
    for (long oh = h0; oh < h1; oh++) {
        float *dst = row + oh * width;
        for (long ow = 0; ow < lo; ow++) dst[ow] = 0.0f;
        for (long ow = hi; ow < width; ow++) dst[ow] = 0.0f;
    }
}

void kit_im2col(const float *restrict image, float *restrict cols, long ld, const struct kit_conv_geometry *g,
                long c0, long c1) {
    const long plane = g->height * g->width, ow_n = g->out_w, s = g->stride_w;
    const int flat = s == 1 && g->stride_h == 1 && ow_n == g->width;
    long h0[g->kernel_h], h1[g->kernel_h], w0[g->kernel_w], w1[g->kernel_w];
    kit_taps(g, h0, h1, w0, w1);
    for (long c = c0; c < c1; c++) {
        const float *xc = image + c * plane;
        for (long kh = 0; kh < g->kernel_h; kh++) {
            for (long kw = 0; kw < g->kernel_w; kw++) {
                const long off_w = kw * g->dilation_w - g->pad_w, lo = w0[kw], hi = w1[kw];
                float *row = cols + ((c * g->kernel_h + kh) * g->kernel_w + kw) * ld;
                if (flat) {
                    im2col_shifted_plane(xc, row, ow_n, g->out_h * ow_n, h0[kh], h1[kh], lo, hi,
                                         (kh * g->dilation_h - g->pad_h) * g->width + off_w);
                    continue;
                }
                for (long i = 0; i < h0[kh] * ow_n; i++) row[i] = 0.0f;
                for (long oh = h0[kh]; oh < h1[kh]; oh++) {
                    const long ih = oh * g->stride_h + kh * g->dilation_h - g->pad_h;
                    const float *src = xc + ih * g->width;  /* output column ow reads src[ow * stride + off_w] */
                    float *dst = row + oh * ow_n;
                    for (long ow = 0; ow < lo; ow++) dst[ow] = 0.0f;
                    if (s == 1) {
                        for (long ow = lo; ow < hi; ow++) dst[ow] = src[ow + off_w];
                    } else {
                        for (long ow = lo; ow < hi; ow++) dst[ow] = src[ow * s + off_w];
                    }
                    for (long ow = hi; ow < ow_n; ow++) dst[ow] = 0.0f;
                }
                for (long i = h1[kh] * ow_n; i < g->out_h * ow_n; i++) row[i] = 0.0f;
            }
        }
    }
}

void kit_col2im(const float *restrict cols, float *restrict image, long ld, const struct kit_conv_geometry *g,
                long c0, long c1) {
    const long plane = g->height * g->width, ow_n = g->out_w, s = g->stride_w;
    long h0[g->kernel_h], h1[g->kernel_h], w0[g->kernel_w], w1[g->kernel_w];
    kit_taps(g, h0, h1, w0, w1);
    for (long c = c0; c < c1; c++) {
        float *xc = image + c * plane;
        for (long kh = 0; kh < g->kernel_h; kh++) {
            for (long kw = 0; kw < g->kernel_w; kw++) {
                const long off_w = kw * g->dilation_w - g->pad_w, lo = w0[kw], hi = w1[kw];
                const float *row = cols + ((c * g->kernel_h + kh) * g->kernel_w + kw) * ld;
                for (long oh = h0[kh]; oh < h1[kh]; oh++) {
                    const long ih = oh * g->stride_h + kh * g->dilation_h - g->pad_h;
                    float *dst = xc + ih * g->width;  /* output column ow adds into dst[ow * stride + off_w] */
                    const float *src = row + oh * ow_n;
                    if (s == 1) {
                        for (long ow = lo; ow < hi; ow++) dst[ow + off_w] += src[ow];
                    } else {
                        for (long ow = lo; ow < hi; ow++) dst[ow * s + off_w] += src[ow];
                    }
                }
            }
        }
    }
}

#include "recurrent.h"
#include <immintrin.h>

/* y[r][c .. c+8nv) = init[c ..] + sum_k x[r][k] m[k][c ..] for R rows: R x nv accumulators stay in registers
   while k runs, so each loaded row of m serves R rows. Every output sums over k in order from one start,
   so the tiling never changes a result. */
static inline __attribute__((always_inline)) void kit_tile(const int R, const int nv, const float *x, long ldx,
                                                           const float *m, long ldm, long kc, const float *init,
                                                           float *y, long ldy, long c) {
    __m256 acc[4][3];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = init ? _mm256_loadu_ps(init + c + 8 * v) : _mm256_setzero_ps();
    for (long k = 0; k < kc; k++) {
        __m256 w[3];
        for (int v = 0; v < nv; v++) w[v] = _mm256_loadu_ps(m + k * ldm + c + 8 * v);
        for (int r = 0; r < R; r++) {
            const __m256 xb = _mm256_broadcast_ss(x + r * ldx + k);
            for (int v = 0; v < nv; v++) acc[r][v] = _mm256_fmadd_ps(xb, w[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < nv; v++) _mm256_storeu_ps(y + r * ldy + c + 8 * v, acc[r][v]);
}

/* y [rows, ldm] = init + x [rows, kc] m [kc, ldm] for the small products of a recurrence (ldm a multiple of 8). */
static void kit_small_gemm(const float *x, long ldx, long rows, const float *m, long ldm, long kc,
                           const float *init, float *y, long ldy) {
    for (long c = 0; c < ldm; c += 24) {
        const long nv = (ldm - c) / 8 < 3 ? (ldm - c) / 8 : 3;
        long r = 0;
        for (; r + 4 <= rows; r += 4) {
            const float *xr = x + r * ldx;
            float *yr = y + r * ldy;
            if (nv == 3) kit_tile(4, 3, xr, ldx, m, ldm, kc, init, yr, ldy, c);
            else if (nv == 2) kit_tile(4, 2, xr, ldx, m, ldm, kc, init, yr, ldy, c);
            else kit_tile(4, 1, xr, ldx, m, ldm, kc, init, yr, ldy, c);
        }
        for (; r < rows; r++) {
            const float *xr = x + r * ldx;
            float *yr = y + r * ldy;
            if (nv == 3) kit_tile(1, 3, xr, ldx, m, ldm, kc, init, yr, ldy, c);
            else if (nv == 2) kit_tile(1, 2, xr, ldx, m, ldm, kc, init, yr, ldy, c);
            else kit_tile(1, 1, xr, ldx, m, ldm, kc, init, yr, ldy, c);
        }
    }
}

/* One step of one row: the gates from input projections a [3H] and recurrent projections g [3H], the new
   state o [H] from the previous one hp; saves (r, z, n) to s [3H] and g_n to gn [H]. */
static void kit_gru_gates(const float *restrict a, const float *restrict g, const float *restrict hp,
                          float *restrict s, float *restrict gn, float *restrict o, long h) {
    for (long j = 0; j < h; j++) {
        const float r = 1.0f / (1.0f + kexp(-(a[j] + g[j])));
        const float z = 1.0f / (1.0f + kexp(-(a[h + j] + g[h + j])));
        const float x = a[2 * h + j] + r * g[2 * h + j];
        const float e = kexp(-2.0f * fabsf(x));
        const float c = copysignf((1.0f - e) / (1.0f + e), x);
        s[j] = r; s[h + j] = z; s[2 * h + j] = c; gn[j] = g[2 * h + j];
        o[j] = c + z * (hp[j] - c);
    }
}

/* Its backward: from dy + carry, the gradient of the new state, writes the pre-activation gradients da [3H],
   the recurrent ones dr [3H] (n part scaled by r) and z ⊙ (dy + carry) to zd [H]. */
static void kit_gru_gates_backward(const float *restrict dy, const float *restrict carry, const float *restrict s,
                                   const float *restrict gn, const float *restrict hp, float *restrict da,
                                   float *restrict dr, float *restrict zd, long h) {
    for (long j = 0; j < h; j++) {
        const float dj = dy[j] + carry[j];
        const float r = s[j], z = s[h + j], c = s[2 * h + j];
        const float dan = dj * (1.0f - z) * (1.0f - c * c);
        const float dar = dan * gn[j] * r * (1.0f - r);
        const float daz = dj * (hp[j] - c) * z * (1.0f - z);
        da[j] = dar; da[h + j] = daz; da[2 * h + j] = dan;
        dr[j] = dar; dr[h + j] = daz; dr[2 * h + j] = dan * r;
        zd[j] = z * dj;
    }
}

enum { KIT_GRU_TILE = 16 };

/* A whole GRU layer over a sequence, rows [r0, r1) of the batch (each row's recurrence is independent, so
   splitting rows across threads never changes a result). Gate order r, z, n as PyTorch:
     g = h W_hh^T + b_hh,  r = s(a_r + g_r),  z = s(a_z + g_z),  n = tanh(a_n + r g_n),  h' = n + z (h - n).
   gates: [N, T, 3H] input projections; h0: [N, H]; wt: W_hh^T as [H, ldw] and bias: b_hh as [ldw], both
   zero-padded to ldw = 3H rounded up to a multiple of 8. Writes out [N, T, H] and, for the backward pass,
   act [N, T, 3H] = (r, z, n) and gn [N, T, H] = g_n. */
void kit_gru_forward(const float *restrict gates, const float *restrict h0, const float *restrict wt, long ldw,
                     const float *restrict bias, float *restrict out, float *restrict act, float *restrict gn,
                     long r0, long r1, long steps, long hidden) {
    const long h = hidden, h3 = 3 * hidden;
    float g[KIT_GRU_TILE * ldw];
    for (long b0 = r0; b0 < r1; b0 += KIT_GRU_TILE) {
        const long rows = r1 - b0 < KIT_GRU_TILE ? r1 - b0 : KIT_GRU_TILE;
        for (long t = 0; t < steps; t++) {
            const float *hp0 = t == 0 ? h0 + b0 * h : out + (b0 * steps + t - 1) * h;
            const long ldh = t == 0 ? h : steps * h;
            kit_small_gemm(hp0, ldh, rows, wt, ldw, h, bias, g, ldw);
            for (long i = 0; i < rows; i++) {
                const long at = (b0 + i) * steps + t;
                kit_gru_gates(gates + at * h3, g + i * ldw, hp0 + i * ldh, act + at * h3, gn + at * h, out + at * h, h);
            }
        }
    }
}

/* The backward pass of kit_gru_forward for rows [r0, r1), through time from the last step to the first.
   dout: [N, T, H] gradient of out; w: W_hh as [3H, ldw], zero-padded to ldw = H rounded up to a multiple of 8.
   Writes dgates [N, T, 3H] (pre-activation gradients: the input projections' gradient), drec [N, T, 3H] (the
   same with the n part scaled by r: the gradient of g, from which W_hh's and b_hh's follow) and dh0 [N, H]. */
void kit_gru_backward(const float *restrict dout, const float *restrict act, const float *restrict gn,
                      const float *restrict out, const float *restrict h0, const float *restrict w, long ldw,
                      float *restrict dgates, float *restrict drec, float *restrict dh0,
                      long r0, long r1, long steps, long hidden) {
    const long h = hidden, h3 = 3 * hidden;
    float carry[KIT_GRU_TILE * ldw], d[KIT_GRU_TILE * h];
    for (long b0 = r0; b0 < r1; b0 += KIT_GRU_TILE) {
        const long rows = r1 - b0 < KIT_GRU_TILE ? r1 - b0 : KIT_GRU_TILE;
        for (long j = 0; j < rows * ldw; j++) carry[j] = 0.0f;
        for (long t = steps - 1; t >= 0; t--) {
            for (long i = 0; i < rows; i++) {
                const long at = (b0 + i) * steps + t;
                kit_gru_gates_backward(dout + at * h, carry + i * ldw, act + at * h3, gn + at * h,
                                       t == 0 ? h0 + (b0 + i) * h : out + (at - 1) * h, dgates + at * h3,
                                       drec + at * h3, d + i * h, h);
            }
            /* carry = z d + drec W_hh, the gradient reaching the previous step's state. */
            kit_small_gemm(drec + (b0 * steps + t) * h3, steps * h3, rows, w, ldw, h3, NULL, carry, ldw);
            for (long i = 0; i < rows; i++)
                for (long j = 0; j < h; j++) carry[i * ldw + j] += d[i * h + j];
        }
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < h; j++) dh0[(b0 + i) * h + j] = carry[i * ldw + j];
    }
}
