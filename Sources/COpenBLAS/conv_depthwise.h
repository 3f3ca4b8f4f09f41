// Depthwise convolution with one filter per channel (multiplier 1), for the runtime's depthwise kernel
// (Sources/Runtime/Ops/DepthwiseConvolution.swift). Included once per instruction set by shim.h, between
// simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: MobileNet's and Xception's depthwise layers do a few multiply-adds per value they read, so the
// scalar loop (one channel at a time, a closure per window tap) left them the slowest layers of those models. Here
// one vector holds a run of channels: for a block of 4 output positions, tap by tap, a vector of input times the
// tap's vector of weights; the 4 sums are independent, so the FMA latency is hidden. Bias and ReLU (or the output's
// previous values, for a backward pass) are applied before the single store. `kl_depthwise_run` reads a zero-padded
// band (as conv_direct.h does); `kl_depthwise_rows` and `kl_depthwise_window` read the input rows in place, skipping
// the taps in the padding.
#include <stddef.h>
#include <stdint.h>
#include "simd_blocks.h"

#define KL_DEPTHWISE_DECLARE(p) kl_vec sum_##p = b;
#define KL_DEPTHWISE_TAP(p) sum_##p = KL_FMADD(KL_LOAD_LEFT(in + (ptrdiff_t)(p) * positionStride + tap, left), w, sum_##p);
#define KL_DEPTHWISE_STORE(p)                                                                                        \
    {                                                                                                                \
        float *o = output + (ptrdiff_t)(x + (p)) * channels + c0;                                                    \
        KL_FINISH_STORE(sum_##p, o, left)                                                                            \
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

/// `blocks` blocks of `P` output positions, `S` input columns apart, of an undilated layer whose windows are `KW`
/// columns wide:
/// `kl_depthwise_run`'s sums, added in the same order (bias, then taps row by row, left to right), so the same
/// bits. Each input vector, loaded once per kernel row, feeds every position of the block whose window holds it,
/// with the row's weights in registers: at stride 1 about half a load per multiply-add where `kl_depthwise_run` does
/// one and a quarter, which left the layers waiting on loads.
#define KL_DEPTHWISE_ROWS(KW, P, S)                                                                                     \
    KL_TARGET                                                                                                        \
    static inline void KL_NAME(kl_depthwise_rows##KW##_##P##_##S)(const float *const *rows, ptrdiff_t firstColumn,   \
                                                                  int32_t kernelHeight, int32_t channels,            \
                                                                  const float *weights, const float *bias,           \
                                                                  float *output, int32_t blocks, int32_t store) {    \
        const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);                                                          \
        for (int32_t block = 0; block < blocks; block++) {                                                           \
            const int32_t x = P * block;                                                                             \
            for (int32_t c0 = 0; c0 < channels; c0 += KL_LANES) {                                                    \
                const int32_t left = channels - c0;                                                                  \
                const kl_vec b = bias ? KL_LOAD_LEFT(bias + c0, left) : zero;                                        \
                kl_vec sums[P];                                                                                      \
                _Pragma("clang loop unroll(full)") for (int p = 0; p < P; p++) sums[p] = b;                          \
                for (int32_t ky = 0; ky < kernelHeight; ky++) {                                                      \
                    if (!rows[ky]) continue;                                                                         \
                    const float *row = rows[ky] + (firstColumn + (ptrdiff_t)x * S) * channels + c0;                  \
                    kl_vec w[KW];                                                                                    \
                    _Pragma("clang loop unroll(full)") for (int kx = 0; kx < KW; kx++)                               \
                        w[kx] = KL_LOAD_LEFT(weights + (ptrdiff_t)(ky * KW + kx) * channels + c0, left);             \
                    _Pragma("clang loop unroll(full)") for (int column = 0; column < (P - 1) * S + KW; column++) {   \
                        const kl_vec v = KL_LOAD_LEFT(row + (ptrdiff_t)column * channels, left);                     \
                        _Pragma("clang loop unroll(full)") for (int kx = 0; kx < KW; kx++) {                         \
                            const int p = (column - kx) / S;                                                         \
                            if (column >= kx && (column - kx) % S == 0 && p < P) sums[p] = KL_FMADD(v, w[kx], sums[p]); \
                        }                                                                                            \
                    }                                                                                                \
                }                                                                                                    \
                _Pragma("clang loop unroll(full)") for (int p = 0; p < P; p++) {                                     \
                    kl_vec sum = sums[p];                                                                            \
                    float *o = output + (ptrdiff_t)(x + p) * channels + c0;                                          \
                    KL_FINISH_STORE(sum, o, left)                                                                    \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
    }
KL_DEPTHWISE_ROWS(3, 8, 1)
KL_DEPTHWISE_ROWS(3, 4, 1)
KL_DEPTHWISE_ROWS(5, 8, 1)
KL_DEPTHWISE_ROWS(5, 4, 1)
KL_DEPTHWISE_ROWS(3, 8, 2)
KL_DEPTHWISE_ROWS(3, 4, 2)
KL_DEPTHWISE_ROWS(5, 8, 2)
KL_DEPTHWISE_ROWS(5, 4, 2)
#undef KL_DEPTHWISE_ROWS

/// The leading positions of a run of `positions` output positions of an undilated layer `kernelWidth` (3 or 5)
/// columns wide with stride `strideWidth` (1 or 2) along the row, in blocks of 8 and then one of 4, as
/// `kl_depthwise_run` computes them; returns how many it did (0 for other layers), fewer than 4 being left for
/// `kl_depthwise_run` or `kl_depthwise_window`. `rows` holds, for each kernel row, its input row (NULL where it
/// lies in the padding: skipped, as adding its zeros would change no sum), and the first position's window starts
/// at column `firstColumn` of them.
KL_TARGET
static inline int32_t KL_NAME(kl_depthwise_rows)(const float *const *rows, int32_t firstColumn, int32_t kernelHeight,
                                                 int32_t kernelWidth, int32_t strideWidth, int32_t channels,
                                                 const float *weights, const float *bias, float *output,
                                                 int32_t positions, int32_t store) {
    const int32_t eights = positions / 8, fours = (positions % 8) / 4;
    const ptrdiff_t done = (ptrdiff_t)8 * eights, read = firstColumn + done * strideWidth;
#define KL_DEPTHWISE_ROWS_CASE(KW, S)                                                                                \
    case 10 * KW + S:                                                                                                \
        KL_NAME(kl_depthwise_rows##KW##_8_##S)(rows, firstColumn, kernelHeight, channels, weights, bias, output, eights, store); \
        KL_NAME(kl_depthwise_rows##KW##_4_##S)(rows, read, kernelHeight, channels, weights, bias,                   \
                                               output + done * channels, fours, store);                              \
        break;
    switch (10 * kernelWidth + strideWidth) {
    KL_DEPTHWISE_ROWS_CASE(3, 1)
    KL_DEPTHWISE_ROWS_CASE(5, 1)
    KL_DEPTHWISE_ROWS_CASE(3, 2)
    KL_DEPTHWISE_ROWS_CASE(5, 2)
    default: return 0;
    }
#undef KL_DEPTHWISE_ROWS_CASE
    return 8 * eights + 4 * fours;
}

#define KL_WINDOW_DECLARE(v) kl_vec sum_##v = bias ? KL_LOAD_LEFT(bias + c0 + (v) * KL_LANES, left - (v) * KL_LANES) : zero;
#define KL_WINDOW_TAP(v)                                                                                             \
    sum_##v = KL_FMADD(KL_LOAD_LEFT(in + (v) * KL_LANES, left - (v) * KL_LANES),                                     \
                       KL_LOAD_LEFT(w + (v) * KL_LANES, left - (v) * KL_LANES), sum_##v);
#define KL_WINDOW_STORE(v)                                                                                           \
    {                                                                                                                \
        float *o = output + c0 + (v) * KL_LANES;                                                                     \
        KL_FINISH_STORE(sum_##v, o, left - (v) * KL_LANES)                                                           \
    }
#define KL_VECTORS_4(M) M(0) M(1) M(2) M(3)

/// One output position of an undilated layer whose window starts at column `firstColumn` (negative, or reaching past
/// `inputWidth`, at the row's ends) of the input rows `rows` (one per kernel row, NULL in the padding): the sums of
/// `kl_depthwise_run`, taps in the padding skipped, into `output` (the position's channels). Four vectors of channels
/// at a time, whose independent sums hide the multiply-add latency a lone position's single sum would wait on.
KL_TARGET
static inline void KL_NAME(kl_depthwise_window)(const float *const *rows, int32_t firstColumn, int32_t inputWidth,
                                                int32_t kernelHeight, int32_t kernelWidth, int32_t channels,
                                                const float *weights, const float *bias, float *output, int32_t store) {
    const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);
    for (int32_t c0 = 0; c0 < channels; c0 += 4 * KL_LANES) {
        const int32_t left = channels - c0;
        KL_VECTORS_4(KL_WINDOW_DECLARE)
        for (int32_t ky = 0; ky < kernelHeight; ky++) {
            if (!rows[ky]) continue;
            for (int32_t kx = 0; kx < kernelWidth; kx++) {
                const int32_t column = firstColumn + kx;
                if (column < 0 || column >= inputWidth) continue;
                const float *in = rows[ky] + (ptrdiff_t)column * channels + c0;
                const float *w = weights + (ptrdiff_t)(ky * kernelWidth + kx) * channels + c0;
                KL_VECTORS_4(KL_WINDOW_TAP)
            }
        }
        KL_VECTORS_4(KL_WINDOW_STORE)
    }
}
#undef KL_VECTORS_4
#undef KL_WINDOW_DECLARE
#undef KL_WINDOW_TAP
#undef KL_WINDOW_STORE
