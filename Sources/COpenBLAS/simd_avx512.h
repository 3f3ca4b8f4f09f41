// The AVX-512 instruction set for the generic kernels of conv_direct.h and conv_winograd.h: 16 lanes, masked loads
// and stores at full speed, 32 registers (register blocks of 8 positions × 2 vectors).
#pragma once
#include <cpuid.h>
#include <immintrin.h>

/// Whether the CPU and the OS support AVX-512F (CPUID leaf 7, and XCR0 saving the opmask and ZMM state).
static inline int kl_has_avx512(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 16))) return 0;  // AVX512F
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 0xE6) == 0xE6;  // SSE, AVX, opmask, ZMM0-15 upper halves, ZMM16-31
}

/// The lanes below `left` (none when `left` ≤ 0).
static inline __mmask16 kl_mask16(int left) {
    return left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
}

/// The sum of the 16 lanes: halves added pairwise down to one value, in a fixed order.
__attribute__((target("avx512f")))
static inline float kl_sum_lanes16(__m512 v) {
    const __m256 half = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    const __m128 quarter = _mm_add_ps(_mm256_castps256_ps128(half), _mm256_extractf128_ps(half, 1));
    const __m128 pair = _mm_add_ps(quarter, _mm_movehl_ps(quarter, quarter));
    return _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)));
}

#define KL_TARGET __attribute__((target("avx512f,fma")))
#define KL_NAME(name) name##_avx512
#define KL_LANES 16
#define KL_POSITIONS_BLOCK KL_POSITIONS_8
#define KL_BLOCK 8
#define kl_vec __m512
#define KL_ZERO() _mm512_setzero_ps()
#define KL_SET1(x) _mm512_set1_ps(x)
#define KL_LOAD(p) _mm512_loadu_ps(p)
#define KL_STORE(p, v) _mm512_storeu_ps(p, v)
#define KL_LOAD_LEFT(p, left) _mm512_maskz_loadu_ps(kl_mask16(left), p)
#define KL_STORE_LEFT(p, left, v) _mm512_mask_storeu_ps(p, kl_mask16(left), v)
#define KL_FMADD(a, b, c) _mm512_fmadd_ps(a, b, c)
#define KL_ADD(a, b) _mm512_add_ps(a, b)
#define KL_SUM_LANES(v) kl_sum_lanes16(v)
#define KL_SUB(a, b) _mm512_sub_ps(a, b)
#define KL_MAX(a, b) _mm512_max_ps(a, b)
#define KL_MIN(a, b) _mm512_min_ps(a, b)
/// `y ≥ x ? y : x` lane by lane (a NaN `y` passed over, of two equal values `y`).
#define KL_MAX_ORDERED(x, y) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(y, x, _CMP_GE_OQ), x, y)
#define KL_MUL(a, b) _mm512_mul_ps(a, b)
#define KL_DIV(a, b) _mm512_div_ps(a, b)
/// `then` in the lanes where `a == b` (ordered: NaN lanes excluded), `otherwise` elsewhere.
#define KL_SELECT_EQUAL(a, b, then, otherwise) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ), otherwise, then)
/// `value` in the lanes where `low < v < high` (ordered: NaN lanes excluded), 0 elsewhere.
#define KL_WHERE_BETWEEN(v, low, high, value) \
    _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, low, _CMP_GT_OQ) & _mm512_cmp_ps_mask(v, high, _CMP_LT_OQ), value)
#define KL_ROUND(a) _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define KL_POW2(n) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23))
