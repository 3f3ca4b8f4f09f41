#include <cblas.h>
#include <immintrin.h>

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

/// `g ← g` where `0 < y < top`, else 0: a rectifier's derivative read off its output, applied to a gradient
/// (Sources/Runtime/Activations/OutputMask.swift). Compares and a mask, four values at a time: the signs of
/// activations are as good as random, and a branch per value mispredicts on every other one. NaN outputs zero
/// the gradient.
static inline void kl_mask_gradient(float *g, const float *y, float top, long count) {
    long i = 0;
    __m128 zero = _mm_setzero_ps(), high = _mm_set1_ps(top);
    for (; i + 4 <= count; i += 4) {
        __m128 v = _mm_loadu_ps(y + i);
        __m128 keep = _mm_and_ps(_mm_cmpgt_ps(v, zero), _mm_cmplt_ps(v, high));
        _mm_storeu_ps(g + i, _mm_and_ps(keep, _mm_loadu_ps(g + i)));
    }
    for (; i < count; i++) g[i] = (y[i] > 0.0f && y[i] < top) ? g[i] : 0.0f;
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
