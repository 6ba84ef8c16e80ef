#include "normalization.h"
#include "kexp.h"
#include <math.h>
#include <stdlib.h>

/* Sums run in eight fixed Double lanes (element i in lane i mod 8, the lanes added in order, then the tail), so
   clang vectorizes them and the result depends on the block alone. */
enum { LANES = 8 };

static double lane_sum(const double *lanes) {
    double s = 0;
    for (int l = 0; l < LANES; l++) s += lanes[l];
    return s;
}

static double block_sum(const float *x, long n) {
    double lanes[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) lanes[l] += (double)x[i + l];
    double s = lane_sum(lanes);
    for (; i < n; i++) s += (double)x[i];
    return s;
}

static double block_squared_deviation(const float *x, long n, double mu) {
    double lanes[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) { double d = (double)x[i + l] - mu; lanes[l] += d * d; }
    double s = lane_sum(lanes);
    for (; i < n; i++) { double d = (double)x[i] - mu; s += d * d; }
    return s;
}

void kit_group_norm_forward(const float *x, float *y, long channels, long spatial, const float *gamma,
                            const float *beta, float epsilon, int silu_after, float *mean, float *rstd) {
    long n = channels * spatial;
    double mu = block_sum(x, n) / (double)n;
    double var = block_squared_deviation(x, n, mu) / (double)n;
    float m = (float)mu, r = (float)(1.0 / sqrt(var + (double)epsilon));
    *mean = m;
    *rstd = r;
    for (long k = 0; k < channels; k++) {
        float scale = r * (gamma ? gamma[k] : 1.0f), shift = (beta ? beta[k] : 0.0f) - m * scale;
        const float *xc = x + k * spatial;
        float *yc = y + k * spatial;
        if (silu_after)
            for (long s = 0; s < spatial; s++) yc[s] = ksilu(xc[s] * scale + shift);
        else
            for (long s = 0; s < spatial; s++) yc[s] = xc[s] * scale + shift;
    }
}

/* dy·σ'(pre-activation) for one channel: SiLU's gradient taken back to the affine output, elementwise so that
   clang vectorizes it (kexp is branch-free). */
static void silu_gradient(const float *xc, const float *gc, float *out, long spatial, float mean, float rstd,
                          float gam, float bet) {
    for (long s = 0; s < spatial; s++) out[s] = ksilu_gradient(gc[s], (xc[s] - mean) * rstd * gam + bet);
}

/* Σ dy and Σ dy·x̂ over one channel, in the fixed lanes. */
static void channel_sums(const float *xc, const float *gc, long spatial, float mean, float rstd, double *tg,
                         double *tgx) {
    double sg[LANES] = {0}, sgx[LANES] = {0};
    long s = 0;
    for (; s + LANES <= spatial; s += LANES)
        for (int l = 0; l < LANES; l++) {
            float xhat = (xc[s + l] - mean) * rstd;
            sg[l] += (double)gc[s + l];
            sgx[l] += (double)(gc[s + l] * xhat);
        }
    double a = lane_sum(sg), b = lane_sum(sgx);
    for (; s < spatial; s++) {
        float xhat = (xc[s] - mean) * rstd;
        a += (double)gc[s];
        b += (double)(gc[s] * xhat);
    }
    *tg = a;
    *tgx = b;
}

void kit_group_norm_backward(const float *x, const float *g, float *dx, long channels, long spatial,
                             const float *gamma, const float *beta, float mean, float rstd, int silu_after,
                             double *dbeta, double *dgamma) {
    long n = channels * spatial;
    /* With SiLU, the gradient at the affine output is kept in dx for the second pass (a scratch channel when
       only γ and β need gradients). */
    float *scratch = silu_after && !dx ? malloc((size_t)spatial * sizeof(float)) : NULL;
    double sum_d = 0, sum_dx = 0;
    for (long k = 0; k < channels; k++) {
        float gam = gamma ? gamma[k] : 1.0f, bet = beta ? beta[k] : 0.0f;
        const float *xc = x + k * spatial, *gc = g + k * spatial;
        if (silu_after) {
            float *pre = dx ? dx + k * spatial : scratch;
            silu_gradient(xc, gc, pre, spatial, mean, rstd, gam, bet);
            gc = pre;
        }
        double tg, tgx;
        channel_sums(xc, gc, spatial, mean, rstd, &tg, &tgx);
        dbeta[k] = tg;
        dgamma[k] = tgx;
        sum_d += tg * (double)gam;
        sum_dx += tgx * (double)gam;
    }
    free(scratch);
    if (!dx) return;
    float mean_d = (float)(sum_d / (double)n), mean_dx = (float)(sum_dx / (double)n);
    for (long k = 0; k < channels; k++) {
        float gam = gamma ? gamma[k] : 1.0f;
        const float *xc = x + k * spatial, *gc = silu_after ? dx + k * spatial : g + k * spatial;
        float *dc = dx + k * spatial;
        for (long s = 0; s < spatial; s++) {
            float xhat = (xc[s] - mean) * rstd;
            dc[s] = rstd * (gc[s] * gam - mean_d - xhat * mean_dx);
        }
    }
}
