#include <cblas.h>
#include <immintrin.h>
#include "openblas_core.h"

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

/// `y ≥ x ? y : x` lane by lane (Swift's `max(x, y)`: a NaN `y` is passed over, and of two equal values `y` wins).
static inline __m128 kl_max_ordered(__m128 x, __m128 y) {
    __m128 take = _mm_cmpge_ps(y, x);
    return _mm_or_ps(_mm_and_ps(take, y), _mm_andnot_ps(take, x));
}

/// One output position of max or average pooling, channels-last: over the `count` taps at `offsets` from `input`
/// (window order, the padding left out), `output[c]` is the maximum (`kl_max_ordered` tap after tap from −∞) or the
/// sum (from 0, tap after tap) times `scale`. Sixteen channels at a time held in registers over the taps: the Swift
/// loop before stored and reloaded every sum once per tap (Sources/Runtime/Ops/Pooling.swift).
static inline void kl_pool_position(const float *input, const long *offsets, int count, long channels, int isMax,
                                    float scale, float *output) {
    const __m128 start = _mm_set1_ps(isMax ? -__builtin_inff() : 0.0f), factor = _mm_set1_ps(scale);
    const int scaled = !isMax && count > 0;
    long c = 0;
    for (; c + 16 <= channels; c += 16) {
        __m128 a = start, b = start, d = start, e = start;
        for (int t = 0; t < count; t++) {
            const float *p = input + offsets[t] + c;
            __m128 pa = _mm_loadu_ps(p), pb = _mm_loadu_ps(p + 4), pd = _mm_loadu_ps(p + 8), pe = _mm_loadu_ps(p + 12);
            if (isMax) {
                a = kl_max_ordered(a, pa); b = kl_max_ordered(b, pb); d = kl_max_ordered(d, pd); e = kl_max_ordered(e, pe);
            } else {
                a = _mm_add_ps(a, pa); b = _mm_add_ps(b, pb); d = _mm_add_ps(d, pd); e = _mm_add_ps(e, pe);
            }
        }
        if (scaled) { a = _mm_mul_ps(a, factor); b = _mm_mul_ps(b, factor); d = _mm_mul_ps(d, factor); e = _mm_mul_ps(e, factor); }
        _mm_storeu_ps(output + c, a); _mm_storeu_ps(output + c + 4, b);
        _mm_storeu_ps(output + c + 8, d); _mm_storeu_ps(output + c + 12, e);
    }
    for (; c + 4 <= channels; c += 4) {
        __m128 a = start;
        for (int t = 0; t < count; t++) {
            __m128 v = _mm_loadu_ps(input + offsets[t] + c);
            a = isMax ? kl_max_ordered(a, v) : _mm_add_ps(a, v);
        }
        _mm_storeu_ps(output + c, scaled ? _mm_mul_ps(a, factor) : a);
    }
    for (; c < channels; c++) {
        float a = isMax ? -__builtin_inff() : 0.0f;
        for (int t = 0; t < count; t++) {
            float v = input[offsets[t] + c];
            a = isMax ? (v >= a ? v : a) : a + v;
        }
        output[c] = scaled ? a * scale : a;
    }
}

/// A strided depthwise layer's input gradient at one input position: `target[c] += rows[t][c] · taps[t][c]` for the
/// `count` (output gradient row, kernel tap) pairs whose windows read it, in that order, each product rounded before
/// it is added, as the Swift loop before did; sixteen channels at a time held in registers over the pairs instead of
/// stored and reloaded per pair (Sources/Runtime/Ops/DepthwiseConvolution.swift).
static inline void kl_depthwise_gather(float *target, const float *const *rows, const float *const *taps, int count,
                                       long channels) {
    long c = 0;
    for (; c + 16 <= channels; c += 16) {
        __m128 a = _mm_loadu_ps(target + c), b = _mm_loadu_ps(target + c + 4);
        __m128 d = _mm_loadu_ps(target + c + 8), e = _mm_loadu_ps(target + c + 12);
        for (int t = 0; t < count; t++) {
            const float *r = rows[t] + c, *w = taps[t] + c;
            a = _mm_add_ps(a, _mm_mul_ps(_mm_loadu_ps(r), _mm_loadu_ps(w)));
            b = _mm_add_ps(b, _mm_mul_ps(_mm_loadu_ps(r + 4), _mm_loadu_ps(w + 4)));
            d = _mm_add_ps(d, _mm_mul_ps(_mm_loadu_ps(r + 8), _mm_loadu_ps(w + 8)));
            e = _mm_add_ps(e, _mm_mul_ps(_mm_loadu_ps(r + 12), _mm_loadu_ps(w + 12)));
        }
        _mm_storeu_ps(target + c, a); _mm_storeu_ps(target + c + 4, b);
        _mm_storeu_ps(target + c + 8, d); _mm_storeu_ps(target + c + 12, e);
    }
    for (; c + 4 <= channels; c += 4) {
        __m128 a = _mm_loadu_ps(target + c);
        for (int t = 0; t < count; t++) a = _mm_add_ps(a, _mm_mul_ps(_mm_loadu_ps(rows[t] + c), _mm_loadu_ps(taps[t] + c)));
        _mm_storeu_ps(target + c, a);
    }
    for (; c < channels; c++) {
        float a = target[c];
        for (int t = 0; t < count; t++) {
            float product = rows[t][c] * taps[t][c];
            a += product;
        }
        target[c] = a;
    }
}

/// Max pooling's backward pass at one output position: `gradient[c]` is added to `target[offsets[t] + c]` for the
/// first of the window's `count` taps whose `input[offsets[t] + c]` equals `best[c]` (the first maximum, as
/// TensorFlow picks). Four channels at a time, the claimed lanes masked off tap by tap, so no lane branches on its
/// data (Sources/Runtime/Ops/Pooling.swift).
static inline void kl_max_pool_backward(const float *input, float *target, const long *offsets, int count,
                                        const float *best, const float *gradient, long channels) {
    long c = 0;
    for (; c + 4 <= channels; c += 4) {
        __m128 b = _mm_loadu_ps(best + c), g = _mm_loadu_ps(gradient + c);
        __m128 open = _mm_castsi128_ps(_mm_set1_epi32(-1));
        for (int t = 0; t < count; t++) {
            __m128 hit = _mm_and_ps(_mm_cmpeq_ps(_mm_loadu_ps(input + offsets[t] + c), b), open);
            open = _mm_andnot_ps(hit, open);
            float *p = target + offsets[t] + c;
            __m128 v = _mm_loadu_ps(p);
            _mm_storeu_ps(p, _mm_or_ps(_mm_andnot_ps(hit, v), _mm_and_ps(hit, _mm_add_ps(v, g))));
        }
    }
    for (; c < channels; c++) {
        for (int t = 0; t < count; t++) {
            if (input[offsets[t] + c] == best[c]) {
                target[offsets[t] + c] += gradient[c];
                break;
            }
        }
    }
}

/// `target[c] += gradient[c] · scale` for `count` channels: average pooling's backward pass at one tap.
static inline void kl_add_scaled(float *target, const float *gradient, float scale, long count) {
    long c = 0;
    __m128 s = _mm_set1_ps(scale);
    for (; c + 4 <= count; c += 4)
        _mm_storeu_ps(target + c, _mm_add_ps(_mm_loadu_ps(target + c), _mm_mul_ps(_mm_loadu_ps(gradient + c), s)));
    for (; c < count; c++) target[c] += gradient[c] * scale;
}

// The convolution and pooling kernels and the vector sigmoid and tanh, written once against the macros of an
// instruction-set header and instantiated for each: kl_conv_run_avx512, kl_winograd_band_avx512,
// kl_depthwise_run_avx512, kl_pool_position_avx512, kl_sigmoid_avx512, kl_tanh_avx512 and the same names ending _avx2;
// activation_scalar.h computes the same functions one value at a time, operation for operation.
#include "activation_scalar.h"
#include "simd_avx512.h"
#include "activation_vector.h"
#include "conv_direct.h"
#include "conv_winograd.h"
#include "conv_depthwise.h"
#include "pool.h"
#include "simd_end.h"
#include "simd_avx2.h"
#include "activation_vector.h"
#include "conv_direct.h"
#include "conv_winograd.h"
#include "conv_depthwise.h"
#include "pool.h"
#include "simd_end.h"
