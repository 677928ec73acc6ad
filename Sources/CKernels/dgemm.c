// Double-precision product: a 6×8 AVX2 + FMA micro-kernel (12 ymm accumulators of 4 doubles) and a
// portable one of the same shape, both plugged into the shared blocked driver. The engine uses
// doubles for gradient checks, so this only has to be correct and reasonably fast.
//
// Blocking mirrors the float kernel in bytes: KC = 256 makes a B micro-panel 256×8 doubles =
// 16 KiB (L1-resident), MC = 72 a 144 KiB packed A block (in L2), and NC = 2040 a ≈ 4 MiB B slab
// (in L3), so both precisions share one per-thread workspace size.

#include "CKernels.h"
#include "gemm_support.h"

#define GEMM_T double
#define GEMM_MR 6
#define GEMM_NR 8
#define GEMM_MC 72
#define GEMM_KC 256
#define GEMM_NC 2040
#include "gemm_driver.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Folds the two 4-wide halves of one tile row into C, masking the edge columns so that they get
/// the same arithmetic as full rows.
__attribute__((target("avx2,fma"), always_inline))
static inline void dgemm_update_row_avx2(double *row, __m256d s0, __m256d s1, int nr,
                                         nnb_update mode, __m256d beta) {
    if (nr == 8) {
        if (mode == NNB_UPDATE_ACCUMULATE) {
            s0 = _mm256_add_pd(_mm256_loadu_pd(row), s0);
            s1 = _mm256_add_pd(_mm256_loadu_pd(row + 4), s1);
        } else if (mode == NNB_UPDATE_SCALE) {
            s0 = _mm256_add_pd(_mm256_mul_pd(beta, _mm256_loadu_pd(row)), s0);
            s1 = _mm256_add_pd(_mm256_mul_pd(beta, _mm256_loadu_pd(row + 4)), s1);
        }
        _mm256_storeu_pd(row, s0);
        _mm256_storeu_pd(row + 4, s1);
        return;
    }
    const __m256i lanes = _mm256_setr_epi64x(0, 1, 2, 3);
    __m256i m0 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(nr), lanes);
    __m256i m1 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(nr - 4), lanes);
    if (mode == NNB_UPDATE_ACCUMULATE) {
        s0 = _mm256_add_pd(_mm256_maskload_pd(row, m0), s0);
        s1 = _mm256_add_pd(_mm256_maskload_pd(row + 4, m1), s1);
    } else if (mode == NNB_UPDATE_SCALE) {
        s0 = _mm256_add_pd(_mm256_mul_pd(beta, _mm256_maskload_pd(row, m0)), s0);
        s1 = _mm256_add_pd(_mm256_mul_pd(beta, _mm256_maskload_pd(row + 4, m1)), s1);
    }
    _mm256_maskstore_pd(row, m0, s0);
    _mm256_maskstore_pd(row + 4, m1, s1);
}

__attribute__((target("avx2,fma")))
static void dgemm_kernel_avx2(int kc, const double *restrict a, const double *restrict b,
                              double *restrict c, ptrdiff_t ldc, int mr, int nr,
                              nnb_update mode, double beta) {
    __m256d c00 = _mm256_setzero_pd(), c01 = _mm256_setzero_pd();
    __m256d c10 = _mm256_setzero_pd(), c11 = _mm256_setzero_pd();
    __m256d c20 = _mm256_setzero_pd(), c21 = _mm256_setzero_pd();
    __m256d c30 = _mm256_setzero_pd(), c31 = _mm256_setzero_pd();
    __m256d c40 = _mm256_setzero_pd(), c41 = _mm256_setzero_pd();
    __m256d c50 = _mm256_setzero_pd(), c51 = _mm256_setzero_pd();
    // Unaligned loads: a B packed by nnb_dgemm_pack_b lives in a buffer of the caller's, 8-byte aligned.
    for (int p = 0; p < kc; p++, a += 6, b += 8) {
        __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4), x;
        x = _mm256_broadcast_sd(a + 0);
        c00 = _mm256_fmadd_pd(x, b0, c00); c01 = _mm256_fmadd_pd(x, b1, c01);
        x = _mm256_broadcast_sd(a + 1);
        c10 = _mm256_fmadd_pd(x, b0, c10); c11 = _mm256_fmadd_pd(x, b1, c11);
        x = _mm256_broadcast_sd(a + 2);
        c20 = _mm256_fmadd_pd(x, b0, c20); c21 = _mm256_fmadd_pd(x, b1, c21);
        x = _mm256_broadcast_sd(a + 3);
        c30 = _mm256_fmadd_pd(x, b0, c30); c31 = _mm256_fmadd_pd(x, b1, c31);
        x = _mm256_broadcast_sd(a + 4);
        c40 = _mm256_fmadd_pd(x, b0, c40); c41 = _mm256_fmadd_pd(x, b1, c41);
        x = _mm256_broadcast_sd(a + 5);
        c50 = _mm256_fmadd_pd(x, b0, c50); c51 = _mm256_fmadd_pd(x, b1, c51);
    }
    __m256d vbeta = _mm256_set1_pd(beta);
    dgemm_update_row_avx2(c, c00, c01, nr, mode, vbeta);
    if (mr > 1) dgemm_update_row_avx2(c + ldc, c10, c11, nr, mode, vbeta);
    if (mr > 2) dgemm_update_row_avx2(c + 2 * ldc, c20, c21, nr, mode, vbeta);
    if (mr > 3) dgemm_update_row_avx2(c + 3 * ldc, c30, c31, nr, mode, vbeta);
    if (mr > 4) dgemm_update_row_avx2(c + 4 * ldc, c40, c41, nr, mode, vbeta);
    if (mr > 5) dgemm_update_row_avx2(c + 5 * ldc, c50, c51, nr, mode, vbeta);
}
#endif

/// Plain C with the same tile shape; the compiler vectorises it for whatever the baseline is.
static void dgemm_kernel_portable(int kc, const double *restrict a, const double *restrict b,
                                  double *restrict c, ptrdiff_t ldc, int mr, int nr,
                                  nnb_update mode, double beta) {
    double acc[GEMM_MR][GEMM_NR] = {{0}};
    for (int p = 0; p < kc; p++, a += GEMM_MR, b += GEMM_NR)
        for (int i = 0; i < GEMM_MR; i++)
            for (int j = 0; j < GEMM_NR; j++) acc[i][j] += a[i] * b[j];
    for (int i = 0; i < mr; i++) {
        double *row = c + (ptrdiff_t)i * ldc;
        for (int j = 0; j < nr; j++) {
            double s = acc[i][j];
            if (mode == NNB_UPDATE_ACCUMULATE) {
                s = row[j] + s;
            } else if (mode == NNB_UPDATE_SCALE) {
                double scaled = beta * row[j];
                s = scaled + s;
            }
            row[j] = s;
        }
    }
}

void nnb_dgemm_using(nnb_kernel kernel, int trans_a, int trans_b, int m, int n, int k,
                     const double *a, int lda, const double *b, int ldb,
                     double beta, double *c, int ldc) {
    gemm_micro_kernel micro = dgemm_kernel_portable;
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) micro = dgemm_kernel_avx2;
#endif
    gemm_driver((gemm_kernels){micro, NULL}, trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void nnb_dgemm(int trans_a, int trans_b, int m, int n, int k,
               const double *a, int lda, const double *b, int ldb,
               double beta, double *c, int ldc) {
    nnb_dgemm_using(NNB_KERNEL_AUTOMATIC, trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

size_t nnb_dgemm_packed_b_count(int k, int n) { return gemm_packed_b_count(k, n); }

void nnb_dgemm_pack_b(int trans_b, int k, int n, const double *b, int ldb, double *packed) {
    gemm_pack_b_whole(trans_b, k, n, b, ldb, packed);
}

void nnb_dgemm_packed_b_using(nnb_kernel kernel, int trans_a, int m, int n, int k,
                              const double *a, int lda, const double *packed_b,
                              double beta, double *c, int ldc) {
    gemm_micro_kernel micro = dgemm_kernel_portable;
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel)) micro = dgemm_kernel_avx2;
#endif
    gemm_driver_packing((gemm_kernels){micro, NULL}, trans_a, 0, m, n, k, a, lda, NULL, 0, packed_b, beta, c, ldc);
}
