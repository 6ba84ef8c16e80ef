#pragma once

/* 1 when the CPU and the OS support the AVX-512 subset (F, DQ, BW, VL) that OpenBLAS's SkylakeX kernels use. */
int kit_cpu_has_avx512_gemm(void);
