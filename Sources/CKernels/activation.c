// σ and tanh over arrays (see `nnb_slogistic_using` in CKernels.h and activation_math.h).

#include "CKernels.h"
#include "gemm_support.h"
#include "activation_math.h"

#define ACTIVATION_PORTABLE(NAME, T, FN)                                                          \
    static void NAME(const T *x, T *y, ptrdiff_t count) {                                         \
        for (ptrdiff_t i = 0; i < count; i++) y[i] = FN(x[i]);                                    \
    }

ACTIVATION_PORTABLE(slogistic_portable, float, nnb_sigmoid_f)
ACTIVATION_PORTABLE(stanh_portable, float, nnb_tanh_f)
ACTIVATION_PORTABLE(dlogistic_portable, double, nnb_sigmoid_d)
ACTIVATION_PORTABLE(dtanh_portable, double, nnb_tanh_d)

#if NNB_HAS_AVX2_FORMS
/// Whole vectors, then the last values one at a time through the scalar form (same bits).
#define ACTIVATION_AVX2(NAME, T, LANES, VFN, FN, LOAD, STORE)                                     \
    __attribute__((target("avx2,fma"))) static void NAME(const T *x, T *y, ptrdiff_t count) {     \
        ptrdiff_t i = 0;                                                                          \
        for (; i + LANES <= count; i += LANES) STORE(y + i, VFN(LOAD(x + i)));                    \
        for (; i < count; i++) y[i] = FN(x[i]);                                                   \
    }

ACTIVATION_AVX2(slogistic_avx2, float, 8, nnb_sigmoid_f8, nnb_sigmoid_f, _mm256_loadu_ps, _mm256_storeu_ps)
ACTIVATION_AVX2(stanh_avx2, float, 8, nnb_tanh_f8, nnb_tanh_f, _mm256_loadu_ps, _mm256_storeu_ps)
ACTIVATION_AVX2(dlogistic_avx2, double, 4, nnb_sigmoid_d4, nnb_sigmoid_d, _mm256_loadu_pd, _mm256_storeu_pd)
ACTIVATION_AVX2(dtanh_avx2, double, 4, nnb_tanh_d4, nnb_tanh_d, _mm256_loadu_pd, _mm256_storeu_pd)
#endif

void nnb_slogistic_using(nnb_kernel kernel, const float *x, float *y, ptrdiff_t count) {
    NNB_DISPATCH(kernel, slogistic_avx2, slogistic_portable, x, y, count);
}

void nnb_stanh_using(nnb_kernel kernel, const float *x, float *y, ptrdiff_t count) {
    NNB_DISPATCH(kernel, stanh_avx2, stanh_portable, x, y, count);
}

void nnb_dlogistic_using(nnb_kernel kernel, const double *x, double *y, ptrdiff_t count) {
    NNB_DISPATCH(kernel, dlogistic_avx2, dlogistic_portable, x, y, count);
}

void nnb_dtanh_using(nnb_kernel kernel, const double *x, double *y, ptrdiff_t count) {
    NNB_DISPATCH(kernel, dtanh_avx2, dtanh_portable, x, y, count);
}
