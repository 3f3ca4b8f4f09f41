// Max and average pooling at one output position, for the runtime's pooling kernel (Sources/Runtime/Ops/Pooling.swift).
// Included once per instruction set by shim.h, between simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: the SSE version (`kl_pool_position` in shim.h) holds 16 channels a step in four 4-lane registers,
// which left InceptionV3's 3×3 stride-2 max pools at 1.6 × onnxruntime's time for a batch of 32 (Intel Xeon,
// AVX-512). Here four full vectors a step: 64 channels with AVX-512, 32 with AVX2.
#include <stddef.h>
#include <stdint.h>

/// `kl_pool_position`'s result with the instruction set's vectors: over the `count` taps at `offsets` from `input`
/// (window order, the padding left out), `output[c]` is the maximum (`y ≥ x ? y : x` tap after tap from −∞, so a NaN
/// is passed over and of two equal values the later wins) or the sum (from 0, tap after tap) times `scale`; the same
/// bits. The same taps `ahead` floats on (a later position's window) are prefetched.
KL_TARGET
static inline void KL_NAME(kl_pool_position)(const float *input, const long *offsets, int count, long channels, int isMax,
                                             float scale, float *output, long ahead) {
    kl_prefetch_taps(input + ahead, offsets, count, channels);
    const kl_vec start = KL_SET1(isMax ? -__builtin_inff() : 0.0f), factor = KL_SET1(scale);
    const int scaled = !isMax && count > 0;
    for (long c0 = 0; c0 < channels; c0 += 4 * KL_LANES) {
        const int left = (int)(channels - c0 < 4 * KL_LANES ? channels - c0 : 4 * KL_LANES);
        kl_vec s0 = start, s1 = start, s2 = start, s3 = start;
        for (int t = 0; t < count; t++) {
            const float *p = input + offsets[t] + c0;
            const kl_vec v0 = KL_LOAD_LEFT(p, left), v1 = KL_LOAD_LEFT(p + KL_LANES, left - KL_LANES);
            const kl_vec v2 = KL_LOAD_LEFT(p + 2 * KL_LANES, left - 2 * KL_LANES);
            const kl_vec v3 = KL_LOAD_LEFT(p + 3 * KL_LANES, left - 3 * KL_LANES);
            if (isMax) {
                s0 = KL_MAX_ORDERED(s0, v0); s1 = KL_MAX_ORDERED(s1, v1);
                s2 = KL_MAX_ORDERED(s2, v2); s3 = KL_MAX_ORDERED(s3, v3);
            } else {
                s0 = KL_ADD(s0, v0); s1 = KL_ADD(s1, v1); s2 = KL_ADD(s2, v2); s3 = KL_ADD(s3, v3);
            }
        }
        if (scaled) { s0 = KL_MUL(s0, factor); s1 = KL_MUL(s1, factor); s2 = KL_MUL(s2, factor); s3 = KL_MUL(s3, factor); }
        KL_STORE_LEFT(output + c0, left, s0);
        KL_STORE_LEFT(output + c0 + KL_LANES, left - KL_LANES, s1);
        KL_STORE_LEFT(output + c0 + 2 * KL_LANES, left - 2 * KL_LANES, s2);
        KL_STORE_LEFT(output + c0 + 3 * KL_LANES, left - 3 * KL_LANES, s3);
    }
}

/// `kl_pool_winners` with the instruction set's vectors (the taps from last to first, each equal one taking over):
/// the same values.
KL_TARGET
static inline void KL_NAME(kl_pool_winners)(const float *input, const long *offsets, const int32_t *taps, int count,
                                            long channels, const float *best, float *winners) {
    for (long c0 = 0; c0 < channels; c0 += KL_LANES) {
        const int left = (int)(channels - c0 < KL_LANES ? channels - c0 : KL_LANES);
        const kl_vec b = KL_LOAD_LEFT(best + c0, left);
        kl_vec winner = KL_SET1(-1.0f);
        for (int t = count - 1; t >= 0; t--)
            winner = KL_SELECT_EQUAL(KL_LOAD_LEFT(input + offsets[t] + c0, left), b, KL_SET1((float)taps[t]), winner);
        KL_STORE_LEFT(winners + c0, left, winner);
    }
}

/// Windows per chunk of `kl_pool_backward_row`'s vector version: a 3×3 window of stride 1 covers an input value
/// from 9 positions.
#define KL_POOL_CHUNK 16

/// One vector of a position's sum in `kl_pool_backward_row`: over `windows` windows (offsets `from`, taps or scales
/// `values`), from `start`.
#define KL_POOL_SUM(sum, start, left)                                                                                \
    kl_vec sum = start;                                                                                              \
    for (int w = 0; w < windows; w++) {                                                                              \
        const kl_vec grad = KL_LOAD_LEFT(gradient + from[w] + c0, left);                                            \
        sum = KL_ADD(sum, winners ? KL_SELECT_EQUAL(KL_LOAD_LEFT(winners + from[w] + c0, left), KL_SET1(values[w]), grad, zero) \
                                  : KL_MUL(grad, KL_SET1(values[w])));                                              \
    }

/// `kl_pool_backward_row` with the instruction set's vectors: the same sums in the same order (a window that does
/// not send this value its gradient adds +0, which changes no sum that starts from +0), so the same bits. A
/// position's windows are worked out once, in chunks of KL_POOL_CHUNK, and its sums held in registers over a chunk
/// (between chunks in `scratch`, `channels` floats).
KL_TARGET
static inline void KL_NAME(kl_pool_backward_row)(const float *gradient, const float *winners, const kl_pool_geometry *g,
                                                 int32_t iy, long channels, float *target, int adding, float *scratch) {
    const kl_vec zero = KL_ZERO();
    long from[KL_POOL_CHUNK];
    float values[KL_POOL_CHUNK];
    int32_t oy0, oy1;
    kl_pool_cover(iy, g->padTop, g->kernelHeight, g->strideHeight, g->outHeight, &oy0, &oy1);
    for (int32_t ix = 0; ix < g->inWidth; ix++) {
        int32_t ox0, ox1;
        kl_pool_cover(ix, g->padLeft, g->kernelWidth, g->strideWidth, g->outWidth, &ox0, &ox1);
        float *out = target + ((long)iy * g->inWidth + ix) * channels;
        const long total = oy1 < oy0 || ox1 < ox0 ? 0 : (long)(oy1 - oy0 + 1) * (ox1 - ox0 + 1);
        for (long first = 0; first < total || first == 0; first += KL_POOL_CHUNK) {
            const int windows = (int)(total - first < KL_POOL_CHUNK ? total - first : KL_POOL_CHUNK);
            const int opening = first == 0, closing = first + KL_POOL_CHUNK >= total;
            for (int w = 0; w < windows; w++) {
                const int32_t oy = oy0 + (int32_t)((first + w) / (ox1 - ox0 + 1)), ox = ox0 + (int32_t)((first + w) % (ox1 - ox0 + 1));
                from[w] = ((long)oy * g->outWidth + ox) * channels;
                values[w] = winners ? (float)((iy + g->padTop - oy * g->strideHeight) * g->kernelWidth + ix + g->padLeft - ox * g->strideWidth)
                                    : kl_pool_scale(g, oy, ox);
            }
            float *to = closing ? out : scratch;
            long c0 = 0;
            for (; c0 + KL_LANES <= channels; c0 += KL_LANES) {
                KL_POOL_SUM(sum, opening ? zero : KL_LOAD(scratch + c0), KL_LANES)
                if (closing && adding) sum = KL_ADD(KL_LOAD(out + c0), sum);
                KL_STORE(to + c0, sum);
            }
            if (c0 < channels) {
                const int left = (int)(channels - c0);
                KL_POOL_SUM(sum, opening ? zero : KL_LOAD_LEFT(scratch + c0, left), left)
                if (closing && adding) sum = KL_ADD(KL_LOAD_LEFT(out + c0, left), sum);
                KL_STORE_LEFT(to + c0, left, sum);
            }
        }
    }
}
#undef KL_POOL_SUM
