// The input gradient of a convolution whose input has few channels (an image's 1 to 4: a model's first layer), for
// the runtime's `GatheredAdjoint` (Sources/Runtime/Ops/GatheredAdjoint.swift). Included once per instruction set by
// shim.h, between simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: the adjoint convolution maps the output gradient's many channels back onto the input's few, and the
// direct kernel's lanes run over the adjoint's outputs: 3 of 16 busy for an RGB image (VGG16's `block1_conv1` took
// 4.6 ms backward against 0.56 forward, HMT's `conv2d` 8 ×). Here the lanes run over the layer's filters instead:
// each input value's gradient is a dot product, over the windows that read it and over the filters, of the output
// gradient with the kernel; every value is written once, and input rows are independent.
//
// Two input positions `stride` apart read the same kernel taps, one output position apart: they go together, so each
// vector of weights loaded serves both (one position alone loads as many vectors as it multiplies, more than the
// core's load ports keep up with). The X-macros expand one function per channel count, 1 to 4, chosen by
// `kl_conv_gather_row`; each position keeps two vectors of sums per channel.
#include <stddef.h>
#include <stdint.h>

#define KL_GATHER_CHANNELS_1(M) M(0)
#define KL_GATHER_CHANNELS_2(M) M(0) M(1)
#define KL_GATHER_CHANNELS_3(M) M(0) M(1) M(2)
#define KL_GATHER_CHANNELS_4(M) M(0) M(1) M(2) M(3)

#define KL_GATHER_DECLARE(c) kl_vec a##c##_0 = KL_ZERO(), a##c##_1 = a##c##_0, b##c##_0 = a##c##_0, b##c##_1 = a##c##_0;
/// Both positions' sums for channel c over two vectors of filters from f: `x0`, `x1` the first position's gradient,
/// `y0`, `y1` the second's.
#define KL_GATHER_BOTH(c)                                                                                            \
    {                                                                                                                \
        const kl_vec w0 = KL_LOAD(wt + (c) * filters + f), w1 = KL_LOAD(wt + (c) * filters + f + KL_LANES);          \
        a##c##_0 = KL_FMADD(x0, w0, a##c##_0);                                                                       \
        a##c##_1 = KL_FMADD(x1, w1, a##c##_1);                                                                       \
        b##c##_0 = KL_FMADD(y0, w0, b##c##_0);                                                                       \
        b##c##_1 = KL_FMADD(y1, w1, b##c##_1);                                                                       \
    }
#define KL_GATHER_BOTH_LEFT(c)                                                                                       \
    {                                                                                                                \
        const kl_vec w0 = KL_LOAD_LEFT(wt + (c) * filters + f, left);                                               \
        const kl_vec w1 = KL_LOAD_LEFT(wt + (c) * filters + f + KL_LANES, left - KL_LANES);                          \
        a##c##_0 = KL_FMADD(x0, w0, a##c##_0);                                                                       \
        a##c##_1 = KL_FMADD(x1, w1, a##c##_1);                                                                       \
        b##c##_0 = KL_FMADD(y0, w0, b##c##_0);                                                                       \
        b##c##_1 = KL_FMADD(y1, w1, b##c##_1);                                                                       \
    }
/// One position's sums (prefix `a` or `b`) for channel c over two vectors of filters from f.
#define KL_GATHER_ONE(c, P)                                                                                          \
    {                                                                                                                \
        P##c##_0 = KL_FMADD(x0, KL_LOAD(wt + (c) * filters + f), P##c##_0);                                          \
        P##c##_1 = KL_FMADD(x1, KL_LOAD(wt + (c) * filters + f + KL_LANES), P##c##_1);                               \
    }
#define KL_GATHER_ONE_LEFT(c, P)                                                                                     \
    {                                                                                                                \
        P##c##_0 = KL_FMADD(x0, KL_LOAD_LEFT(wt + (c) * filters + f, left), P##c##_0);                               \
        P##c##_1 = KL_FMADD(x1, KL_LOAD_LEFT(wt + (c) * filters + f + KL_LANES, left - KL_LANES), P##c##_1);         \
    }
#define KL_GATHER_ONE_A(c) KL_GATHER_ONE(c, a)
#define KL_GATHER_ONE_B(c) KL_GATHER_ONE(c, b)
#define KL_GATHER_ONE_LEFT_A(c) KL_GATHER_ONE_LEFT(c, a)
#define KL_GATHER_ONE_LEFT_B(c) KL_GATHER_ONE_LEFT(c, b)
/// Channel c's value at `out` from sums `P`: the two vectors added, then across the lanes.
#define KL_GATHER_STORE(c, P, out)                                                                                   \
    {                                                                                                                \
        const float value = KL_SUM_LANES(KL_ADD(P##c##_0, P##c##_1));                                                \
        (out)[c] = adding ? (out)[c] + value : value;                                                                \
    }
#define KL_GATHER_STORE_A(c) KL_GATHER_STORE(c, a, target + (ptrdiff_t)ix * channels)
#define KL_GATHER_STORE_B(c) KL_GATHER_STORE(c, b, target + (ptrdiff_t)(ix + strideWidth) * channels)

/// Vectors of the output gradient's filters from f: `x0`, `x1` of the first position's (at `gq`), of the second's
/// (at `hq`), or with `y0`, `y1` of both; `L` a full load (`KL_GATHER_FULL`) or a partial one.
#define KL_GATHER_LOAD_A(L) const kl_vec x0 = L(gq + f, left), x1 = L(gq + f + KL_LANES, left - KL_LANES);
#define KL_GATHER_LOAD_B(L) const kl_vec x0 = L(hq + f, left), x1 = L(hq + f + KL_LANES, left - KL_LANES);
#define KL_GATHER_LOAD_BOTH(L)                                                                                       \
    KL_GATHER_LOAD_A(L) const kl_vec y0 = L(hq + f, left), y1 = L(hq + f + KL_LANES, left - KL_LANES);
#define KL_GATHER_FULL(p, left) KL_LOAD(p)
/// One window's sums over all the filters, two vectors a step (`LOAD`, then `SUMS` per channel; the last, partial
/// step with `SUMS_LEFT`).
#define KL_GATHER_STEPS(CHANNELS, LOAD, SUMS, SUMS_LEFT)                                                             \
    {                                                                                                                \
        int32_t f = 0;                                                                                               \
        for (; f < full; f += 2 * KL_LANES) {                                                                        \
            LOAD(KL_GATHER_FULL)                                                                                     \
            CHANNELS(SUMS)                                                                                           \
        }                                                                                                            \
        if (f < filters) {                                                                                           \
            const int32_t left = filters - f;                                                                        \
            LOAD(KL_LOAD_LEFT)                                                                                       \
            CHANNELS(SUMS_LEFT)                                                                                      \
        }                                                                                                            \
    }

#define KL_GATHER_FUNCTION(C)                                                                                        \
    KL_TARGET                                                                                                        \
    static inline void KL_NAME(kl_conv_gather_row_##C)(const float *gradient, const float *weights,                  \
                                                       const kl_conv_geometry *g, int32_t iy, float *target,        \
                                                       int32_t adding) {                                             \
        const int32_t channels = (C), filters = g->filters, full = filters / (2 * KL_LANES) * (2 * KL_LANES);       \
        const int32_t outWidth = g->outWidth, kernelWidth = g->kernelWidth, strideWidth = g->strideWidth;           \
        int32_t kys[KL_GATHER_MOST_SIDE], oys[KL_GATHER_MOST_SIDE], rows = 0;                                        \
        int32_t k0, kStep, o0, oStep;                                                                                \
        kl_gather_axis(iy, g->padTop, g->strideHeight, g->dilationHeight, &k0, &kStep, &o0, &oStep);                 \
        for (int32_t ky = k0, oy = o0; ky < g->kernelHeight && oy >= 0; ky += kStep, oy -= oStep) {                  \
            if (oy < g->outHeight) { kys[rows] = ky; oys[rows] = oy; rows++; }                                       \
        }                                                                                                            \
        for (int32_t first = 0; first < g->inWidth; first += 2 * strideWidth) {                                     \
            for (int32_t ix = first; ix < first + strideWidth && ix < g->inWidth; ix++) {                            \
                const int32_t paired = ix + strideWidth < g->inWidth;                                                \
                KL_GATHER_CHANNELS_##C(KL_GATHER_DECLARE)                                                            \
                kl_gather_axis(ix, g->padLeft, strideWidth, g->dilationWidth, &k0, &kStep, &o0, &oStep);             \
                for (int32_t r = 0; r < rows; r++) {                                                                 \
                    const float *grow = gradient + (ptrdiff_t)oys[r] * outWidth * filters;                           \
                    const float *wrow = weights + (ptrdiff_t)kys[r] * kernelWidth * (C) * filters;                   \
                    for (int32_t kx = k0, ox = o0; kx < kernelWidth && ox >= -paired; kx += kStep, ox -= oStep) {    \
                        const float *wt = wrow + (ptrdiff_t)kx * (C) * filters;                                      \
                        const float *gq = grow + (ptrdiff_t)ox * filters, *hq = gq + filters;                        \
                        const int32_t inA = ox >= 0 && ox < outWidth;                                                \
                        const int32_t inB = paired && ox + 1 >= 0 && ox + 1 < outWidth;                              \
                        if (inA && inB)                                                                              \
                            KL_GATHER_STEPS(KL_GATHER_CHANNELS_##C, KL_GATHER_LOAD_BOTH, KL_GATHER_BOTH,             \
                                            KL_GATHER_BOTH_LEFT)                                                     \
                        else if (inA)                                                                                \
                            KL_GATHER_STEPS(KL_GATHER_CHANNELS_##C, KL_GATHER_LOAD_A, KL_GATHER_ONE_A,               \
                                            KL_GATHER_ONE_LEFT_A)                                                    \
                        else if (inB)                                                                                \
                            KL_GATHER_STEPS(KL_GATHER_CHANNELS_##C, KL_GATHER_LOAD_B, KL_GATHER_ONE_B,               \
                                            KL_GATHER_ONE_LEFT_B)                                                    \
                    }                                                                                                \
                }                                                                                                    \
                KL_GATHER_CHANNELS_##C(KL_GATHER_STORE_A)                                                            \
                if (paired) { KL_GATHER_CHANNELS_##C(KL_GATHER_STORE_B) }                                            \
            }                                                                                                        \
        }                                                                                                            \
    }

KL_GATHER_FUNCTION(1)
KL_GATHER_FUNCTION(2)
KL_GATHER_FUNCTION(3)
KL_GATHER_FUNCTION(4)

/// Input row `iy` of one sample's gradient (`gradient`: the sample's output gradient, [outHeight][outWidth][filters];
/// `target`: the row, [inWidth][channels], stored or with `adding` added to): for each input value,
/// `Σ over the windows (oy, ox, ky, kx) that read it, Σ_f gradient[oy][ox][f] · weights[ky][kx][c][f]` (`weights`:
/// Keras's kernel [kh][kw][channels][filters]), windows in kernel order, the filters in two vectors of sums a channel,
/// added together and across the lanes at the end. `g->channels` is 1 to 4, `g->kernelHeight` at most
/// KL_GATHER_MOST_SIDE.
KL_TARGET
static inline void KL_NAME(kl_conv_gather_row)(const float *gradient, const float *weights, const kl_conv_geometry *g,
                                               int32_t iy, float *target, int32_t adding) {
    switch (g->channels) {
    case 1: KL_NAME(kl_conv_gather_row_1)(gradient, weights, g, iy, target, adding); return;
    case 2: KL_NAME(kl_conv_gather_row_2)(gradient, weights, g, iy, target, adding); return;
    case 3: KL_NAME(kl_conv_gather_row_3)(gradient, weights, g, iy, target, adding); return;
    case 4: KL_NAME(kl_conv_gather_row_4)(gradient, weights, g, iy, target, adding); return;
    }
}
