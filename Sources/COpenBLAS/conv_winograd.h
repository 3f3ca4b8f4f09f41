// Winograd F(2×2, 3×3) convolution, for 3×3 stride-1 convolutions with many channels
// (Sources/Runtime/Ops/WinogradConvolution.swift). Included once per instruction set by shim.h, after
// conv_direct.h and between simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: the direct kernel (conv_direct.h) already runs near the CPU's multiply-add peak, so the remaining
// lever is doing fewer multiply-adds. Winograd's minimal filtering (Lavin & Gray 2016) computes a 2×2 block of
// outputs from a 4×4 input tile with 16 products per channel pair instead of 36: the tile is transformed
// (V = Bᵀ d B), multiplied elementwise with the transformed kernel (U = G g Gᵀ, once per model) and summed over the
// input channels — 16 small matrix products, one per tile element — then transformed back (Y = Aᵀ M A). With
// B, G, A of F(2, 3) the transforms use only additions (and halves in G), so float32 results stay within ~1e-6
// relative of the direct sum.
//
// Layouts, channels last: the band holds zero-padded input rows of `rowStride` floats, `channels` per column; U is
// packed in blocks of 2 · KL_LANES filters, [16][filterStride / (2 · KL_LANES)][channels][2 · KL_LANES], with the
// filters zero-padded to `filterStride` (a multiple of 2 · KL_LANES), so one block reads one contiguous stream; the output
// rows are channels last. Scratch: V [16][KL_BLOCK][channelStride] and M [16][KL_BLOCK][filterStride] floats, with
// `channelStride` the channels rounded up to KL_LANES.
#include <stddef.h>
#include <stdint.h>
#include "simd_blocks.h"

/// V = Bᵀ d B for `tiles` tiles whose 4×4 windows start at columns 2t of the band, KL_LANES channels at a time.
KL_TARGET
static inline void KL_NAME(kl_winograd_input)(const float *band, int32_t rowStride, int32_t channels, int32_t tiles,
                                              float *v, int32_t channelStride) {
    for (int32_t t = 0; t < tiles; t++) {
        for (int32_t c = 0; c < channels; c += KL_LANES) {
            kl_vec d[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i][j] = KL_LOAD_LEFT(band + (ptrdiff_t)i * rowStride + (ptrdiff_t)(2 * t + j) * channels + c,
                                           channels - c);
            kl_vec r[4][4];  // Bᵀ d: rows 0−2, 1+2, 2−1, 1−3
            for (int j = 0; j < 4; j++) {
                r[0][j] = KL_SUB(d[0][j], d[2][j]);
                r[1][j] = KL_ADD(d[1][j], d[2][j]);
                r[2][j] = KL_SUB(d[2][j], d[1][j]);
                r[3][j] = KL_SUB(d[1][j], d[3][j]);
            }
            for (int i = 0; i < 4; i++) {  // (Bᵀ d) B: the same on the columns
                kl_vec e[4] = {KL_SUB(r[i][0], r[i][2]), KL_ADD(r[i][1], r[i][2]), KL_SUB(r[i][2], r[i][1]),
                               KL_SUB(r[i][1], r[i][3])};
                for (int j = 0; j < 4; j++)
                    KL_STORE(v + ((ptrdiff_t)(i * 4 + j) * KL_BLOCK + t) * channelStride + c, e[j]);
            }
        }
    }
}

#define KL_W_STORE(p)                                                                                                \
    {                                                                                                                \
        float *o = mk + (ptrdiff_t)(p) * filterStride + f0;                                                          \
        KL_STORE(o, sum0_##p);                                                                                       \
        KL_STORE(o + KL_LANES, sum1_##p);                                                                            \
    }
/// M[k][t][f0..<f0 + 2 · KL_LANES] = Σ_c V[k][t][c] U[k][c][f] for the tiles of `POSITIONS`: the direct kernel's
/// register block, with tiles for positions (`in` is V[k], `positionStride` the tile stride) and no bias.
#define KL_W_PRODUCT(POSITIONS)                                                                                      \
    do {                                                                                                             \
        POSITIONS(KL_DECLARE)                                                                                        \
        KL_CHANNEL_SUMS(POSITIONS)                                                                                   \
        POSITIONS(KL_W_STORE)                                                                                        \
    } while (0)

/// The 16 products for a block of KL_BLOCK tiles.
KL_TARGET
static inline void KL_NAME(kl_winograd_products)(const float *v, int32_t channelStride, int32_t channels,
                                                 const float *u, float *m, int32_t filterStride) {
    const kl_vec bias0 = KL_ZERO(), bias1 = bias0;
    const int32_t positionStride = channelStride, weightStride = 2 * KL_LANES;
    for (int32_t k = 0; k < 16; k++) {
        const float *uk = u + (ptrdiff_t)k * channels * filterStride;
        const float *in = v + (ptrdiff_t)k * KL_BLOCK * channelStride;
        float *mk = m + (ptrdiff_t)k * KL_BLOCK * filterStride;
        for (int32_t f0 = 0; f0 < filterStride; f0 += 2 * KL_LANES) {
            const float *w = uk + (ptrdiff_t)f0 * channels;
            KL_W_PRODUCT(KL_POSITIONS_BLOCK);
        }
    }
}

/// Y = Aᵀ M A + bias, stored as `store` says (sums, ReLU or ReLU6; KL_STORE_* of simd_blocks.h) for `tiles` tiles, written to output columns 2t and 2t+1 below
/// `width` of `row0` and, when not NULL, `row1`.
KL_TARGET
static inline void KL_NAME(kl_winograd_output)(const float *m, int32_t filterStride, int32_t tiles, const float *bias,
                                               int32_t filters, int32_t store, float *row0, float *row1,
                                               int32_t firstColumn, int32_t width) {
    const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);
    for (int32_t t = 0; t < tiles; t++) {
        int32_t x = firstColumn + 2 * t;
        for (int32_t f = 0; f < filters; f += KL_LANES) {
            kl_vec e[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    e[i][j] = KL_LOAD(m + ((ptrdiff_t)(i * 4 + j) * KL_BLOCK + t) * filterStride + f);
            kl_vec s[2][4];  // Aᵀ M: rows 0+1+2, 1−2−3
            for (int j = 0; j < 4; j++) {
                s[0][j] = KL_ADD(KL_ADD(e[0][j], e[1][j]), e[2][j]);
                s[1][j] = KL_SUB(KL_SUB(e[1][j], e[2][j]), e[3][j]);
            }
            kl_vec b = bias ? KL_LOAD_LEFT(bias + f, filters - f) : zero;
            for (int i = 0; i < 2; i++) {
                float *row = i == 0 ? row0 : row1;
                if (!row) continue;
                kl_vec y0 = KL_ADD(KL_ADD(KL_ADD(s[i][0], s[i][1]), s[i][2]), b);
                kl_vec y1 = KL_ADD(KL_SUB(KL_SUB(s[i][1], s[i][2]), s[i][3]), b);
                if (store == KL_STORE_RELU) { y0 = KL_MAX(y0, zero); y1 = KL_MAX(y1, zero); }
                if (store == KL_STORE_RELU6) { y0 = KL_MIN(KL_MAX(y0, zero), six); y1 = KL_MIN(KL_MAX(y1, zero), six); }
                KL_STORE_LEFT(row + (ptrdiff_t)x * filters + f, filters - f, y0);
                if (x + 1 < width) KL_STORE_LEFT(row + (ptrdiff_t)(x + 1) * filters + f, filters - f, y1);
            }
        }
    }
}

/// One row of tiles: output rows `row0` (and `row1` unless NULL) of `width` columns from the 4 padded input rows
/// at `band`.
KL_TARGET
static inline void KL_NAME(kl_winograd_row)(const float *band, int32_t rowStride, int32_t channels, const float *u,
                                            int32_t filterStride, const float *bias, int32_t filters, int32_t store,
                                            float *row0, float *row1, int32_t width, float *v, float *m) {
    int32_t channelStride = (channels + KL_LANES - 1) / KL_LANES * KL_LANES;
    int32_t tiles = (width + 1) / 2;
    for (int32_t t0 = 0; t0 < tiles; t0 += KL_BLOCK) {
        // A last partial block overlaps the one before it when the row has enough tiles (as in conv_direct.h).
        if (t0 + KL_BLOCK > tiles && tiles >= KL_BLOCK) t0 = tiles - KL_BLOCK;
        int32_t count = tiles - t0 < KL_BLOCK ? tiles - t0 : KL_BLOCK;
        KL_NAME(kl_winograd_input)(band + (ptrdiff_t)(2 * t0) * channels, rowStride, channels, count, v, channelStride);
        // A row of fewer than KL_BLOCK tiles (a 7×7 or smaller layer) runs the full register block over zero tiles:
        // each tile's sums are the same either way, and the one-tile block (two dependent sums) was 4× slower.
        for (int32_t k = 0; k < 16; k++)
            for (int32_t t = count; t < KL_BLOCK; t++)
                for (int32_t c = 0; c < channelStride; c += KL_LANES)
                    KL_STORE(v + ((ptrdiff_t)k * KL_BLOCK + t) * channelStride + c, KL_ZERO());
        KL_NAME(kl_winograd_products)(v, channelStride, channels, u, m, filterStride);
        KL_NAME(kl_winograd_output)(m, filterStride, count, bias, filters, store, row0, row1, 2 * t0, width);
    }
}
