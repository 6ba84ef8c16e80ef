#include <cblas.h>
/* LAPACK routines (Fortran ABI) exported by libopenblas. Debian builds it with NO_LAPACKE, so we declare
   only the few we call. */
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
