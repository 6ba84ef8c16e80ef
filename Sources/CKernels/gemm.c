#include "gemm.h"
#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>

/* A packed GEMM in the manner of Goto and van de Geijn, written for this kit because Debian's OpenBLAS 0.3.21
   runs its AVX2 kernels on this machine (the environment pins OPENBLAS_CORETYPE=Haswell: that build misreads
   newer CPUs). With 512-bit FMAs the same loops run 1.5–1.9× faster on the convolution and MLP shapes
   (BENCHMARKS.md).

   Blocking: B is packed KC×NC at a time into panels NR columns wide, A MC×KC into panels MR rows tall; the
   micro-kernel keeps an MR×NR block of C in 24 zmm registers and walks k, broadcasting A and loading B. A KC×NR
   panel of B (32–48 KB) stays in L1 while the A panels (MC·KC·4 = 144 KB) stream from L2.

   Two register tiles, 12×32 and 8×48; each product takes the one that pads C the least (64 output channels fit
   8×48 exactly, and the 64×1,024 forward product of a 3×3 convolution ran 137 → 177 GFLOP/s with it; an 8×8
   image's 64 positions fit 12×32). Both sum every element's k products in the same order (one FMA chain per KC
   block, blocks added in order), so the choice never changes a result. */
enum { KC = 256, MC = 144, NC = 1056 };

struct tile { int mr, nr; };
static const struct tile tall = {12, 32}, wide = {8, 48};

#define MICRO_KERNEL(NAME, MR, NV)                                                                              \
    __attribute__((target("avx512f"))) static void NAME(long kc, const float *restrict pa,                      \
                                                        const float *restrict pb, float *c, long ldc,           \
                                                        int accumulate, long mr, long nr) {                     \
        __m512 acc[MR][NV];                                                                                      \
        for (int i = 0; i < MR; i++)                                                                             \
            for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();                                        \
        for (long p = 0; p < kc; p++) {                                                                          \
            __m512 b[NV];                                                                                        \
            for (int v = 0; v < NV; v++) b[v] = _mm512_load_ps(pb + 16 * v);                                    \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {                                    \
                __m512 ai = _mm512_set1_ps(pa[i]);                                                               \
                for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(ai, b[v], acc[i][v]);                   \
            }                                                                                                    \
            pa += MR;                                                                                            \
            pb += 16 * NV;                                                                                       \
        }                                                                                                        \
        if (mr == MR && nr == 16 * NV) {                                                                         \
            for (int i = 0; i < MR; i++)                                                                         \
                for (int v = 0; v < NV; v++) {                                                                   \
                    float *ci = c + i * ldc + 16 * v;                                                            \
                    if (accumulate) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(ci));                   \
                    _mm512_storeu_ps(ci, acc[i][v]);                                                             \
                }                                                                                                \
            return;                                                                                              \
        }                                                                                                        \
        float tile[MR][16 * NV] __attribute__((aligned(64)));                                                    \
        for (int i = 0; i < MR; i++)                                                                             \
            for (int v = 0; v < NV; v++) _mm512_store_ps(tile[i] + 16 * v, acc[i][v]);                          \
        for (long i = 0; i < mr; i++)                                                                            \
            for (long j = 0; j < nr; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i][j] : tile[i][j]; \
    }

MICRO_KERNEL(kernel_12x32, 12, 2)
MICRO_KERNEL(kernel_8x48, 8, 3)

/* Transposes eight rows of eight floats in registers: afterwards r[q] holds what was column q. */
static inline void transpose8(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        s[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
    }
}

/* Writes lines [0, lines) of a strided source (line l starts at src + l·stride and runs contiguously over kc
   floats) across a packed panel: dst[p·width + l] = line l's element p, zero for lines in [lines, group).
   Eight lines and eight elements at a time go through a register transpose; `group` is 8 or 4. */
static void scatter_lines(const float *src, long stride, long lines, long kc, float *dst, long width, int group) {
    long p = 0;
    __m256 r[8];
    for (; p + 8 <= kc; p += 8) {
        for (int l = 0; l < 8; l++) r[l] = l < lines && l < group ? _mm256_loadu_ps(src + l * stride + p) : _mm256_setzero_ps();
        transpose8(r);
        for (int q = 0; q < 8; q++) {
            if (group == 8) _mm256_storeu_ps(dst + (p + q) * width, r[q]);
            else _mm_storeu_ps(dst + (p + q) * width, _mm256_castps256_ps128(r[q]));
        }
    }
    for (; p < kc; p++)
        for (int l = 0; l < group; l++) dst[p * width + l] = l < lines ? src[l * stride + p] : 0;
}

/* Packs rows [0, mc) × columns [0, kc) of A (element (i, p) at a[i·rs + p·cs]) into MR-row panels, p-major
   within a panel, zero-filling the last panel's missing rows. */
static void pack_a(long mc, long kc, const float *a, long rs, long cs, int MR, float *pa) {
    for (long i0 = 0; i0 < mc; i0 += MR, pa += kc * MR) {
        long mr = mc - i0 < MR ? mc - i0 : MR;
        if (rs == 1) {
            for (long p = 0; p < kc; p++) {
                const float *column = a + p * cs + i0;
                for (long i = 0; i < MR; i++) pa[p * MR + i] = i < mr ? column[i] : 0;
            }
        } else {
            for (int i = 0; i < MR; i += 8)
                scatter_lines(a + (i0 + i) * rs, rs, mr - i, kc, pa + i, MR, MR - i < 8 ? MR - i : 8);
        }
    }
}

/* Packs rows [0, kc) × columns [0, nc) of B (element (p, j) at b[p·rs + j·cs]) into NR-column panels. */
static void pack_b(long kc, long nc, const float *b, long rs, long cs, int NR, float *pb) {
    for (long j0 = 0; j0 < nc; j0 += NR, pb += kc * NR) {
        long nr = nc - j0 < NR ? nc - j0 : NR;
        if (cs == 1) {
            for (long p = 0; p < kc; p++) {
                const float *row = b + p * rs + j0;
                for (long j = 0; j < NR; j++) pb[p * NR + j] = j < nr ? row[j] : 0;
            }
        } else {
            for (long j = 0; j < NR; j += 8)
                scatter_lines(b + (j0 + j) * cs, cs, nr - j, kc, pb + j, NR, 8);
        }
    }
}

/* The tile that pads an m×n product the least (12×32 on a tie). */
static struct tile choose_tile(long m, long n) {
    long padded_tall = (m + 11) / 12 * 12 * ((n + 31) / 32 * 32);
    long padded_wide = (m + 7) / 8 * 8 * ((n + 47) / 48 * 48);
    return padded_wide < padded_tall ? wide : tall;
}

/* Per-thread packing buffers, allocated on a thread's first GEMM and freed when the thread ends (the kit's
   worker threads come and go with the dispatch pool). */
struct buffers { float *a, *b; };
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
    struct buffers *bufs = p;
    free(bufs->a);
    free(bufs->b);
    free(bufs);
}

static void make_key(void) {
    if (pthread_key_create(&buffers_key, free_buffers) != 0) abort();
}

static struct buffers *thread_buffers(void) {
    pthread_once(&buffers_once, make_key);
    struct buffers *bufs = pthread_getspecific(buffers_key);
    if (!bufs) {
        bufs = malloc(sizeof *bufs);
        if (!bufs) abort();
        bufs->a = aligned_alloc(64, sizeof(float) * MC * KC);
        bufs->b = aligned_alloc(64, sizeof(float) * KC * NC);
        if (!bufs->a || !bufs->b || pthread_setspecific(buffers_key, bufs) != 0) abort();
    }
    return bufs;
}

void kit_sgemm(int ta, int tb, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
               float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || (beta != 0 && beta != 1)) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        if (k <= 0) return;
        beta = 1;
    }
    struct buffers *bufs = thread_buffers();
    float *packed_a = bufs->a, *packed_b = bufs->b;
    long ars = ta ? 1 : lda, acs = ta ? lda : 1;
    long brs = tb ? 1 : ldb, bcs = tb ? ldb : 1;
    struct tile t = choose_tile(m, n);
    void (*kernel)(long, const float *, const float *, float *, long, int, long, long) =
        t.mr == 12 ? kernel_12x32 : kernel_8x48;
    for (long jc = 0; jc < n; jc += NC) {
        long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            long kc = k - pc < KC ? k - pc : KC;
            int accumulate = pc > 0 || beta != 0;
            pack_b(kc, nc, b + pc * brs + jc * bcs, brs, bcs, t.nr, packed_b);
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                pack_a(mc, kc, a + ic * ars + pc * acs, ars, acs, t.mr, packed_a);
                for (long jr = 0; jr < nc; jr += t.nr) {
                    long nr = nc - jr < t.nr ? nc - jr : t.nr;
                    for (long ir = 0; ir < mc; ir += t.mr) {
                        long mr = mc - ir < t.mr ? mc - ir : t.mr;
                        kernel(kc, packed_a + ir * kc, packed_b + jr * kc,
                                     c + (ic + ir) * ldc + jc + jr, ldc, accumulate, mr, nr);
                    }
                }
            }
        }
    }
}
