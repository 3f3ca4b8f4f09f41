// Direct convolution, for the runtime's convolution kernel (Sources/Runtime/Ops/DirectConvolution.swift). Included
// once per instruction set by shim.h, between simd_<isa>.h and simd_end.h: no include guard on purpose.
//
// Why it exists: im2col + OpenBLAS sgemm spends ~40% of a convolution outside the multiply kernel (writing the
// im2col matrix, OpenBLAS re-packing it, zeroing and re-reading the output), and the GEMMs of small-channel
// convolutions are skinny. This kernel reads the (zero-padded) input in place: for a block of output positions it
// keeps `KL_BLOCK × 2` vectors of filter sums in registers and, tap by tap and channel by channel, adds one
// broadcast input value times two vectors of the kernel. Bias and ReLU (or the output's previous values, for a
// backward pass) are applied before the single store.
//
// It lives in a header because Swift cannot target an instruction set per function: static inline C functions here
// are compiled by Swift's Clang importer into the Runtime module, and the `target` attribute enables the vector
// instructions for them alone. Callers check `kl_has_avx512()` / `kl_has_avx2()` first.
#include <stddef.h>
#include <stdint.h>
#include "simd_blocks.h"

/// The instruction set's shape for Swift: lanes per vector and positions (or Winograd tiles) per register block.
enum { KL_NAME(kl_lanes) = KL_LANES, KL_NAME(kl_block) = KL_BLOCK };

/// One vector of position p's sums, for the filters from f0 + lane on, stored as `store` says: the residual added
/// first, then the activation (or the output's previous values).
#define KL_STORE_VECTOR(sum, p, lane)                                                                                \
    {                                                                                                                \
        const ptrdiff_t at = (ptrdiff_t)(x + (p)) * outputStride + f0 + (lane);                                      \
        const int32_t left = filters - f0 - (lane);                                                                  \
        float *o = output + at;                                                                                      \
        if (residual) sum = KL_ADD(sum, KL_LOAD_LEFT(residual + at, left));                                          \
        KL_FINISH_STORE(sum, o, left)                                                                                \
    }
#define KL_STORE_BLOCK(p) KL_STORE_VECTOR(sum0_##p, p, 0) KL_STORE_VECTOR(sum1_##p, p, KL_LANES)
#define KL_STORE_FIRST(p) KL_STORE_VECTOR(sum0_##p, p, 0)
/// A block's sums on entering a pass over the kernel: the bias in the first pass, else where the last pass left them.
#define KL_RESUME(p)                                                                                                 \
    kl_vec sum0_##p = first ? bias0 : KL_LOAD(partial + (p) * weightStride);                                        \
    kl_vec sum1_##p = first ? bias1 : KL_LOAD(partial + (p) * weightStride + KL_LANES);
#define KL_RESUME_FIRST(p) kl_vec sum0_##p = first ? bias0 : KL_LOAD(partial + (p) * weightStride);
#define KL_PAUSE(p)                                                                                                  \
    {                                                                                                                \
        KL_STORE(partial + (p) * weightStride, sum0_##p);                                                            \
        KL_STORE(partial + (p) * weightStride + KL_LANES, sum1_##p);                                                 \
    }
#define KL_PAUSE_FIRST(p) KL_STORE(partial + (p) * weightStride, sum0_##p);
/// One pass of one block of positions (`POSITIONS` names the X-macro) for filters f0..<f0 + 2 · KL_LANES: the
/// kernel's taps × channels sums numbered k0..<k1 (tap-major, so every pass adds in the kernel's order; the first is
/// channel passFrom of tap passTap), kept at `partial` between passes and stored after the last. A block of at most
/// KL_LANES filters (`oneVector`) keeps one vector of sums a position: its second would only add zeros.
#define KL_CONV_BLOCK(POSITIONS)                                                                                     \
    do {                                                                                                             \
        if (oneVector)                                                                                               \
            KL_CONV_BLOCK_WITH(POSITIONS, KL_RESUME_FIRST, KL_ACCUMULATE_FIRST, KL_STORE_FIRST, KL_PAUSE_FIRST)      \
        else                                                                                                         \
            KL_CONV_BLOCK_WITH(POSITIONS, KL_RESUME, KL_ACCUMULATE, KL_STORE_BLOCK, KL_PAUSE)                        \
        partial += KL_BLOCK * weightStride;                                                                          \
    } while (0)
#define KL_CONV_BLOCK_WITH(POSITIONS, RESUME, ACCUMULATE, STORE, PAUSE)                                              \
    {                                                                                                                \
        POSITIONS(RESUME)                                                                                            \
        for (int32_t k = k0, t = passTap, from = passFrom; k < k1; t++, from = 0) {                                  \
            const int32_t to = from + (k1 - k) < channels ? from + (k1 - k) : channels;                              \
            const float *in = input + (ptrdiff_t)x * positionStride + taps[t];                                       \
            const float *w = block + (ptrdiff_t)t * channels * weightStride;                                         \
            KL_CHANNEL_RANGE_SUMS_WITH(POSITIONS, ACCUMULATE, from, to)                                              \
            k += to - from;                                                                                          \
        }                                                                                                            \
        if (last) {                                                                                                  \
            POSITIONS(STORE)                                                                                         \
        } else {                                                                                                     \
            POSITIONS(PAUSE)                                                                                         \
        }                                                                                                            \
    }

/// Sums (taps × channels) per pass over a group of register blocks: one filter block's weights for a pass
/// (KL_PASS · 2 · KL_LANES floats: 32 KB with AVX-512, 16 KB with AVX2) stay in L1 while the group's blocks read them.
/// In one pass over all of a wide kernel (Xception's 728 channels: 93 KB a filter block with AVX-512), every block
/// streamed them from L2.
#define KL_PASS 256
/// Register blocks per group: their sums wait between passes in a buffer of KL_GROUP + 4 blocks (the last group
/// also takes the run's tail: one overlapping block, or a block of 4 and up to 3 single positions).
#define KL_GROUP 8
/// The largest filter block (floats) whose weights are prefetched while the block before it runs: 1 MB, a fraction
/// of L2. A bigger one (VGG16's `fc1`: 3.2 MB a block of 32 of its 4,096 units) would evict its own first lines
/// before they are read and cross the memory bus twice; the cores' own stream prefetchers keep up with it.
#define KL_PREFETCH_MOST (256 * 1024)

/// Positions per register block for a run of `positions`: KL_BLOCK, or with AVX-512's blocks of 8, 7 where that
/// divides the run and 8 does not (ResNet's 7 × 7 = 49 positions would compute 56). The runtime's chunks of
/// positions (`RowChunks`) follow the same choice.
static inline int32_t KL_NAME(kl_run_block)(int32_t positions) {
    return KL_BLOCK == 8 && positions % 8 != 0 && positions % 7 == 0 ? 7 : KL_BLOCK;
}

/// One run of `positions` output positions (typically an output row), channels-last, `outputStride` floats apart:
/// `output[x][f] = bias[f] + Σ_t Σ_c input[x·positionStride + taps[t] + c] · weights[t][c][f]` for f < `filters`,
/// stored as `store` says (`KL_STORE_SUMS`, `KL_STORE_RELU`, or `KL_STORE_ADDING`: added to `output[x][f]`), with
/// `residual[x][f]` (laid out as the output; NULL for none) added before the activation: a residual connection's
/// `relu(conv(x) + shortcut)` in one pass. A call
/// for some of a layer's filters passes their block's weights, bias and output column, and `outputStride` the
/// layer's filter count. `input` points at the
/// run's first window origin in a zero-padded sample, `taps` holds each kernel tap's offset from it, `weights` is
/// Keras's kernel packed in blocks of 2 · KL_LANES filters, [filters / (2 · KL_LANES)][taps][channels][2 · KL_LANES]
/// (the last block zero-padded), so that one block's sums read their weights as one contiguous stream; `bias` may be
/// NULL. Every position's sums are added in the same order whichever block computes them.
KL_TARGET
static inline void KL_NAME(kl_conv_run)(const float *input, const int32_t *taps, int32_t tapCount, int32_t channels,
                                        int32_t positionStride, const float *weights, const float *bias,
                                        int32_t filters, int32_t outputStride, float *output, const float *residual,
                                        int32_t positions, int32_t store) {
    const kl_vec zero = KL_ZERO(), six = KL_SET1(6.0f);
    const int32_t weightStride = 2 * KL_LANES, runBlock = KL_NAME(kl_run_block)(positions);
    const ptrdiff_t blockFloats = (ptrdiff_t)2 * KL_LANES * tapCount * channels;
    const int32_t prefetchStep = kl_prefetch_step(2 * KL_LANES, (positions + runBlock - 1) / runBlock);
    const int32_t sums = tapCount * channels, fullBlocks = positions / runBlock, tail = fullBlocks * runBlock;
    float partials[(KL_GROUP + 4) * KL_BLOCK * 2 * KL_LANES] __attribute__((aligned(64)));
    for (int32_t f0 = 0; f0 < filters; f0 += 2 * KL_LANES) {
        const float *block = weights + (ptrdiff_t)f0 * tapCount * channels;
        const float *prefetch = block + blockFloats;
        const float *prefetchEnd = f0 + 2 * KL_LANES < filters && blockFloats <= KL_PREFETCH_MOST ? prefetch + blockFloats : prefetch;
        kl_vec bias0 = bias ? KL_LOAD_LEFT(bias + f0, filters - f0) : zero;
        kl_vec bias1 = bias ? KL_LOAD_LEFT(bias + f0 + KL_LANES, filters - f0 - KL_LANES) : zero;
        const int oneVector = filters - f0 <= KL_LANES;
        for (int32_t b0 = 0; b0 < fullBlocks || (b0 == 0 && tail < positions); b0 += KL_GROUP) {
            const int32_t b1 = b0 + KL_GROUP < fullBlocks ? b0 + KL_GROUP : fullBlocks;
            for (int32_t k0 = 0; k0 < sums; k0 += KL_PASS) {
                const int32_t k1 = k0 + KL_PASS < sums ? k0 + KL_PASS : sums, first = k0 == 0, last = k1 == sums;
                const int32_t passTap = k0 / channels, passFrom = k0 - passTap * channels;
                float *partial = partials;
                for (int32_t x = b0 * runBlock; x < b1 * runBlock; x += runBlock) {
                    if (runBlock == 7) KL_CONV_BLOCK(KL_POSITIONS_7);
                    else KL_CONV_BLOCK(KL_POSITIONS_BLOCK);
                }
                // `continue`: on to the next pass.
                if (b1 < fullBlocks || tail == positions) continue;
                if (positions >= KL_BLOCK && store != KL_STORE_ADDING) {
                    // The last block overlaps the one before it: recomputing a few positions at full speed beats
                    // the single-position block, whose two dependent sums leave the FMA units mostly idle (not
                    // when adding to the output: the overlap would be added twice).
                    const int32_t x = positions - KL_BLOCK;
                    KL_CONV_BLOCK(KL_POSITIONS_BLOCK);
                    continue;
                }
                int32_t x = tail;
                for (; x + 4 <= positions; x += 4) KL_CONV_BLOCK(KL_POSITIONS_4);
                for (; x < positions; x++) KL_CONV_BLOCK(KL_POSITIONS_1);
            }
        }
    }
}
