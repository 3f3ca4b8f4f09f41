// Sigmoid, tanh and swish one value at a time, by exactly the operations activation_vector.h applies to each lane (fused
// multiply-adds included), so that a value computed alone equals the same value computed in a vector.
#pragma once
#include <math.h>
#include "activation_constants.h"

static inline float kl_exp1(float x) {
    x = fminf(fmaxf(x, KL_EXP_LOW), KL_EXP_HIGH);
    float n = nearbyintf(x * KL_LOG2E);
    float r = fmaf(n, -KL_LN2_HIGH, x);
    r = fmaf(n, -KL_LN2_LOW, r);
    float p = fmaf(KL_EXP_P0, r, KL_EXP_P1);
    p = fmaf(p, r, KL_EXP_P2);
    p = fmaf(p, r, KL_EXP_P3);
    p = fmaf(p, r, KL_EXP_P4);
    p = fmaf(p, r, KL_EXP_P5);
    float e = fmaf(p, r * r, r) + 1.0f;
    union { int i; float f; } scale = { .i = ((int)n + 127) << 23 };
    return e * scale.f;
}

static inline float kl_sigmoid1(float x) { return 1.0f / (1.0f + kl_exp1(-x)); }

static inline float kl_swish1(float x) { return x * kl_sigmoid1(x); }

static inline float kl_tanh1(float x) {
    x = fminf(fmaxf(x, -KL_TANH_CLAMP), KL_TANH_CLAMP);
    float x2 = x * x;
    float p = fmaf(x2, KL_TANH_A13, KL_TANH_A11);
    p = fmaf(x2, p, KL_TANH_A9);
    p = fmaf(x2, p, KL_TANH_A7);
    p = fmaf(x2, p, KL_TANH_A5);
    p = fmaf(x2, p, KL_TANH_A3);
    p = fmaf(x2, p, KL_TANH_A1);
    p = x * p;
    float q = fmaf(x2, KL_TANH_B6, KL_TANH_B4);
    q = fmaf(x2, q, KL_TANH_B2);
    q = fmaf(x2, q, KL_TANH_B0);
    return p / q;
}
