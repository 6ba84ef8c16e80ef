#include <cblas.h>
/* LAPACK routines (Fortran ABI) exported by libopenblas. Debian builds it with NO_LAPACKE, so we declare
   only the few we call. */
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void strtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const float *a, const int *lda, float *b, const int *ldb, int *info);
