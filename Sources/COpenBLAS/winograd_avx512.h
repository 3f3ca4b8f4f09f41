// Winograd F(2×2, 3×3) convolution with AVX-512, for 3×3 stride-1 convolutions with many channels
// (Sources/Runtime/Ops/WinogradConvolution.swift).
//
// Why it exists: the direct kernel (conv_avx512.h) already runs near this CPU's multiply-add peak, so the remaining
// lever is doing fewer multiply-adds. Winograd's minimal filtering (Lavin & Gray 2016) computes a 2×2 block of
// outputs from a 4×4 input tile with 16 products per channel pair instead of 36: the tile is transformed
// (V = Bᵀ d B), multiplied elementwise with the transformed kernel (U = G g Gᵀ, once per model) and summed over the
// input channels — 16 small matrix products, one per tile element — then transformed back (Y = Aᵀ M A). With
// B, G, A of F(2, 3) the transforms use only additions (and halves in G), so float32 results stay within ~1e-6
// relative of the direct sum.
//
// Layouts, channels last: the band holds zero-padded input rows of `rowStride` floats, `channels` per column; U is
// [16][channels][filters]; the output rows are channels last. Scratch: V [16][KL_TILES][channelStride] and
// M [16][KL_TILES][filterStride] floats, strides rounded up to 16.
#pragma once
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include "conv_avx512.h"  // the register block's X-macros: KL_POSITIONS_*, KL_DECLARE, KL_ACCUMULATE

/// Tiles per register block: 8 tiles × 2 accumulators of 16 filters, as the direct kernel's 8 positions.
#define KL_TILES 8

static inline __mmask16 kl_mask(int32_t left) {
    return left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
}

/// V = Bᵀ d B for `tiles` tiles whose 4×4 windows start at columns 2t of the band, 16 channels at a time.
__attribute__((target("avx512f,fma")))
static inline void kl_winograd_input(const float *band, int32_t rowStride, int32_t channels, int32_t tiles,
                                     float *v, int32_t channelStride) {
    for (int32_t t = 0; t < tiles; t++) {
        for (int32_t c = 0; c < channels; c += 16) {
            __mmask16 m = kl_mask(channels - c);
            __m512 d[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i][j] = _mm512_maskz_loadu_ps(m, band + (ptrdiff_t)i * rowStride + (ptrdiff_t)(2 * t + j) * channels + c);
            __m512 r[4][4];  // Bᵀ d: rows 0−2, 1+2, 2−1, 1−3
            for (int j = 0; j < 4; j++) {
                r[0][j] = _mm512_sub_ps(d[0][j], d[2][j]);
                r[1][j] = _mm512_add_ps(d[1][j], d[2][j]);
                r[2][j] = _mm512_sub_ps(d[2][j], d[1][j]);
                r[3][j] = _mm512_sub_ps(d[1][j], d[3][j]);
            }
            for (int i = 0; i < 4; i++) {  // (Bᵀ d) B: the same on the columns
                __m512 e[4] = {_mm512_sub_ps(r[i][0], r[i][2]), _mm512_add_ps(r[i][1], r[i][2]),
                               _mm512_sub_ps(r[i][2], r[i][1]), _mm512_sub_ps(r[i][1], r[i][3])};
                for (int j = 0; j < 4; j++)
                    _mm512_storeu_ps(v + ((ptrdiff_t)(i * 4 + j) * KL_TILES + t) * channelStride + c, e[j]);
            }
        }
    }
}

#define KL_W_STORE(p)                                                                                                \
    {                                                                                                                \
        float *o = mk + (ptrdiff_t)(p) * filterStride + f0;                                                          \
        _mm512_storeu_ps(o, sum0_##p);                                                                               \
        _mm512_storeu_ps(o + 16, sum1_##p);                                                                          \
    }
/// M[k][t][f0..<f0+32] = Σ_c V[k][t][c] U[k][c][f] for the tiles of `POSITIONS`: the direct kernel's register
/// block, with tiles for positions (`in` is V[k], `positionStride` the tile stride) and no bias.
#define KL_W_PRODUCT(POSITIONS)                                                                                      \
    do {                                                                                                             \
        POSITIONS(KL_DECLARE)                                                                                        \
        for (int32_t c = 0; c < channels; c++) {                                                                     \
            __m512 w0 = _mm512_maskz_loadu_ps(mask0, uk + (ptrdiff_t)c * filters);                                   \
            __m512 w1 = _mm512_maskz_loadu_ps(mask1, uk + (ptrdiff_t)c * filters + 16);                              \
            POSITIONS(KL_ACCUMULATE)                                                                                 \
        }                                                                                                            \
        POSITIONS(KL_W_STORE)                                                                                        \
    } while (0)

/// The 16 products for `tiles` (KL_TILES or fewer) tiles.
__attribute__((target("avx512f,fma")))
static inline void kl_winograd_products(const float *v, int32_t channelStride, int32_t channels, int32_t tiles,
                                        const float *u, int32_t filters, float *m, int32_t filterStride) {
    const __m512 bias0 = _mm512_setzero_ps(), bias1 = bias0;
    const int32_t positionStride = channelStride;
    for (int32_t k = 0; k < 16; k++) {
        const float *uk0 = u + (ptrdiff_t)k * channels * filters;
        for (int32_t f0 = 0; f0 < filters; f0 += 32) {
            __mmask16 mask0 = kl_mask(filters - f0), mask1 = kl_mask(filters - f0 - 16);
            const float *uk = uk0 + f0;
            if (tiles == KL_TILES) {
                const float *in = v + (ptrdiff_t)k * KL_TILES * channelStride;
                float *mk = m + (ptrdiff_t)k * KL_TILES * filterStride;
                KL_W_PRODUCT(KL_POSITIONS_8);
            } else {
                for (int32_t t = 0; t < tiles; t++) {
                    const float *in = v + ((ptrdiff_t)k * KL_TILES + t) * channelStride;
                    float *mk = m + ((ptrdiff_t)k * KL_TILES + t) * filterStride;
                    KL_W_PRODUCT(KL_POSITIONS_1);
                }
            }
        }
    }
}

/// Y = Aᵀ M A + bias (then ReLU when `relu`) for `tiles` tiles, written to output columns 2t and 2t+1 below
/// `width` of `row0` and, when not NULL, `row1`.
__attribute__((target("avx512f,fma")))
static inline void kl_winograd_output(const float *m, int32_t filterStride, int32_t tiles, const float *bias,
                                      int32_t filters, int32_t relu, float *row0, float *row1, int32_t firstColumn,
                                      int32_t width) {
    const __m512 zero = _mm512_setzero_ps();
    for (int32_t t = 0; t < tiles; t++) {
        int32_t x = firstColumn + 2 * t;
        for (int32_t f = 0; f < filters; f += 16) {
            __mmask16 mask = kl_mask(filters - f);
            __m512 e[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    e[i][j] = _mm512_loadu_ps(m + ((ptrdiff_t)(i * 4 + j) * KL_TILES + t) * filterStride + f);
            __m512 s[2][4];  // Aᵀ M: rows 0+1+2, 1−2−3
            for (int j = 0; j < 4; j++) {
                s[0][j] = _mm512_add_ps(_mm512_add_ps(e[0][j], e[1][j]), e[2][j]);
                s[1][j] = _mm512_sub_ps(_mm512_sub_ps(e[1][j], e[2][j]), e[3][j]);
            }
            __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + f) : zero;
            for (int i = 0; i < 2; i++) {
                float *row = i == 0 ? row0 : row1;
                if (!row) continue;
                __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[i][0], s[i][1]), s[i][2]), b);
                __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[i][1], s[i][2]), s[i][3]), b);
                if (relu) { y0 = _mm512_max_ps(y0, zero); y1 = _mm512_max_ps(y1, zero); }
                _mm512_mask_storeu_ps(row + (ptrdiff_t)x * filters + f, mask, y0);
                if (x + 1 < width) _mm512_mask_storeu_ps(row + (ptrdiff_t)(x + 1) * filters + f, mask, y1);
            }
        }
    }
}

/// One row of tiles: output rows `row0` (and `row1` unless NULL) of `width` columns from the 4 padded input rows
/// at `band`.
__attribute__((target("avx512f,fma")))
static inline void kl_winograd_row_avx512(const float *band, int32_t rowStride, int32_t channels, const float *u,
                                          const float *bias, int32_t filters, int32_t relu, float *row0, float *row1,
                                          int32_t width, float *v, float *m) {
    int32_t channelStride = (channels + 15) / 16 * 16, filterStride = (filters + 31) / 32 * 32;
    int32_t tiles = (width + 1) / 2;
    for (int32_t t0 = 0; t0 < tiles; t0 += KL_TILES) {
        int32_t count = tiles - t0 < KL_TILES ? tiles - t0 : KL_TILES;
        kl_winograd_input(band + (ptrdiff_t)(2 * t0) * channels, rowStride, channels, count, v, channelStride);
        kl_winograd_products(v, channelStride, channels, count, u, filters, m, filterStride);
        kl_winograd_output(m, filterStride, count, bias, filters, relu, row0, row1, 2 * t0, width);
    }
}
