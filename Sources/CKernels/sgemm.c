// Single-precision product: a 6×16 AVX2 + FMA micro-kernel and a portable one of the same shape,
// both plugged into the shared blocked driver; on CPUs with AVX-512 the driver also runs a 6×32
// AVX-512 tile over pairs of micro-panels (same operations per element, so the same bits; twice
// the AVX2 kernel's speed on an AVX-512 Xeon, Sapphire Rapids: 147 against 82 GFLOPS at n = 512),
// and an 8×32 one for the small products (n ≤ 64) that skip the driver.
//
// Cache blocking for Zen 3 (32 KiB L1d, 512 KiB L2 per core, 32 MiB L3), following BLIS's zen3
// choices: KC = 256 makes a B micro-panel 256×16 floats = 16 KiB, which stays in L1 while the 6 KiB
// A micro-panels stream past it; MC = 144 makes the packed A block 144×256 floats = 144 KiB, a
// comfortable fraction of L2 alongside the B panel and C tiles; NC = 4080 makes the packed B slab
// 256×4080 floats ≈ 4 MiB, which lives in L3 (and is only as large as n needs).

#include "CKernels.h"
#include "gemm_support.h"

#define GEMM_T float
#define GEMM_MR 6
#define GEMM_NR 16
#define GEMM_MC 144
#define GEMM_KC 256
#define GEMM_NC 4080
#include "gemm_driver.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Folds the two 8-wide halves of one tile row into C. Masked loads and stores serve the edge
/// columns with the same arithmetic as full rows, so edge elements round exactly like the others.
__attribute__((target("avx2,fma"), always_inline))
static inline void sgemm_update_row_avx2(float *row, __m256 s0, __m256 s1, int nr,
                                         nnb_update mode, __m256 beta) {
    if (nr == 16) {
        if (mode == NNB_UPDATE_ACCUMULATE) {
            s0 = _mm256_add_ps(_mm256_loadu_ps(row), s0);
            s1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), s1);
        } else if (mode == NNB_UPDATE_SCALE) {
            s0 = _mm256_add_ps(_mm256_mul_ps(beta, _mm256_loadu_ps(row)), s0);
            s1 = _mm256_add_ps(_mm256_mul_ps(beta, _mm256_loadu_ps(row + 8)), s1);
        }
        _mm256_storeu_ps(row, s0);
        _mm256_storeu_ps(row + 8, s1);
        return;
    }
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr), lanes);
    __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr - 8), lanes);
    if (mode == NNB_UPDATE_ACCUMULATE) {
        s0 = _mm256_add_ps(_mm256_maskload_ps(row, m0), s0);
        s1 = _mm256_add_ps(_mm256_maskload_ps(row + 8, m1), s1);
    } else if (mode == NNB_UPDATE_SCALE) {
        s0 = _mm256_add_ps(_mm256_mul_ps(beta, _mm256_maskload_ps(row, m0)), s0);
        s1 = _mm256_add_ps(_mm256_mul_ps(beta, _mm256_maskload_ps(row + 8, m1)), s1);
    }
    _mm256_maskstore_ps(row, m0, s0);
    _mm256_maskstore_ps(row + 8, m1, s1);
}

/// The 6×16 tile lives in 12 ymm accumulators; each k step loads one 16-float row of B (two
/// vectors), broadcasts six A values and issues 12 FMAs. Row i of the tile reads its A values at
/// a[min(i, a_rows − 1)·a_row + p·a_step] and row p of B at b[p·b_step], so one body serves packed
/// panels and operands read in place; the rows past `a_rows` repeat the last one instead of
/// reading outside A, and their sums are never stored.
__attribute__((target("avx2,fma"), always_inline))
static inline void sgemm_tile_avx2(int kc, const float *a, ptrdiff_t a_row, ptrdiff_t a_step,
                                   int a_rows, const float *b, ptrdiff_t b_step,
                                   float *restrict c, ptrdiff_t ldc, int mr, int nr,
                                   nnb_update mode, float beta) {
    // Start fetching the C tile now so that the update at the end does not wait on memory.
    for (int i = 0; i < mr; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
    const float *a0 = a, *a1 = a + gemm_min(1, a_rows - 1) * a_row;
    const float *a2 = a + gemm_min(2, a_rows - 1) * a_row, *a3 = a + gemm_min(3, a_rows - 1) * a_row;
    const float *a4 = a + gemm_min(4, a_rows - 1) * a_row, *a5 = a + gemm_min(5, a_rows - 1) * a_row;
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (ptrdiff_t p = 0, ap = 0; p < kc; p++, ap += a_step, b += b_step) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8), x;
        x = _mm256_broadcast_ss(a0 + ap);
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1 + ap);
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2 + ap);
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3 + ap);
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a4 + ap);
        c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a5 + ap);
        c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    __m256 vbeta = _mm256_set1_ps(beta);
    sgemm_update_row_avx2(c, c00, c01, nr, mode, vbeta);
    if (mr > 1) sgemm_update_row_avx2(c + ldc, c10, c11, nr, mode, vbeta);
    if (mr > 2) sgemm_update_row_avx2(c + 2 * ldc, c20, c21, nr, mode, vbeta);
    if (mr > 3) sgemm_update_row_avx2(c + 3 * ldc, c30, c31, nr, mode, vbeta);
    if (mr > 4) sgemm_update_row_avx2(c + 4 * ldc, c40, c41, nr, mode, vbeta);
    if (mr > 5) sgemm_update_row_avx2(c + 5 * ldc, c50, c51, nr, mode, vbeta);
}

/// Folds one 16-wide half of an AVX-512 tile row into C, the first `nr` columns of it (nr ≤ 16),
/// with the operations of sgemm_update_row_avx2: C + S, or (beta · C) + S rounded after the product.
__attribute__((target("avx512f"), always_inline))
static inline void sgemm_update_half_avx512(float *row, __m512 s, int nr, nnb_update mode, __m512 beta) {
    __mmask16 mask = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    if (mode == NNB_UPDATE_ACCUMULATE) s = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, row), s);
    else if (mode == NNB_UPDATE_SCALE) s = _mm512_add_ps(_mm512_mul_ps(beta, _mm512_maskz_loadu_ps(mask, row)), s);
    _mm512_mask_storeu_ps(row, mask, s);
}

/// A 6×32 micro-kernel over two adjacent packed B micro-panels (b and b + kc·16) for CPUs with
/// AVX-512: twelve 16-wide accumulators, where the 6×16 AVX2 tile has twelve 8-wide ones, so that
/// each FMA does twice the work. Every element of C gets the AVX2 tile's operations: a fused
/// multiply-add per p in increasing p from zero, then the same update, so the bits are the same.
__attribute__((target("avx512f")))
static void sgemm_kernel_avx512_two_panels(int kc, const float *restrict a, const float *restrict b,
                                           float *restrict c, ptrdiff_t ldc, int mr, int nr,
                                           nnb_update mode, float beta) {
    for (int i = 0; i < mr; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 31), _MM_HINT_T0);
    }
    const float *b2 = b + (ptrdiff_t)kc * GEMM_NR;
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++, a += GEMM_MR, b += GEMM_NR, b2 += GEMM_NR) {
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b2), x;
        x = _mm512_set1_ps(a[0]); c00 = _mm512_fmadd_ps(x, b0, c00); c01 = _mm512_fmadd_ps(x, b1, c01);
        x = _mm512_set1_ps(a[1]); c10 = _mm512_fmadd_ps(x, b0, c10); c11 = _mm512_fmadd_ps(x, b1, c11);
        x = _mm512_set1_ps(a[2]); c20 = _mm512_fmadd_ps(x, b0, c20); c21 = _mm512_fmadd_ps(x, b1, c21);
        x = _mm512_set1_ps(a[3]); c30 = _mm512_fmadd_ps(x, b0, c30); c31 = _mm512_fmadd_ps(x, b1, c31);
        x = _mm512_set1_ps(a[4]); c40 = _mm512_fmadd_ps(x, b0, c40); c41 = _mm512_fmadd_ps(x, b1, c41);
        x = _mm512_set1_ps(a[5]); c50 = _mm512_fmadd_ps(x, b0, c50); c51 = _mm512_fmadd_ps(x, b1, c51);
    }
    __m512 vbeta = _mm512_set1_ps(beta);
    __m512 sums[GEMM_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < mr; i++) {
        sgemm_update_half_avx512(c + i * ldc, sums[i][0], nr, mode, vbeta);
        if (nr > 16) sgemm_update_half_avx512(c + i * ldc + 16, sums[i][1], nr - 16, mode, vbeta);
    }
}

/// The micro-kernel on packed, zero-padded panels: A's six values per p side by side, B's rows 16
/// floats apart.
__attribute__((target("avx2,fma")))
static void sgemm_kernel_avx2(int kc, const float *restrict a, const float *restrict b,
                              float *restrict c, ptrdiff_t ldc, int mr, int nr,
                              nnb_update mode, float beta) {
    sgemm_tile_avx2(kc, a, 1, GEMM_MR, GEMM_MR, b, GEMM_NR, c, ldc, mr, nr, mode, beta);
}

/// Products with n ≤ SGEMM_SMALL_N and a single k block (k ≤ KC) skip the blocked driver: A is
/// read in place, and so is B unless it is transposed (then all of it is packed, once) or ends in
/// a partial 16-column panel (then that panel alone is packed, zero-padded). The tiles run the same
/// body as the packed micro-kernel, with the same k order, FMAs and update of C, so every element
/// gets the bits the driver would give it. For these sizes packing cost more than the arithmetic.
/// The choice depends on n and k only, never on m, so row blocks on other threads agree.
#define SGEMM_SMALL_N 64

static int sgemm_is_small(int n, int k) {
    return n > 0 && n <= SGEMM_SMALL_N && k > 0 && k <= GEMM_KC;
}

__attribute__((target("avx2,fma")))
static void sgemm_small_avx2(int trans_a, int trans_b, int m, int n, int k,
                             const float *a, int lda, const float *b, int ldb,
                             float beta, float *c, int ldc) {
    float *packed = gemm_workspace();
    int full = n / GEMM_NR * GEMM_NR;
    if (trans_b) gemm_pack_b(1, b, ldb, 0, k, 0, n, packed);
    else if (full < n) gemm_pack_b(0, b, ldb, 0, k, full, n - full, packed);
    // Row i of op(A) starts at a[i·lda] and steps by 1 along k, or at a[i] stepping by lda.
    ptrdiff_t a_row = trans_a ? 1 : lda, a_step = trans_a ? lda : 1;
    nnb_update mode = gemm_first_update(beta);
    // Rows outermost, so that a tile row's A values stay in L1 across the column panels.
    for (int ir = 0; ir < m; ir += GEMM_MR) {
        int mr = gemm_min(GEMM_MR, m - ir);
        for (int jr = 0; jr < n; jr += GEMM_NR) {
            const float *panel = trans_b ? packed + (ptrdiff_t)jr * k : jr < full ? b + jr : packed;
            ptrdiff_t b_step = trans_b || jr >= full ? GEMM_NR : ldb;
            sgemm_tile_avx2(k, a + ir * a_row, a_row, a_step, mr, panel, b_step,
                            c + (ptrdiff_t)ir * ldc + jr, ldc, mr, gemm_min(GEMM_NR, n - jr),
                            mode, beta);
        }
    }
}

/// The small path's AVX-512 tile: up to SGEMM_SMALL_MR rows of op(A) read in place (as
/// sgemm_tile_avx2 reads them), times a strip of op(B) up to 32 columns wide whose row p is the
/// 16 floats at b_lo + p·b_step and, with `halves` 2, the 16 at b_hi + p·b_step; masked loads
/// read only the strip's `nr` columns, so B is read in place even where a strip is partial, and
/// the other lanes hold zeros whose sums are never stored. Every element of C gets the AVX2
/// tile's operations (an FMA per p in increasing p from zero, then the same update): its bits.
#define SGEMM_SMALL_MR 8

__attribute__((target("avx512f"), always_inline))
static inline void sgemm_small_tile_avx512(int halves, int kc, const float *a, ptrdiff_t a_row,
                                           ptrdiff_t a_step, int a_rows, const float *b_lo,
                                           const float *b_hi, ptrdiff_t b_step, float *c,
                                           ptrdiff_t ldc, int mr, int nr, nnb_update mode, float beta) {
    __mmask16 mask_lo = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    __mmask16 mask_hi = nr >= 32 ? (__mmask16)0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;
    const float *rows[SGEMM_SMALL_MR];
    for (int i = 0; i < SGEMM_SMALL_MR; i++) rows[i] = a + gemm_min(i, a_rows - 1) * a_row;
    __m512 sums[SGEMM_SMALL_MR][2];
    for (int i = 0; i < SGEMM_SMALL_MR; i++) sums[i][0] = sums[i][1] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0, ap = 0; p < kc; p++, ap += a_step, b_lo += b_step, b_hi += b_step) {
        __m512 b0 = _mm512_maskz_loadu_ps(mask_lo, b_lo);
        __m512 b1 = halves > 1 ? _mm512_maskz_loadu_ps(mask_hi, b_hi) : _mm512_setzero_ps();
        for (int i = 0; i < SGEMM_SMALL_MR; i++) {
            __m512 x = _mm512_set1_ps(rows[i][ap]);
            sums[i][0] = _mm512_fmadd_ps(x, b0, sums[i][0]);
            if (halves > 1) sums[i][1] = _mm512_fmadd_ps(x, b1, sums[i][1]);
        }
    }
    __m512 vbeta = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        sgemm_update_half_avx512(c + i * ldc, sums[i][0], nr, mode, vbeta);
        if (halves > 1) sgemm_update_half_avx512(c + i * ldc + 16, sums[i][1], nr - 16, mode, vbeta);
    }
}

/// sgemm_small_avx2 on CPUs with AVX-512: 8×32 tiles (8×16 where at most 16 columns are left),
/// B read in place unless transposed (then packed once, as there). Twice the AVX2 tile's width
/// per FMA and no packing of partial panels; the same bits.
__attribute__((target("avx512f")))
static void sgemm_small_avx512(int trans_a, int trans_b, int m, int n, int k,
                               const float *a, int lda, const float *b, int ldb,
                               float beta, float *c, int ldc) {
    const float *packed = NULL;
    if (trans_b) {
        float *workspace = gemm_workspace();
        gemm_pack_b(1, b, ldb, 0, k, 0, n, workspace);
        packed = workspace;
    }
    ptrdiff_t a_row = trans_a ? 1 : lda, a_step = trans_a ? lda : 1;
    ptrdiff_t b_step = packed ? GEMM_NR : ldb;
    nnb_update mode = gemm_first_update(beta);
    for (int ir = 0; ir < m; ir += SGEMM_SMALL_MR) {
        int mr = gemm_min(SGEMM_SMALL_MR, m - ir);
        const float *rows = a + ir * a_row;
        for (int jr = 0; jr < n; jr += 2 * GEMM_NR) {
            int nr = gemm_min(2 * GEMM_NR, n - jr);
            // Packed, the columns come in 16-wide panels of k rows each.
            const float *lo = packed ? packed + (ptrdiff_t)jr * k : b + jr;
            const float *hi = packed ? lo + (ptrdiff_t)GEMM_NR * k : lo + GEMM_NR;
            float *tile = c + (ptrdiff_t)ir * ldc + jr;
            if (nr > GEMM_NR)
                sgemm_small_tile_avx512(2, k, rows, a_row, a_step, mr, lo, hi, b_step, tile, ldc, mr, nr, mode, beta);
            else
                sgemm_small_tile_avx512(1, k, rows, a_row, a_step, mr, lo, hi, b_step, tile, ldc, mr, nr, mode, beta);
        }
    }
}
#endif

/// Plain C with the same tile shape; the compiler vectorises it for whatever the baseline is.
static void sgemm_kernel_portable(int kc, const float *restrict a, const float *restrict b,
                                  float *restrict c, ptrdiff_t ldc, int mr, int nr,
                                  nnb_update mode, float beta) {
    float acc[GEMM_MR][GEMM_NR] = {{0}};
    for (int p = 0; p < kc; p++, a += GEMM_MR, b += GEMM_NR)
        for (int i = 0; i < GEMM_MR; i++)
            for (int j = 0; j < GEMM_NR; j++) acc[i][j] += a[i] * b[j];
    for (int i = 0; i < mr; i++) {
        float *row = c + (ptrdiff_t)i * ldc;
        for (int j = 0; j < nr; j++) {
            float s = acc[i][j];
            if (mode == NNB_UPDATE_ACCUMULATE) {
                s = row[j] + s;
            } else if (mode == NNB_UPDATE_SCALE) {
                float scaled = beta * row[j];
                s = scaled + s;
            }
            row[j] = s;
        }
    }
}

/// The blocked driver's micro-kernels for `kernel` on this CPU: AVX2's 6×16 tile, with AVX-512's
/// 6×32 one for pairs of panels when the CPU has it (same bits, twice the width per FMA).
static gemm_kernels sgemm_kernels(nnb_kernel kernel) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel))
        return (gemm_kernels){sgemm_kernel_avx2, kernel == NNB_KERNEL_AUTOMATIC && nnb_cpu_has_avx512f()
                                                     ? sgemm_kernel_avx512_two_panels : NULL};
#endif
    (void)kernel;
    return (gemm_kernels){sgemm_kernel_portable, NULL};
}

void nnb_sgemm_using(nnb_kernel kernel, int trans_a, int trans_b, int m, int n, int k,
                     const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc) {
#if defined(__x86_64__) || defined(__i386__)
    if (nnb_kernel_uses_avx2(kernel) && sgemm_is_small(n, k)) {
        if (kernel == NNB_KERNEL_AUTOMATIC && nnb_cpu_has_avx512f()) {
            sgemm_small_avx512(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        sgemm_small_avx2(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    gemm_driver(sgemm_kernels(kernel), trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void nnb_sgemm(int trans_a, int trans_b, int m, int n, int k,
               const float *a, int lda, const float *b, int ldb,
               float beta, float *c, int ldc) {
    nnb_sgemm_using(NNB_KERNEL_AUTOMATIC, trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

size_t nnb_sgemm_packed_b_count(int k, int n) { return gemm_packed_b_count(k, n); }

void nnb_sgemm_pack_b(int trans_b, int k, int n, const float *b, int ldb, float *packed) {
    gemm_pack_b_whole(trans_b, k, n, b, ldb, packed);
}

void nnb_sgemm_packed_b_using(nnb_kernel kernel, int trans_a, int m, int n, int k,
                              const float *a, int lda, const float *packed_b,
                              float beta, float *c, int ldc) {
    gemm_driver_packing(sgemm_kernels(kernel), trans_a, 0, m, n, k, a, lda, NULL, 0, packed_b, beta, c, ldc);
}
