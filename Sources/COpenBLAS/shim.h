#ifndef HPOLAB_OPENBLAS_SHIM_H
#define HPOLAB_OPENBLAS_SHIM_H
/* Debian's libopenblas-dev puts cblas.h under the multiarch include folder's
   openblas-pthread/ subfolder and ships no LAPACKE header; the LAPACK Fortran
   symbols are exported from libopenblas itself, so we declare the few we use. */
#if __has_include(<openblas-pthread/cblas.h>)
#include <openblas-pthread/cblas.h>
#elif __has_include(<x86_64-linux-gnu/openblas-pthread/cblas.h>)
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
#elif __has_include(<aarch64-linux-gnu/openblas-pthread/cblas.h>)
#include <aarch64-linux-gnu/openblas-pthread/cblas.h>
#else
#include <cblas.h>
#endif

/* Cholesky factorisation of a symmetric positive-definite matrix. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
/* Solve A X = B with A = U^T U or L L^T from dpotrf_. */
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
/* Triangular solve A X = B. */
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const double *a, const int *lda, double *b, const int *ldb, int *info);
/* Inverse from the Cholesky factor. */
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void openblas_set_num_threads(int num_threads);
#endif
