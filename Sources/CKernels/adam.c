// Adam's elementwise update (see `nnb_sadam_step_using` in CKernels.h). In C rather than Swift
// because the engine is compiled for baseline x86-64: there Swift's SIMD8 code ran four lanes wide
// and took each √ one lane at a time, whereas the AVX2 versions here, picked at run time, update
// eight floats or four doubles per instruction.
//
// Every value goes through exactly the operations of the formula, each rounded on its own (no
// contraction into FMAs, and √ and ÷ are correctly rounded in every instruction set), so vector
// lanes, scalar tails and the portable loops agree bit for bit with each other and with a plain
// scalar loop in Swift.

#pragma STDC FP_CONTRACT OFF

#include "CKernels.h"

#include <math.h>

/// One update, for scalars or (with scalar operands splatted) for vectors of values.
#define ADAM_UPDATE(T, SQRT, P, G, M, V)                                                   \
    {                                                                                       \
        T w = (P), grad = (G) + weight_decay * w;                                           \
        T first = beta1 * (M) + one_minus_beta1 * grad;                                     \
        T second = beta2 * (V) + one_minus_beta2 * grad * grad;                             \
        (M) = first;                                                                        \
        (V) = second;                                                                       \
        (P) = shrink * w - step_size * (first / (SQRT(second) / correction + epsilon));     \
    }

#define ADAM_PARAMETERS(T)                                                                  \
    T *restrict p, const T *restrict g, T *restrict m, T *restrict v, ptrdiff_t count,      \
    T step_size, T correction, T beta1, T one_minus_beta1, T beta2, T one_minus_beta2,      \
    T epsilon, T weight_decay, T shrink

#define ADAM_ARGUMENTS                                                                      \
    p, g, m, v, count, step_size, correction, beta1, one_minus_beta1, beta2,                \
    one_minus_beta2, epsilon, weight_decay, shrink

static void sadam_portable(ADAM_PARAMETERS(float)) {
    for (ptrdiff_t i = 0; i < count; i++) ADAM_UPDATE(float, sqrtf, p[i], g[i], m[i], v[i])
}

static void dadam_portable(ADAM_PARAMETERS(double)) {
    for (ptrdiff_t i = 0; i < count; i++) ADAM_UPDATE(double, sqrt, p[i], g[i], m[i], v[i])
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Whole registers of lanes through the vector form, then the last few values one at a time.
#define ADAM_AVX2_LOOP(T, LANES, VT, SUFFIX, SQRT)                                          \
    ptrdiff_t i = 0;                                                                        \
    for (; i + LANES <= count; i += LANES) {                                                \
        VT P = _mm256_loadu_##SUFFIX(p + i), G = _mm256_loadu_##SUFFIX(g + i);              \
        VT M = _mm256_loadu_##SUFFIX(m + i), V = _mm256_loadu_##SUFFIX(v + i);              \
        ADAM_UPDATE(VT, _mm256_sqrt_##SUFFIX, P, G, M, V)                                   \
        _mm256_storeu_##SUFFIX(m + i, M);                                                   \
        _mm256_storeu_##SUFFIX(v + i, V);                                                   \
        _mm256_storeu_##SUFFIX(p + i, P);                                                   \
    }                                                                                       \
    for (; i < count; i++) ADAM_UPDATE(T, SQRT, p[i], g[i], m[i], v[i])

__attribute__((target("avx2")))
static void sadam_avx2(ADAM_PARAMETERS(float)) {
    ADAM_AVX2_LOOP(float, 8, __m256, ps, sqrtf)
}

__attribute__((target("avx2")))
static void dadam_avx2(ADAM_PARAMETERS(double)) {
    ADAM_AVX2_LOOP(double, 4, __m256d, pd, sqrt)
}
#endif

void nnb_sadam_step_using(nnb_kernel kernel, ADAM_PARAMETERS(float)) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) {
        sadam_avx2(ADAM_ARGUMENTS);
        return;
    }
#endif
    sadam_portable(ADAM_ARGUMENTS);
}

void nnb_dadam_step_using(nnb_kernel kernel, ADAM_PARAMETERS(double)) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) {
        dadam_avx2(ADAM_ARGUMENTS);
        return;
    }
#endif
    dadam_portable(ADAM_ARGUMENTS);
}
