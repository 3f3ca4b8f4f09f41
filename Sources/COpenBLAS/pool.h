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
/// bits.
KL_TARGET
static inline void KL_NAME(kl_pool_position)(const float *input, const long *offsets, int count, long channels, int isMax,
                                             float scale, float *output) {
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
