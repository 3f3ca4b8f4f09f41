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
// rows are channels last. A band of several tile rows is transformed at once (V [16][tiles][channelStride]), its
// products are taken one filter block at a time over all its tiles, and a call may cover only some of the filters,
// so that one image's layer can be split over the cores by filters when it has too few rows to split.
#include <stddef.h>
#include <stdint.h>
#include "simd_blocks.h"

/// V[k][t] = (Bᵀ d B)[k] for `tiles` tiles of a band, row after row of `tilesPerRow` tiles (tile t's 4×4 window
/// starts at padded row 2 · (t / tilesPerRow), column 2 · (t % tilesPerRow)), KL_LANES channels at a time; V is
/// [16][slots][channelStride].
KL_TARGET
static inline void KL_NAME(kl_winograd_input)(const float *band, int32_t rowStride, int32_t channels, int32_t tiles,
                                              int32_t tilesPerRow, float *v, int32_t slots, int32_t channelStride) {
    for (int32_t t = 0; t < tiles; t++) {
        const float *window = band + (ptrdiff_t)(2 * (t / tilesPerRow)) * rowStride + (ptrdiff_t)(2 * (t % tilesPerRow)) * channels;
        for (int32_t c = 0; c < channels; c += KL_LANES) {
            kl_vec d[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i][j] = KL_LOAD_LEFT(window + (ptrdiff_t)i * rowStride + (ptrdiff_t)j * channels + c, channels - c);
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
                    KL_STORE(v + ((ptrdiff_t)(i * 4 + j) * slots + t) * channelStride + c, e[j]);
            }
        }
    }
}

#define KL_W_STORE(p)                                                                                                \
    {                                                                                                                \
        float *o = mk + (ptrdiff_t)(t0 + (p)) * partWidth + (f0 - filterBegin);                                      \
        KL_STORE(o, sum0_##p);                                                                                       \
        KL_STORE(o + KL_LANES, sum1_##p);                                                                            \
    }
/// M[k][t][f0..<f0 + 2 · KL_LANES] = Σ_c V[k][t][c] U[k][c][f] for the tiles t0 + `POSITIONS`: the direct kernel's
/// register block, with tiles for positions (`in` is V[k] from tile t0, `positionStride` the tile stride) and no bias.
#define KL_W_PRODUCT(POSITIONS)                                                                                      \
    do {                                                                                                             \
        const float *in = vk + (ptrdiff_t)t0 * channelStride;                                                        \
        POSITIONS(KL_DECLARE)                                                                                        \
        KL_CHANNEL_SUMS(POSITIONS)                                                                                   \
        POSITIONS(KL_W_STORE)                                                                                        \
    } while (0)

/// The 16 products for `tiles` tiles (at least KL_BLOCK) and the filters filterBegin..<filterEnd (multiples of
/// 2 · KL_LANES within filterStride), into M [16][tiles][filterEnd − filterBegin]. Each block of U (one k, one
/// register block of filters) is read once for all the tiles, so a layer with few positions and many channels
/// (ResNet's last stage: 16 tiles and 16 MB of U) streams U once per band, not once per block of tiles. A last
/// partial block of tiles overlaps the one before it; a tile's sums are the same in any block.
KL_TARGET
static inline void KL_NAME(kl_winograd_products)(const float *v, int32_t channelStride, int32_t channels, int32_t tiles,
                                                 const float *u, int32_t filterStride, int32_t filterBegin,
                                                 int32_t filterEnd, float *m) {
    const kl_vec bias0 = KL_ZERO(), bias1 = bias0;
    const int32_t positionStride = channelStride, weightStride = 2 * KL_LANES, partWidth = filterEnd - filterBegin;
    const int32_t prefetchStep = kl_prefetch_step(2 * KL_LANES, (tiles + KL_BLOCK - 1) / KL_BLOCK);
    for (int32_t k = 0; k < 16; k++) {
        const float *vk = v + (ptrdiff_t)k * tiles * channelStride;
        float *mk = m + (ptrdiff_t)k * tiles * partWidth;
        for (int32_t f0 = filterBegin; f0 < filterEnd; f0 += 2 * KL_LANES) {
            const float *w = u + ((ptrdiff_t)k * filterStride + f0) * channels;
            // The next block of U: the next filters of this k, else the first of the next k.
            const float *prefetch = f0 + 2 * KL_LANES < filterEnd ? w + (ptrdiff_t)2 * KL_LANES * channels
                                  : k < 15 ? u + ((ptrdiff_t)(k + 1) * filterStride + filterBegin) * channels : w;
            const float *prefetchEnd = prefetch == w ? w : prefetch + (ptrdiff_t)2 * KL_LANES * channels;
            for (int32_t t0 = 0; t0 < tiles; t0 += KL_BLOCK) {
                if (t0 + KL_BLOCK > tiles) t0 = tiles - KL_BLOCK;
                KL_W_PRODUCT(KL_POSITIONS_BLOCK);
            }
        }
    }
}

/// Y = Aᵀ M A + bias for `tiles` tiles (placed as in kl_winograd_input; M is [16][slots][filterEnd − filterBegin])
/// and the filters filterBegin..<filterEnd below `filters`, stored as `store` says (sums, an activation, or added to
/// the output; KL_STORE_* of simd_blocks.h) into `output`, the band's `height` output rows of `width` positions × `filters`, channels last.
KL_TARGET
static inline void KL_NAME(kl_winograd_output)(const float *m, int32_t tiles, int32_t slots, int32_t tilesPerRow, int32_t filterBegin,
                                               int32_t filterEnd, const float *bias, int32_t filters, int32_t store,
                                               float *output, int32_t width, int32_t height) {
    const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);
    const int32_t partWidth = filterEnd - filterBegin, end = filterEnd < filters ? filterEnd : filters;
    for (int32_t t = 0; t < tiles; t++) {
        int32_t y = 2 * (t / tilesPerRow), x = 2 * (t % tilesPerRow);
        for (int32_t f = filterBegin; f < end; f += KL_LANES) {
            kl_vec e[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    e[i][j] = KL_LOAD(m + ((ptrdiff_t)(i * 4 + j) * slots + t) * partWidth + (f - filterBegin));
            kl_vec s[2][4];  // Aᵀ M: rows 0+1+2, 1−2−3
            for (int j = 0; j < 4; j++) {
                s[0][j] = KL_ADD(KL_ADD(e[0][j], e[1][j]), e[2][j]);
                s[1][j] = KL_SUB(KL_SUB(e[1][j], e[2][j]), e[3][j]);
            }
            kl_vec b = bias ? KL_LOAD_LEFT(bias + f, end - f) : zero;
            for (int i = 0; i < 2 && y + i < height; i++) {
                float *row = output + (ptrdiff_t)(y + i) * width * filters;
                kl_vec y0 = KL_ADD(KL_ADD(KL_ADD(s[i][0], s[i][1]), s[i][2]), b);
                kl_vec y1 = KL_ADD(KL_SUB(KL_SUB(s[i][1], s[i][2]), s[i][3]), b);
                if (store == KL_STORE_RELU) { y0 = KL_MAX(y0, zero); y1 = KL_MAX(y1, zero); }
                if (store == KL_STORE_RELU6) { y0 = KL_MIN(KL_MAX(y0, zero), six); y1 = KL_MIN(KL_MAX(y1, zero), six); }
                if (store == KL_STORE_HARD_SILU) { y0 = KL_HARD_SILU(y0); y1 = KL_HARD_SILU(y1); }
                if (store == KL_STORE_SWISH) { y0 = KL_SWISH(y0); y1 = KL_SWISH(y1); }
                float *out0 = row + (ptrdiff_t)x * filters + f, *out1 = out0 + filters;
                if (store == KL_STORE_ADDING) y0 = KL_ADD(y0, KL_LOAD_LEFT(out0, end - f));
                KL_STORE_LEFT(out0, end - f, y0);
                if (x + 1 < width) {
                    if (store == KL_STORE_ADDING) y1 = KL_ADD(y1, KL_LOAD_LEFT(out1, end - f));
                    KL_STORE_LEFT(out1, end - f, y1);
                }
            }
        }
    }
}

/// A band of `tileRows` rows of tiles: its `height` output rows (2 · tileRows, or one fewer at the layer's bottom
/// edge) of `width` positions at `output`, for the filters filterBegin..<filterEnd, from the 2 · tileRows + 2
/// padded input rows at `band`. Scratch: v holds 16 · max(tiles, KL_BLOCK) · channelStride floats, m
/// 16 · max(tiles, KL_BLOCK) · (filterEnd − filterBegin), with channelStride the channels rounded up to KL_LANES.
KL_TARGET
static inline void KL_NAME(kl_winograd_band)(const float *band, int32_t rowStride, int32_t channels, int32_t tileRows,
                                             const float *u, int32_t filterStride, int32_t filterBegin,
                                             int32_t filterEnd, const float *bias, int32_t filters, int32_t store,
                                             float *output, int32_t width, int32_t height, float *v, float *m) {
    const int32_t channelStride = (channels + KL_LANES - 1) / KL_LANES * KL_LANES;
    const int32_t tilesPerRow = (width + 1) / 2, tiles = tileRows * tilesPerRow;
    // Fewer tiles than one register block (a 3×3 or smaller layer) run the full block over zero tiles: each tile's
    // sums are the same either way, and the one-tile block (two dependent sums) was 4× slower.
    const int32_t slots = tiles < KL_BLOCK ? KL_BLOCK : tiles;
    for (int32_t k = 0; k < 16; k++)
        for (int32_t t = tiles; t < slots; t++)
            for (int32_t c = 0; c < channelStride; c += KL_LANES)
                KL_STORE(v + ((ptrdiff_t)k * slots + t) * channelStride + c, KL_ZERO());
    KL_NAME(kl_winograd_input)(band, rowStride, channels, tiles, tilesPerRow, v, slots, channelStride);
    KL_NAME(kl_winograd_products)(v, channelStride, channels, slots, u, filterStride, filterBegin, filterEnd, m);
    KL_NAME(kl_winograd_output)(m, tiles, slots, tilesPerRow, filterBegin, filterEnd, bias, filters, store, output, width,
                                height);
}
