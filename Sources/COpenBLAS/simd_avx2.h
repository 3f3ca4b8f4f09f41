// The AVX2 + FMA instruction set for the generic kernels of conv_direct.h and conv_winograd.h: 8 lanes, 16
// registers (register blocks of 6 positions × 2 vectors, the shape of the classic 6×16 sgemm kernel). Masked loads
// and stores are slower than plain ones on AMD's cores, so only a partial vector uses them.
#pragma once
#include <cpuid.h>
#include <immintrin.h>

/// Whether the CPU and the OS support AVX2 and FMA (CPUID leaves 1 and 7, and XCR0 saving the YMM state).
static inline int kl_has_avx2(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27)) || !(ecx & (1u << 12))) return 0;  // OSXSAVE, FMA
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 5))) return 0;  // AVX2
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 0x6) == 0x6;  // SSE, AVX
}

/// The lanes below `left` (none when `left` ≤ 0), as AVX2's sign-bit mask.
__attribute__((target("avx2")))
static inline __m256i kl_mask8(int left) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// The sum of the 8 lanes: halves added pairwise down to one value, in a fixed order.
__attribute__((target("avx2")))
static inline float kl_sum_lanes8(__m256 v) {
    const __m128 quarter = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 pair = _mm_add_ps(quarter, _mm_movehl_ps(quarter, quarter));
    return _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)));
}

#define KL_TARGET __attribute__((target("avx2,fma")))
#define KL_NAME(name) name##_avx2
#define KL_LANES 8
#define KL_POSITIONS_BLOCK KL_POSITIONS_6
#define KL_BLOCK 6
#define kl_vec __m256
#define KL_ZERO() _mm256_setzero_ps()
#define KL_SET1(x) _mm256_set1_ps(x)
#define KL_LOAD(p) _mm256_loadu_ps(p)
#define KL_STORE(p, v) _mm256_storeu_ps(p, v)
#define KL_LOAD_LEFT(p, left) ((left) >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, kl_mask8(left)))
#define KL_STORE_LEFT(p, left, v)                                                                                    \
    do {                                                                                                             \
        if ((left) >= 8) _mm256_storeu_ps(p, v);                                                                     \
        else if ((left) > 0) _mm256_maskstore_ps(p, kl_mask8(left), v);                                              \
    } while (0)
#define KL_FMADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#define KL_ADD(a, b) _mm256_add_ps(a, b)
#define KL_SUM_LANES(v) kl_sum_lanes8(v)
#define KL_SUB(a, b) _mm256_sub_ps(a, b)
#define KL_MAX(a, b) _mm256_max_ps(a, b)
#define KL_MIN(a, b) _mm256_min_ps(a, b)
/// `y ≥ x ? y : x` lane by lane (a NaN `y` passed over, of two equal values `y`).
#define KL_MAX_ORDERED(x, y) _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_GE_OQ))
#define KL_MUL(a, b) _mm256_mul_ps(a, b)
#define KL_DIV(a, b) _mm256_div_ps(a, b)
/// `then` in the lanes where `a == b` (ordered: NaN lanes excluded), `otherwise` elsewhere.
#define KL_SELECT_EQUAL(a, b, then, otherwise) _mm256_blendv_ps(otherwise, then, _mm256_cmp_ps(a, b, _CMP_EQ_OQ))
/// `value` in the lanes where `low < v < high` (ordered: NaN lanes excluded), 0 elsewhere.
#define KL_WHERE_BETWEEN(v, low, high, value) \
    _mm256_and_ps(_mm256_and_ps(_mm256_cmp_ps(v, low, _CMP_GT_OQ), _mm256_cmp_ps(v, high, _CMP_LT_OQ)), value)
#define KL_ROUND(a) _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define KL_POW2(n) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23))
