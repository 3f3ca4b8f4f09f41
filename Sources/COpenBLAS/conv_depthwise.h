// Depthwise convolution with one filter per channel (multiplier 1), for the runtime's depthwise kernel
// (Sources/Runtime/Ops/DepthwiseConvolution.swift). Included once per instruction set by shim.h, between
// simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: MobileNet's and Xception's depthwise layers do a few multiply-adds per value they read, so the
// scalar loop (one channel at a time, a closure per window tap) left them the slowest layers of those models. Here
// one vector holds a run of channels: for a block of 4 output positions, tap by tap, a vector of input times the
// tap's vector of weights; the 4 sums are independent, so the FMA latency is hidden. Bias and ReLU (or the output's
// previous values, for a backward pass) are applied before the single store. The input is a zero-padded band (as for conv_direct.h): no border cases.
#include <stddef.h>
#include <stdint.h>
#include "simd_blocks.h"

#define KL_DEPTHWISE_DECLARE(p) kl_vec sum_##p = b;
#define KL_DEPTHWISE_TAP(p) sum_##p = KL_FMADD(KL_LOAD_LEFT(in + (ptrdiff_t)(p) * positionStride + tap, left), w, sum_##p);
#define KL_DEPTHWISE_STORE(p)                                                                                        \
    {                                                                                                                \
        float *o = output + (ptrdiff_t)(x + (p)) * channels + c0;                                                    \
        if (store == KL_STORE_RELU) sum_##p = KL_MAX(sum_##p, zero);                                                 \
        if (store == KL_STORE_RELU6) sum_##p = KL_MIN(KL_MAX(sum_##p, zero), six);                                   \
        if (store == KL_STORE_ADDING) sum_##p = KL_ADD(sum_##p, KL_LOAD_LEFT(o, left));                              \
        KL_STORE_LEFT(o, left, sum_##p);                                                                             \
    }
/// The sums of one block of positions (`POSITIONS` names the X-macro) for channels c0..<c0 + KL_LANES.
#define KL_DEPTHWISE_BLOCK(POSITIONS)                                                                                \
    do {                                                                                                             \
        POSITIONS(KL_DEPTHWISE_DECLARE)                                                                              \
        const float *in = input + (ptrdiff_t)x * positionStride + c0;                                                \
        for (int32_t t = 0; t < tapCount; t++) {                                                                     \
            const kl_vec w = KL_LOAD_LEFT(weights + (ptrdiff_t)t * channels + c0, left);                             \
            const ptrdiff_t tap = taps[t];                                                                           \
            POSITIONS(KL_DEPTHWISE_TAP)                                                                              \
        }                                                                                                            \
        POSITIONS(KL_DEPTHWISE_STORE)                                                                                \
    } while (0)

/// One run of `positions` output positions, channels-last:
/// `output[x][c] = bias[c] + Σ_t input[x·positionStride + taps[t] + c] · weights[t][c]`, stored as `store` says
/// (see conv_direct.h).
/// `input` points at the run's first window origin in a zero-padded sample, `taps` holds each kernel tap's offset
/// from it, `weights` is Keras's depthwise kernel [taps][channels] (multiplier 1); `bias` may be NULL.
KL_TARGET
static inline void KL_NAME(kl_depthwise_run)(const float *input, const int32_t *taps, int32_t tapCount, int32_t channels,
                                             int32_t positionStride, const float *weights, const float *bias,
                                             float *output, int32_t positions, int32_t store) {
    const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);
    // Positions outside, channels inside: a block's windows are read as contiguous runs of channels while the
    // taps' weights stay in L1, instead of every channel vector walking the whole band.
    int32_t x = 0;
    for (; x + 4 <= positions; x += 4) {
        for (int32_t c0 = 0; c0 < channels; c0 += KL_LANES) {
            const int32_t left = channels - c0;
            const kl_vec b = bias ? KL_LOAD_LEFT(bias + c0, left) : zero;
            KL_DEPTHWISE_BLOCK(KL_POSITIONS_4);
        }
    }
    for (; x < positions; x++) {
        for (int32_t c0 = 0; c0 < channels; c0 += KL_LANES) {
            const int32_t left = channels - c0;
            const kl_vec b = bias ? KL_LOAD_LEFT(bias + c0, left) : zero;
            KL_DEPTHWISE_BLOCK(KL_POSITIONS_1);
        }
    }
}
