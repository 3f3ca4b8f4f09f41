#include <cblas.h>
#include <immintrin.h>
#include <stdint.h>
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

/// Asks for the `channels` floats at each of the `count` taps (`offsets` from `input`) to be brought into L1: called
/// with the window of a position a few ahead, so that pooling, which does a few comparisons or additions per value
/// loaded, has its next windows on the way from memory instead of waiting on each (InceptionV3's first max pool at a
/// batch of 32 took 3 × onnxruntime's time; a C harness ran it 2 × faster with this). A prefetch never faults, so
/// addresses past the end of the input are harmless.
static inline void kl_prefetch_taps(const float *input, const long *offsets, int count, long channels) {
    for (int t = 0; t < count; t++) {
        const char *line = (const char *)(input + offsets[t]), *end = line + channels * (long)sizeof(float);
        for (; line < end; line += 64) _mm_prefetch(line, _MM_HINT_T0);
    }
}

/// One output position of max or average pooling, channels-last: over the `count` taps at `offsets` from `input`
/// (window order, the padding left out), `output[c]` is the maximum (`kl_max_ordered` tap after tap from −∞) or the
/// sum (from 0, tap after tap) times `scale`. Sixteen channels at a time held in registers over the taps: the Swift
/// loop before stored and reloaded every sum once per tap (Sources/Runtime/Ops/Pooling.swift). The same taps
/// `ahead` floats on (a later position's window) are prefetched.
static inline void kl_pool_position(const float *input, const long *offsets, int count, long channels, int isMax,
                                    float scale, float *output, long ahead) {
    kl_prefetch_taps(input + ahead, offsets, count, channels);
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

/// A pooling layer's geometry, for the backward pass's C kernels (Sources/Runtime/Ops/Pooling.swift).
typedef struct {
    int32_t inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, padTop, padLeft;
} kl_pool_geometry;

/// The output positions `*first`...`*last` along one axis whose windows cover input index `i` (none when first >
/// last).
static inline void kl_pool_cover(int32_t i, int32_t pad, int32_t kernel, int32_t stride, int32_t outSize, int32_t *first,
                                 int32_t *last) {
    const int32_t reach = i + pad, low = reach - kernel + 1;
    *first = low > 0 ? (low + stride - 1) / stride : 0;
    *last = reach / stride < outSize - 1 ? reach / stride : outSize - 1;
}

/// 1 / the number of input positions window (oy, ox) covers, as the forward pass divides an average by it.
static inline float kl_pool_scale(const kl_pool_geometry *g, int32_t oy, int32_t ox) {
    const int32_t top = oy * g->strideHeight - g->padTop, left = ox * g->strideWidth - g->padLeft;
    const int32_t rows = (top + g->kernelHeight < g->inHeight ? top + g->kernelHeight : g->inHeight) - (top > 0 ? top : 0);
    const int32_t columns = (left + g->kernelWidth < g->inWidth ? left + g->kernelWidth : g->inWidth) - (left > 0 ? left : 0);
    return 1.0f / (float)(rows * columns);
}

/// Max pooling's choice at one output position, per channel: the number (in window order, as a float) of the
/// first of the `count` taps (`offsets` from `input`, numbered `taps`) whose value equals the output `best[c]` —
/// where TensorFlow sends the gradient — or −1 when none does (a NaN maximum). One value at a time: the kernel for
/// CPUs without AVX2, and the definition the vector versions in pool.h follow.
static inline void kl_pool_winners(const float *input, const long *offsets, const int32_t *taps, int count, long channels,
                                   const float *best, float *winners) {
    for (long c = 0; c < channels; c++) {
        float winner = -1.0f;
        for (int t = count - 1; t >= 0; t--)
            if (input[offsets[t] + c] == best[c]) winner = (float)taps[t];
        winners[c] = winner;
    }
}

/// Pooling's backward pass for input row `iy` of one sample (`gradient`, `winners`, `target` at the sample's start):
/// each input value's gradient is the sum, from 0 over the windows that cover it in output position order, of the
/// window's gradient where `winners` (max pooling) names this value's tap, or of the gradient times
/// `kl_pool_scale` (average pooling, `winners` NULL); stored into `target`, or added to what it holds. Gathered
/// rather than scattered from the windows, each value is written once and rows are independent. One value at a
/// time, like `kl_pool_winners` (`scratch`, for the vector versions' sums, is not used).
static inline void kl_pool_backward_row(const float *gradient, const float *winners, const kl_pool_geometry *g, int32_t iy,
                                        long channels, float *target, int adding, float *scratch) {
    (void)scratch;
    int32_t oy0, oy1;
    kl_pool_cover(iy, g->padTop, g->kernelHeight, g->strideHeight, g->outHeight, &oy0, &oy1);
    for (int32_t ix = 0; ix < g->inWidth; ix++) {
        int32_t ox0, ox1;
        kl_pool_cover(ix, g->padLeft, g->kernelWidth, g->strideWidth, g->outWidth, &ox0, &ox1);
        float *out = target + ((long)iy * g->inWidth + ix) * channels;
        for (long c = 0; c < channels; c++) {
            float sum = 0.0f;
            for (int32_t oy = oy0; oy <= oy1; oy++) {
                for (int32_t ox = ox0; ox <= ox1; ox++) {
                    const long o = ((long)oy * g->outWidth + ox) * channels + c;
                    const float tap = (float)((iy + g->padTop - oy * g->strideHeight) * g->kernelWidth + ix + g->padLeft - ox * g->strideWidth);
                    if (!winners) sum += gradient[o] * kl_pool_scale(g, oy, ox);
                    else if (winners[o] == tap) sum += gradient[o];
                }
            }
            out[c] = adding ? out[c] + sum : sum;
        }
    }
}

/// A convolution's geometry, for the input-gradient kernel of conv_gather.h (Sources/Runtime/Ops/GatheredAdjoint.swift).
typedef struct {
    int32_t inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight,
        dilationWidth, padTop, padLeft, channels, filters;
} kl_conv_geometry;

/// The tallest kernel conv_gather.h takes: it lists the kernel rows that reach an input row on the stack.
enum { KL_GATHER_MOST_SIDE = 64 };

/// The windows that read input index `i` along one axis: kernel index `k` from `*k0` by `kStep` and output index `o`
/// from `*o0` by −`oStep` (while 0 ≤ o < the output's size). Keras allows a stride or a dilation above 1, never both:
/// with stride s (dilation 1) the kernel indices of one residue mod s, each one output apart; with dilation d (stride
/// 1) every kernel index, d outputs apart.
static inline void kl_gather_axis(int32_t i, int32_t pad, int32_t stride, int32_t dilation, int32_t *k0, int32_t *kStep,
                                  int32_t *o0, int32_t *oStep) {
    const int32_t reach = i + pad;
    *k0 = reach % stride;
    *kStep = stride;
    *o0 = reach / stride;
    *oStep = stride == 1 ? dilation : 1;
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
#include "conv_gather.h"
#include "dense_dots.h"
#include "simd_end.h"
#include "simd_avx2.h"
#include "activation_vector.h"
#include "conv_direct.h"
#include "conv_winograd.h"
#include "conv_depthwise.h"
#include "pool.h"
#include "conv_gather.h"
#include "dense_dots.h"
#include "simd_end.h"
