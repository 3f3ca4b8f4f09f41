// Direct convolution with AVX-512, for the runtime's convolution kernel (Sources/Runtime/Ops/Convolution.swift).
//
// Why it exists: im2col + OpenBLAS sgemm spends ~40% of a convolution outside the multiply kernel (writing the
// im2col matrix, OpenBLAS re-packing it, zeroing and re-reading the output), and the GEMMs of small-channel
// convolutions are skinny. This kernel reads the (zero-padded) input in place: for a block of output positions it
// keeps `KL_BLOCK × 32` filter sums in registers and, tap by tap and channel by channel, adds one broadcast input
// value times a row of the kernel. Bias and ReLU are applied before the single store.
//
// It lives in a header because Swift cannot target AVX-512 per function: static inline C functions here are compiled
// by Swift's Clang importer into the Runtime module, and the `target` attribute enables AVX-512 for them alone.
// Callers check `kl_has_avx512()` first and use im2col + sgemm on other CPUs (and under valgrind, which reports no
// AVX-512).
#pragma once
#include <cpuid.h>
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

/// Whether the CPU and the OS support AVX-512F (CPUID leaf 7, and XCR0 saving the opmask and ZMM state).
static inline int kl_has_avx512(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 16))) return 0;  // AVX512F
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 0xE6) == 0xE6;  // SSE, AVX, opmask, ZMM0-15 upper halves, ZMM16-31
}

/// Output positions per register block: 8 × 2 accumulators of 16 filters leave registers for the kernel rows.
#define KL_BLOCK 8

// The block is unrolled by hand (X-macros over the positions) rather than left to loops over small arrays: Swift's
// Clang importer compiles imported inline functions for size, which does not unroll them or keep the arrays in
// registers.
#define KL_POSITIONS_8(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#define KL_POSITIONS_1(M) M(0)
#define KL_DECLARE(p) __m512 sum0_##p = bias0, sum1_##p = bias1;
#define KL_ACCUMULATE(p)                                                                                             \
    {                                                                                                                \
        __m512 v = _mm512_set1_ps(in[(ptrdiff_t)(p) * positionStride + c]);                                          \
        sum0_##p = _mm512_fmadd_ps(v, w0, sum0_##p);                                                                 \
        sum1_##p = _mm512_fmadd_ps(v, w1, sum1_##p);                                                                 \
    }
#define KL_STORE(p)                                                                                                  \
    {                                                                                                                \
        if (relu) { sum0_##p = _mm512_max_ps(sum0_##p, zero); sum1_##p = _mm512_max_ps(sum1_##p, zero); }          \
        float *o = output + (ptrdiff_t)(x + (p)) * filters + f0;                                                     \
        _mm512_mask_storeu_ps(o, mask0, sum0_##p);                                                                   \
        _mm512_mask_storeu_ps(o + 16, mask1, sum1_##p);                                                              \
    }

/// The sums of one block of positions (`POSITIONS` names the X-macro) for filters f0..<f0+32 (masked to the
/// filters that exist).
#define KL_CONV_BLOCK(POSITIONS)                                                                                     \
    do {                                                                                                             \
        POSITIONS(KL_DECLARE)                                                                                        \
        for (int32_t t = 0; t < tapCount; t++) {                                                                     \
            const float *in = input + (ptrdiff_t)x * positionStride + taps[t];                                       \
            const float *w = weights + (ptrdiff_t)t * channels * filters + f0;                                       \
            for (int32_t c = 0; c < channels; c++) {                                                                 \
                __m512 w0 = _mm512_maskz_loadu_ps(mask0, w + (ptrdiff_t)c * filters);                                \
                __m512 w1 = _mm512_maskz_loadu_ps(mask1, w + (ptrdiff_t)c * filters + 16);                           \
                POSITIONS(KL_ACCUMULATE)                                                                             \
            }                                                                                                        \
        }                                                                                                            \
        POSITIONS(KL_STORE)                                                                                          \
    } while (0)

/// One run of `positions` output positions (typically an output row), channels-last:
/// `output[x][f] = bias[f] + Σ_t Σ_c input[x·positionStride + taps[t] + c] · weights[t][c][f]`, then ReLU when
/// `relu`. `input` points at the run's first window origin in a zero-padded sample, `taps` holds each kernel tap's
/// offset from it, `weights` is Keras's kernel [taps][channels][filters]; `bias` may be NULL.
__attribute__((target("avx512f,fma")))
static inline void kl_conv_run_avx512(const float *input, const int32_t *taps, int32_t tapCount, int32_t channels,
                                      int32_t positionStride, const float *weights, const float *bias, int32_t filters,
                                      float *output, int32_t positions, int32_t relu) {
    const __m512 zero = _mm512_setzero_ps();
    for (int32_t f0 = 0; f0 < filters; f0 += 32) {
        int32_t left = filters - f0;
        __mmask16 mask0 = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __mmask16 mask1 = left >= 32 ? (__mmask16)0xFFFF : left <= 16 ? (__mmask16)0 : (__mmask16)((1u << (left - 16)) - 1);
        __m512 bias0 = bias ? _mm512_maskz_loadu_ps(mask0, bias + f0) : zero;
        __m512 bias1 = bias ? _mm512_maskz_loadu_ps(mask1, bias + f0 + 16) : zero;
        int32_t x = 0;
        for (; x + KL_BLOCK <= positions; x += KL_BLOCK) KL_CONV_BLOCK(KL_POSITIONS_8);
        for (; x < positions; x++) KL_CONV_BLOCK(KL_POSITIONS_1);
    }
}
