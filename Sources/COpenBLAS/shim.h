#include <cblas.h>

// LAPACK routines OpenBLAS ships but Debian's libopenblas-dev installs no header for. Fortran calling convention:
// every argument by pointer, and each character argument's length passed last.
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info, size_t jobz_length, size_t uplo_length);
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
             double *s, const double *rcond, int *rank, double *work, const int *lwork, int *iwork, int *info);

/// x86's `pause`, for the runtime's spinning worker threads (Sources/Runtime/Support/WorkerPool.swift).
static inline void kl_spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

// The convolution kernels and the vector sigmoid and tanh, written once against the macros of an instruction-set
// header and instantiated for each: kl_conv_run_avx512, kl_winograd_band_avx512, kl_depthwise_run_avx512,
// kl_sigmoid_avx512, kl_tanh_avx512 and the same names ending _avx2; activation_scalar.h computes the same functions
// one value at a time, operation for operation.
#include "activation_scalar.h"
#include "simd_avx512.h"
#include "conv_direct.h"
#include "conv_winograd.h"
#include "conv_depthwise.h"
#include "activation_vector.h"
#include "simd_end.h"
#include "simd_avx2.h"
#include "conv_direct.h"
#include "conv_winograd.h"
#include "conv_depthwise.h"
#include "activation_vector.h"
#include "simd_end.h"
