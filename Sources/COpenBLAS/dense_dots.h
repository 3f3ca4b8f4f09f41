// A dense layer's input gradient, for the runtime's dense kernel (Sources/Runtime/Ops/Dense.swift). Included once per
// instruction set by shim.h, between simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: `gx = g · kernelᵀ` read Keras's kernel [in][out] once per sample through OpenBLAS's sgemv (one
// product per sample, so that a sample's sums never depended on the batch): VGG16's 411 MB `fc1` cost 7 ms a sample,
// half a second for integrated gradients' 50 steps. Here a block of samples shares each kernel row read: every input
// feature's gradient is a dot product of the sample's output gradient with the kernel's row, and a row loaded once
// serves `KL_DOT_SAMPLES` samples. Each dot is summed the same way whichever block it falls in (two vectors of sums
// over the filters, added together and across the lanes at the end), so a sample's result never depends on the batch.
#include <stddef.h>
#include <stdint.h>

/// Samples sharing a kernel row read: 4 × 2 rows × 2 vectors of sums in AVX-512's 32 registers, 2 in AVX2's 16.
#if KL_LANES == 16
#define KL_DOT_SAMPLES 4
#else
#define KL_DOT_SAMPLES 2
#endif

#define KL_DOT_SAMPLES_1(M) M(0)
#define KL_DOT_SAMPLES_2(M) M(0) M(1)
#define KL_DOT_SAMPLES_3(M) M(0) M(1) M(2)
#define KL_DOT_SAMPLES_4(M) M(0) M(1) M(2) M(3)

#define KL_DOT_DECLARE(s) kl_vec p##s##_0 = KL_ZERO(), p##s##_1 = p##s##_0, q##s##_0 = p##s##_0, q##s##_1 = p##s##_0;
/// Sample s's sums for both rows over two vectors of the output features from j (`LOAD`: full or partial loads).
#define KL_DOT_ADD_WITH(s, LOAD)                                                                                     \
    {                                                                                                                \
        const kl_vec x0 = LOAD(g + (ptrdiff_t)(s) * outFeatures + j, left);                                          \
        const kl_vec x1 = LOAD(g + (ptrdiff_t)(s) * outFeatures + j + KL_LANES, left - KL_LANES);                    \
        p##s##_0 = KL_FMADD(x0, u0, p##s##_0);                                                                       \
        p##s##_1 = KL_FMADD(x1, u1, p##s##_1);                                                                       \
        q##s##_0 = KL_FMADD(x0, v0, q##s##_0);                                                                       \
        q##s##_1 = KL_FMADD(x1, v1, q##s##_1);                                                                       \
    }
#define KL_DOT_FULL(p, left) KL_LOAD(p)
#define KL_DOT_ADD(s) KL_DOT_ADD_WITH(s, KL_DOT_FULL)
#define KL_DOT_ADD_LEFT(s) KL_DOT_ADD_WITH(s, KL_LOAD_LEFT)
/// Sample s's two values: rows i and (when there is one) i + 1.
#define KL_DOT_STORE(s)                                                                                              \
    {                                                                                                                \
        float *out = gx + (ptrdiff_t)(s) * inFeatures + i;                                                           \
        const float first = KL_SUM_LANES(KL_ADD(p##s##_0, p##s##_1));                                                \
        out[0] = adding ? out[0] + first : first;                                                                    \
        if (pair) {                                                                                                  \
            const float second = KL_SUM_LANES(KL_ADD(q##s##_0, q##s##_1));                                           \
            out[1] = adding ? out[1] + second : second;                                                              \
        }                                                                                                            \
    }

#define KL_DOT_FUNCTION(N)                                                                                           \
    KL_TARGET                                                                                                        \
    static inline void KL_NAME(kl_dense_dots_##N)(const float *g, const float *w, int32_t outFeatures,              \
                                                  int32_t inFeatures, int32_t i0, int32_t i1, float *gx,             \
                                                  int32_t adding) {                                                  \
        const int32_t full = outFeatures / (2 * KL_LANES) * (2 * KL_LANES);                                          \
        for (int32_t i = i0; i < i1; i += 2) {                                                                       \
            const int32_t pair = i + 1 < i1;                                                                         \
            const float *row = w + (ptrdiff_t)i * outFeatures, *next = pair ? row + outFeatures : row;               \
            KL_DOT_SAMPLES_##N(KL_DOT_DECLARE)                                                                       \
            int32_t j = 0;                                                                                           \
            for (; j < full; j += 2 * KL_LANES) {                                                                    \
                const kl_vec u0 = KL_LOAD(row + j), u1 = KL_LOAD(row + j + KL_LANES);                                \
                const kl_vec v0 = KL_LOAD(next + j), v1 = KL_LOAD(next + j + KL_LANES);                              \
                KL_DOT_SAMPLES_##N(KL_DOT_ADD)                                                                       \
            }                                                                                                        \
            if (j < outFeatures) {                                                                                   \
                const int32_t left = outFeatures - j;                                                                \
                const kl_vec u0 = KL_LOAD_LEFT(row + j, left), u1 = KL_LOAD_LEFT(row + j + KL_LANES, left - KL_LANES); \
                const kl_vec v0 = KL_LOAD_LEFT(next + j, left);                                                      \
                const kl_vec v1 = KL_LOAD_LEFT(next + j + KL_LANES, left - KL_LANES);                                \
                KL_DOT_SAMPLES_##N(KL_DOT_ADD_LEFT)                                                                  \
            }                                                                                                        \
            KL_DOT_SAMPLES_##N(KL_DOT_STORE)                                                                         \
        }                                                                                                            \
    }

KL_DOT_FUNCTION(1)
KL_DOT_FUNCTION(2)
#if KL_LANES == 16
KL_DOT_FUNCTION(3)
KL_DOT_FUNCTION(4)
#endif

/// `gx[s][i] = Σ_j g[s][j] · w[i][j]` (or with `adding` added to `gx[s][i]`) for the `count` rows s of `g`
/// ([count][outFeatures]; `gx` is [count][inFeatures]) and the kernel rows i0..<i1 of `w` (Keras's kernel,
/// [inFeatures][outFeatures]): each kernel row is read once per block of KL_DOT_SAMPLES samples, two rows at a time.
KL_TARGET
static inline void KL_NAME(kl_dense_dots)(const float *g, const float *w, int32_t outFeatures, int32_t inFeatures,
                                          int32_t i0, int32_t i1, int32_t count, float *gx, int32_t adding) {
    for (int32_t s = 0; s < count; s += KL_DOT_SAMPLES) {
        const float *block = g + (ptrdiff_t)s * outFeatures;
        float *target = gx + (ptrdiff_t)s * inFeatures;
        switch (count - s < KL_DOT_SAMPLES ? count - s : KL_DOT_SAMPLES) {
        case 1: KL_NAME(kl_dense_dots_1)(block, w, outFeatures, inFeatures, i0, i1, target, adding); break;
        case 2: KL_NAME(kl_dense_dots_2)(block, w, outFeatures, inFeatures, i0, i1, target, adding); break;
#if KL_LANES == 16
        case 3: KL_NAME(kl_dense_dots_3)(block, w, outFeatures, inFeatures, i0, i1, target, adding); break;
        case 4: KL_NAME(kl_dense_dots_4)(block, w, outFeatures, inFeatures, i0, i1, target, adding); break;
#endif
        }
    }
}

#undef KL_DOT_SAMPLES
