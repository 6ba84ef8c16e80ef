#pragma once

/* Row-major C = op(A)·op(B) + beta·C with AVX-512 (call only when kit_cpu_has_avx512_gemm() says so).
   op(A) is m×k, op(B) is k×n; ta/tb non-zero mean A/B are stored transposed. Each element of C sums its k
   products in the same order whatever m, n and the pointers are, so cutting C into blocks never changes it.
   When beta is 0, C is only written (it may hold garbage, NaN included). */
void kit_sgemm(int ta, int tb, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
               float beta, float *c, long ldc);
