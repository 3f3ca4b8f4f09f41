#include <cblas.h>

// LAPACK routines OpenBLAS ships but Debian's libopenblas-dev installs no header for. Fortran calling convention:
// every argument by pointer, and each character argument's length passed last.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info, size_t jobz_length, size_t uplo_length);
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
             double *s, const double *rcond, int *rank, double *work, const int *lwork, int *iwork, int *info);
#include "conv_avx512.h"
#include "winograd_avx512.h"
