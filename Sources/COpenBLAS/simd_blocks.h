// The register blocks shared by conv_direct.h and conv_winograd.h, written against the instruction-set macros of
// simd_avx512.h or simd_avx2.h (KL_SET1, KL_FMADD, kl_vec, …), which are in force where a block is expanded.
//
// The block is unrolled by hand (X-macros over the positions) rather than left to loops over small arrays: Swift's
// Clang importer compiles imported inline functions for size, which does not unroll them or keep the arrays in
// registers.
#pragma once

/// How the direct and depthwise kernels store a block's sums: as they are, through ReLU, added to what the output
/// holds (a backward pass accumulating into a gradient that several layers feed), through ReLU capped at 6
/// (MobileNet's ReLU6), through hard-swish (MobileNetV3's `x · relu6(x + 3) / 6`), or through swish (EfficientNet's
/// `x · σ(x)`).
enum { KL_STORE_SUMS = 0, KL_STORE_RELU = 1, KL_STORE_ADDING = 2, KL_STORE_RELU6 = 3, KL_STORE_HARD_SILU = 4, KL_STORE_SWISH = 5 };

/// `min(max(v + 3, 0), 6) / 6` (Keras's hard sigmoid): hard-swish's gate and the first term of its derivative.
#define KL_HARD_SIGMOID(v) KL_DIV(KL_MIN(KL_MAX(KL_ADD(v, KL_SET1(3.0f)), KL_ZERO()), KL_SET1(6.0f)), KL_SET1(6.0f))

/// Hard-swish of a vector, `v · (min(max(v + 3, 0), 6) / 6)`, operation for operation as `HardSilu.value` computes
/// it one value at a time (a correctly rounded division, not a multiplication by 1/6), so the same bits.
#define KL_HARD_SILU(v) KL_MUL(v, KL_HARD_SIGMOID(v))

/// Swish of a vector, `v · σ(v)`, with activation_vector.h's sigmoid: the operations `kl_swish` (and `kl_swish1`, one
/// value at a time) apply, so the same bits as the pass after the kernel it replaces.
#define KL_SWISH(v) KL_MUL(v, KL_NAME(kl_sigmoid_vec)(v))

/// Stores the sums `sum` of the `left` lanes at `o` as `store` says (`zero` and `six` in scope): through the
/// activation, or added to what `o` holds.
#define KL_FINISH_STORE(sum, o, left)                                                                                \
    {                                                                                                                \
        if (store == KL_STORE_RELU) sum = KL_MAX(sum, zero);                                                         \
        if (store == KL_STORE_RELU6) sum = KL_MIN(KL_MAX(sum, zero), six);                                           \
        if (store == KL_STORE_HARD_SILU) sum = KL_HARD_SILU(sum);                                                    \
        if (store == KL_STORE_SWISH) sum = KL_SWISH(sum);                                                            \
        if (store == KL_STORE_ADDING) sum = KL_ADD(sum, KL_LOAD_LEFT(o, left));                                      \
        KL_STORE_LEFT(o, left, sum);                                                                                 \
    }

#define KL_POSITIONS_8(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#define KL_POSITIONS_7(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6)
#define KL_POSITIONS_6(M) M(0) M(1) M(2) M(3) M(4) M(5)
#define KL_POSITIONS_4(M) M(0) M(1) M(2) M(3)
#define KL_POSITIONS_1(M) M(0)
#define KL_DECLARE(p) kl_vec sum0_##p = bias0, sum1_##p = bias1;
/// Adds position p's input value times two vectors of weights (`w0`, `w1`) to its two sums.
#define KL_ACCUMULATE(p)                                                                                             \
    {                                                                                                                \
        kl_vec v = KL_SET1(in[(ptrdiff_t)(p) * positionStride + c]);                                                 \
        sum0_##p = KL_FMADD(v, w0, sum0_##p);                                                                        \
        sum1_##p = KL_FMADD(v, w1, sum1_##p);                                                                        \
    }
/// Σ over `channels` of the block's inputs times the weight rows at `w` (`weightStride` floats apart). Each channel
/// also asks for `prefetchStep` floats more of the weights the next block of filters will read (`prefetch` up to
/// `prefetchEnd`) to be brought into L2: a layer with few positions and megabytes of weights (ResNet's last stage for
/// one image) otherwise waits on memory for each block's first pass, 16 FMAs a channel being far faster than a core
/// streams from DRAM or, on Intel's mesh, from L3.
#define KL_CHANNEL_SUMS(POSITIONS) KL_CHANNEL_RANGE_SUMS(POSITIONS, 0, channels)
/// KL_CHANNEL_SUMS over the channels from..<to alone.
#define KL_CHANNEL_RANGE_SUMS(POSITIONS, from, to) KL_CHANNEL_RANGE_SUMS_WITH(POSITIONS, KL_ACCUMULATE, from, to)
/// Adds position p's input value times the first vector of weights (`w0`) to its one sum: a block of filters whose
/// second vector would be all padding (a layer's last ≤ KL_LANES filters).
#define KL_ACCUMULATE_FIRST(p)                                                                                       \
    {                                                                                                                \
        kl_vec v = KL_SET1(in[(ptrdiff_t)(p) * positionStride + c]);                                                 \
        sum0_##p = KL_FMADD(v, w0, sum0_##p);                                                                        \
    }
/// The channel loop with `ACCUMULATE` for each position (KL_ACCUMULATE_FIRST leaves `w1` unread, and its load goes).
#define KL_CHANNEL_RANGE_SUMS_WITH(POSITIONS, ACCUMULATE, from, to)                                                  \
    for (int32_t c = (from); c < (to); c++) {                                                                        \
        kl_vec w0 = KL_LOAD(w + (ptrdiff_t)c * weightStride);                                                        \
        kl_vec w1 = KL_LOAD(w + (ptrdiff_t)c * weightStride + KL_LANES);                                             \
        (void)w1;                                                                                                    \
        if (prefetch < prefetchEnd) {                                                                                \
            _mm_prefetch((const char *)prefetch, _MM_HINT_T1);                                                       \
            prefetch += prefetchStep;                                                                                \
        }                                                                                                            \
        POSITIONS(ACCUMULATE)                                                                                        \
    }

/// Floats of the next filter block's weights to prefetch per channel so that it is all asked for over `blocks`
/// register blocks of positions, each running over all its channels: at most a cache line (one prefetch brings one).
static inline int32_t kl_prefetch_step(int32_t blockWidth, int32_t blocks) {
    int32_t step = (blockWidth + blocks - 1) / (blocks < 1 ? 1 : blocks);
    return step > 16 ? 16 : step < 1 ? 1 : step;
}
