// Sigmoid, tanh and swish over n floats in place, a vector at a time (the operations of activation_scalar.h in each
// lane).
// Instantiated per instruction set between a simd_*.h header and simd_end.h (see shim.h).
#include <stdint.h>
#include "simd_blocks.h"

KL_TARGET
static inline kl_vec KL_NAME(kl_exp)(kl_vec x) {
    x = KL_MIN(KL_MAX(x, KL_SET1(KL_EXP_LOW)), KL_SET1(KL_EXP_HIGH));
    kl_vec n = KL_ROUND(KL_MUL(x, KL_SET1(KL_LOG2E)));
    kl_vec r = KL_FMADD(n, KL_SET1(-KL_LN2_HIGH), x);
    r = KL_FMADD(n, KL_SET1(-KL_LN2_LOW), r);
    kl_vec p = KL_FMADD(KL_SET1(KL_EXP_P0), r, KL_SET1(KL_EXP_P1));
    p = KL_FMADD(p, r, KL_SET1(KL_EXP_P2));
    p = KL_FMADD(p, r, KL_SET1(KL_EXP_P3));
    p = KL_FMADD(p, r, KL_SET1(KL_EXP_P4));
    p = KL_FMADD(p, r, KL_SET1(KL_EXP_P5));
    kl_vec e = KL_ADD(KL_FMADD(p, KL_MUL(r, r), r), KL_SET1(1.0f));
    return KL_MUL(e, KL_POW2(n));
}

KL_TARGET
static inline kl_vec KL_NAME(kl_sigmoid_vec)(kl_vec x) {
    kl_vec one = KL_SET1(1.0f);
    return KL_DIV(one, KL_ADD(one, KL_NAME(kl_exp)(KL_SUB(KL_ZERO(), x))));
}

KL_TARGET
static inline kl_vec KL_NAME(kl_tanh_vec)(kl_vec x) {
    x = KL_MIN(KL_MAX(x, KL_SET1(-KL_TANH_CLAMP)), KL_SET1(KL_TANH_CLAMP));
    kl_vec x2 = KL_MUL(x, x);
    kl_vec p = KL_FMADD(x2, KL_SET1(KL_TANH_A13), KL_SET1(KL_TANH_A11));
    p = KL_FMADD(x2, p, KL_SET1(KL_TANH_A9));
    p = KL_FMADD(x2, p, KL_SET1(KL_TANH_A7));
    p = KL_FMADD(x2, p, KL_SET1(KL_TANH_A5));
    p = KL_FMADD(x2, p, KL_SET1(KL_TANH_A3));
    p = KL_FMADD(x2, p, KL_SET1(KL_TANH_A1));
    p = KL_MUL(x, p);
    kl_vec q = KL_FMADD(x2, KL_SET1(KL_TANH_B6), KL_SET1(KL_TANH_B4));
    q = KL_FMADD(x2, q, KL_SET1(KL_TANH_B2));
    q = KL_FMADD(x2, q, KL_SET1(KL_TANH_B0));
    return KL_DIV(p, q);
}

KL_TARGET
static inline void KL_NAME(kl_sigmoid)(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        KL_STORE_LEFT(x + i, left, KL_NAME(kl_sigmoid_vec)(KL_LOAD_LEFT(x + i, left)));
    }
}

KL_TARGET
static inline void KL_NAME(kl_tanh)(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        KL_STORE_LEFT(x + i, left, KL_NAME(kl_tanh_vec)(KL_LOAD_LEFT(x + i, left)));
    }
}

KL_TARGET
static inline void KL_NAME(kl_swish)(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        kl_vec v = KL_LOAD_LEFT(x + i, left);
        KL_STORE_LEFT(x + i, left, KL_MUL(v, KL_NAME(kl_sigmoid_vec)(v)));
    }
}

/// `gx += g · swish′(x)`, with `swish′(x) = σ(x) + x·σ(x)·(1 − σ(x))`: EfficientNet's backward pass.
KL_TARGET
static inline void KL_NAME(kl_swish_gradient)(const float *x, const float *g, float *gx, int64_t n) {
    const kl_vec one = KL_SET1(1.0f);
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        kl_vec v = KL_LOAD_LEFT(x + i, left), s = KL_NAME(kl_sigmoid_vec)(v);
        kl_vec derivative = KL_FMADD(KL_MUL(v, s), KL_SUB(one, s), s);
        KL_STORE_LEFT(gx + i, left, KL_FMADD(KL_LOAD_LEFT(g + i, left), derivative, KL_LOAD_LEFT(gx + i, left)));
    }
}

/// Hard-swish in place: `KL_HARD_SILU`, the operations of `HardSilu.value`, so the same bits (NaN aside). The
/// activation steps of a gradient plan (MobileNetV3).
KL_TARGET
static inline void KL_NAME(kl_hard_silu)(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        kl_vec v = KL_LOAD_LEFT(x + i, left);
        KL_STORE_LEFT(x + i, left, KL_HARD_SILU(v));
    }
}

/// `gx += g · hard_silu′(x)`, with `hard_silu′(x) = min(max(x + 3, 0), 6) / 6 + (−3 < x < 3 ? x / 6 : 0)` and the
/// product added after it is rounded, operation for operation as `HardSilu.derivative` and the scalar loop: the same
/// bits (NaN aside). MobileNetV3's backward pass.
KL_TARGET
static inline void KL_NAME(kl_hard_silu_gradient)(const float *x, const float *g, float *gx, int64_t n) {
    const kl_vec three = KL_SET1(3.0f), minusThree = KL_SET1(-3.0f), six = KL_SET1(6.0f);
    for (int64_t i = 0; i < n; i += KL_LANES) {
        int left = (int)(n - i);
        kl_vec v = KL_LOAD_LEFT(x + i, left);
        kl_vec derivative = KL_ADD(KL_HARD_SIGMOID(v), KL_WHERE_BETWEEN(v, minusThree, three, KL_DIV(v, six)));
        KL_STORE_LEFT(gx + i, left, KL_ADD(KL_LOAD_LEFT(gx + i, left), KL_MUL(KL_LOAD_LEFT(g + i, left), derivative)));
    }
}
