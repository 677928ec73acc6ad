// The engine's own σ and tanh (activation_template.h), in four forms: float and double, each one
// value at a time (`nnb_sigmoid_f`, `nnb_tanh_d`, ...) and AVX2 + FMA eight floats or four
// doubles at a time (`nnb_sigmoid_f8`, `nnb_tanh_d4`). A lane of a vector form gives the bits of
// the scalar form, so results do not depend on the CPU, on the libc, or on where a value falls
// in an array (docs: README, Speed; the accuracy, measured by scripts/activation_accuracy.py).
//
// Method: e^−y by Cody & Waite's range reduction (W. J. Cody, W. Waite, Software Manual for the
// Elementary Functions, 1980) and the Taylor polynomial of e^r on |r| ≤ ln(2)/2, degree 7 for
// float (truncation ≤ (ln2/2)^8/8!·e^(ln2/2) < 6.2e-9 relative, 0.05 ulp) and 13 for double (< 5e-18,
// 0.04 ulp). tanh below 0.625 by Cephes's approximations (S. L. Moshier, Methods and Programs
// for Mathematical Functions, 1989; Cephes `tanhf.c`: an odd degree-11 minimax polynomial,
// `tanh.c`: x + x³·P(x²)/Q(x²)). Every file including this one compiles with FP_CONTRACT OFF, so
// only the FMAs written as such are fused.

#ifndef NNBENCH_ACTIVATION_MATH_H
#define NNBENCH_ACTIVATION_MATH_H

#pragma STDC FP_CONTRACT OFF

#include <math.h>
#include <stdint.h>
#include <string.h>

static const float nnb_exp_coefficients_f[8] = {
    1.0f / 5040, 1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 1.0f / 2, 1.0f, 1.0f,
};

static const double nnb_exp_coefficients_d[14] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
    1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
};

__attribute__((always_inline)) static inline float nnb_pow2_f(int k) {
    uint32_t bits = (uint32_t)(k + 127) << 23;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

__attribute__((always_inline)) static inline double nnb_pow2_d(int64_t k) {
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

__attribute__((always_inline)) static inline float nnb_scale2_f(float p, float k) {
    int ki = (int)k, k1 = ki >> 1;
    return p * nnb_pow2_f(k1) * nnb_pow2_f(ki - k1);
}

__attribute__((always_inline)) static inline double nnb_scale2_d(double p, double k) {
    int64_t ki = (int64_t)k, k1 = ki >> 1;
    return p * nnb_pow2_d(k1) * nnb_pow2_d(ki - k1);
}

// ---- Scalar operations, shared by both precisions (the generic math functions pick the type).
#define V_ADD(a, b) ((a) + (b))
#define V_SUB(a, b) ((a) - (b))
#define V_MUL(a, b) ((a) * (b))
#define V_DIV(a, b) ((a) / (b))
#define V_GE(a, b) ((a) >= (b))
#define V_LT(a, b) ((a) < (b))
#define V_SELECT(m, a, b) ((m) ? (a) : (b))
#define V_ISNAN(x) ((x) != (x))
#define V_MIN(a, c) ((a) < (c) ? (a) : (c))
#define TARGET __attribute__((always_inline))

// ---- float, one value.
#define T float
#define V float
#define SFX f
#define V_SET1(c) ((float)(c))
#define V_FMA(a, b, c) fmaf(a, b, c)
#define V_ABS(x) fabsf(x)
#define V_RINT(x) rintf(x)
#define V_COPYSIGN(m, s) copysignf(m, s)
#define V_SCALE2(p, k) nnb_scale2_f(p, k)
#define C_LOG2E 1.44269504088896341f
#define C_LN2_HI 0.693359375f
#define C_LN2_LO (-2.12194440e-4f)
#define C_EXP_LIMIT 104.0f
#define EXP_COEFFICIENTS nnb_exp_coefficients_f
#define EXP_DEGREE 7
#define TANH_SMALL_LIMIT 0.625f
#define TANH_SMALL(a, s)                                                                          \
    V_FMA(V_MUL(V_FMA(V_FMA(V_FMA(V_FMA(V_SET1(-5.70498872745e-3f), s, V_SET1(2.06390887954e-2f)),\
                                  s, V_SET1(-5.37397155531e-2f)),                                 \
                            s, V_SET1(1.33314422036e-1f)),                                        \
                      s, V_SET1(-3.33332819422e-1f)),                                             \
                s),                                                                               \
          a, a)
#include "activation_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef V_FMA
#undef V_ABS
#undef V_RINT
#undef V_COPYSIGN
#undef V_SCALE2
#undef C_LOG2E
#undef C_LN2_HI
#undef C_LN2_LO
#undef C_EXP_LIMIT
#undef EXP_COEFFICIENTS
#undef EXP_DEGREE
#undef TANH_SMALL_LIMIT
#undef TANH_SMALL

// ---- double, one value.
#define T double
#define V double
#define SFX d
#define V_SET1(c) ((double)(c))
#define V_FMA(a, b, c) fma(a, b, c)
#define V_ABS(x) fabs(x)
#define V_RINT(x) rint(x)
#define V_COPYSIGN(m, s) copysign(m, s)
#define V_SCALE2(p, k) nnb_scale2_d(p, k)
#define C_LOG2E 1.44269504088896338700e+00
#define C_LN2_HI 6.93147180369123816490e-01
#define C_LN2_LO 1.90821492927058770002e-10
#define C_EXP_LIMIT 746.0
#define EXP_COEFFICIENTS nnb_exp_coefficients_d
#define EXP_DEGREE 13
#define TANH_SMALL_LIMIT 0.625
#define TANH_SMALL(a, s)                                                                          \
    V_FMA(a,                                                                                      \
          V_MUL(s, V_DIV(V_FMA(V_FMA(V_SET1(-9.64399179425052238628e-1), s,                      \
                                     V_SET1(-9.92877231001918586564e1)),                          \
                               s, V_SET1(-1.61468768441708447952e3)),                             \
                         V_FMA(V_FMA(V_ADD(s, V_SET1(1.12811678491632931402e2)), s,               \
                                     V_SET1(2.23548839060100448583e3)),                           \
                               s, V_SET1(4.84406305325125486048e3)))),                            \
          a)
#include "activation_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef V_FMA
#undef V_ABS
#undef V_RINT
#undef V_COPYSIGN
#undef V_SCALE2
#undef C_LOG2E
#undef C_LN2_HI
#undef C_LN2_LO
#undef C_EXP_LIMIT
#undef EXP_COEFFICIENTS
#undef EXP_DEGREE
#undef TANH_SMALL_LIMIT
#undef TANH_SMALL
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_DIV
#undef V_GE
#undef V_LT
#undef V_SELECT
#undef V_ISNAN
#undef V_MIN
#undef TARGET

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNB_HAS_AVX2_FORMS 1
#define TARGET __attribute__((target("avx2,fma"), always_inline))

// ---- float, eight values (AVX2 + FMA).
#define T float
#define V __m256
#define SFX f8
#define V_SET1(c) _mm256_set1_ps((float)(c))
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_DIV(a, b) _mm256_div_ps(a, b)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_ABS(x) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x)
#define V_MIN(a, c) _mm256_min_ps(a, c)
#define V_RINT(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_GE(a, b) _mm256_cmp_ps(a, b, _CMP_GE_OQ)
#define V_LT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define V_SELECT(m, a, b) _mm256_blendv_ps(b, a, m)
#define V_ISNAN(x) _mm256_cmp_ps(x, x, _CMP_UNORD_Q)
#define V_COPYSIGN(m, s)                                                                          \
    _mm256_or_ps(V_ABS(m), _mm256_and_ps(_mm256_set1_ps(-0.0f), s))
#define V_SCALE2(p, k) nnb_scale2_f8(p, k)
#define C_LOG2E 1.44269504088896341f
#define C_LN2_HI 0.693359375f
#define C_LN2_LO (-2.12194440e-4f)
#define C_EXP_LIMIT 104.0f
#define EXP_COEFFICIENTS nnb_exp_coefficients_f
#define EXP_DEGREE 7
#define TANH_SMALL_LIMIT 0.625f
#define TANH_SMALL(a, s)                                                                          \
    V_FMA(V_MUL(V_FMA(V_FMA(V_FMA(V_FMA(V_SET1(-5.70498872745e-3f), s, V_SET1(2.06390887954e-2f)),\
                                  s, V_SET1(-5.37397155531e-2f)),                                 \
                            s, V_SET1(1.33314422036e-1f)),                                        \
                      s, V_SET1(-3.33332819422e-1f)),                                             \
                s),                                                                               \
          a, a)

TARGET static inline __m256 nnb_scale2_f8(__m256 p, __m256 k) {
    __m256i ki = _mm256_cvtps_epi32(k), k1 = _mm256_srai_epi32(ki, 1), k2 = _mm256_sub_epi32(ki, k1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}
#include "activation_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_DIV
#undef V_FMA
#undef V_ABS
#undef V_MIN
#undef V_RINT
#undef V_GE
#undef V_LT
#undef V_SELECT
#undef V_ISNAN
#undef V_COPYSIGN
#undef V_SCALE2
#undef C_LOG2E
#undef C_LN2_HI
#undef C_LN2_LO
#undef C_EXP_LIMIT
#undef EXP_COEFFICIENTS
#undef EXP_DEGREE
#undef TANH_SMALL_LIMIT
#undef TANH_SMALL

// ---- double, four values (AVX2 + FMA).
#define T double
#define V __m256d
#define SFX d4
#define V_SET1(c) _mm256_set1_pd((double)(c))
#define V_ADD(a, b) _mm256_add_pd(a, b)
#define V_SUB(a, b) _mm256_sub_pd(a, b)
#define V_MUL(a, b) _mm256_mul_pd(a, b)
#define V_DIV(a, b) _mm256_div_pd(a, b)
#define V_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define V_ABS(x) _mm256_andnot_pd(_mm256_set1_pd(-0.0), x)
#define V_MIN(a, c) _mm256_min_pd(a, c)
#define V_RINT(x) _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_GE(a, b) _mm256_cmp_pd(a, b, _CMP_GE_OQ)
#define V_LT(a, b) _mm256_cmp_pd(a, b, _CMP_LT_OQ)
#define V_SELECT(m, a, b) _mm256_blendv_pd(b, a, m)
#define V_ISNAN(x) _mm256_cmp_pd(x, x, _CMP_UNORD_Q)
#define V_COPYSIGN(m, s)                                                                          \
    _mm256_or_pd(V_ABS(m), _mm256_and_pd(_mm256_set1_pd(-0.0), s))
#define V_SCALE2(p, k) nnb_scale2_d4(p, k)
#define C_LOG2E 1.44269504088896338700e+00
#define C_LN2_HI 6.93147180369123816490e-01
#define C_LN2_LO 1.90821492927058770002e-10
#define C_EXP_LIMIT 746.0
#define EXP_COEFFICIENTS nnb_exp_coefficients_d
#define EXP_DEGREE 13
#define TANH_SMALL_LIMIT 0.625
#define TANH_SMALL(a, s)                                                                          \
    V_FMA(a,                                                                                      \
          V_MUL(s, V_DIV(V_FMA(V_FMA(V_SET1(-9.64399179425052238628e-1), s,                      \
                                     V_SET1(-9.92877231001918586564e1)),                          \
                               s, V_SET1(-1.61468768441708447952e3)),                             \
                         V_FMA(V_FMA(V_ADD(s, V_SET1(1.12811678491632931402e2)), s,               \
                                     V_SET1(2.23548839060100448583e3)),                           \
                               s, V_SET1(4.84406305325125486048e3)))),                            \
          a)

TARGET static inline __m256d nnb_scale2_d4(__m256d p, __m256d k) {
    __m128i ki = _mm256_cvtpd_epi32(k), k1 = _mm_srai_epi32(ki, 1), k2 = _mm_sub_epi32(ki, k1);
    __m256i bias = _mm256_set1_epi64x(1023);
    __m256d s1 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(k1), bias), 52));
    __m256d s2 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(k2), bias), 52));
    return _mm256_mul_pd(_mm256_mul_pd(p, s1), s2);
}
#include "activation_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_DIV
#undef V_FMA
#undef V_ABS
#undef V_MIN
#undef V_RINT
#undef V_GE
#undef V_LT
#undef V_SELECT
#undef V_ISNAN
#undef V_COPYSIGN
#undef V_SCALE2
#undef C_LOG2E
#undef C_LN2_HI
#undef C_LN2_LO
#undef C_EXP_LIMIT
#undef EXP_COEFFICIENTS
#undef EXP_DEGREE
#undef TANH_SMALL_LIMIT
#undef TANH_SMALL
#undef TARGET
#endif

/// Calls AVX2(...) when `kernel` resolves to the AVX2 + FMA forms on this CPU, else PORTABLE(...).
#if NNB_HAS_AVX2_FORMS
#define NNB_DISPATCH(kernel, AVX2, PORTABLE, ...)                                                 \
    if (nnb_kernel_uses_avx2(kernel)) AVX2(__VA_ARGS__);                                          \
    else PORTABLE(__VA_ARGS__)
#else
#define NNB_DISPATCH(kernel, AVX2, PORTABLE, ...) PORTABLE(__VA_ARGS__)
#endif

#endif
