// The GotoBLAS/BLIS-style blocked driver shared by the float and double kernels. It is a template:
// the including file defines GEMM_T (element type) and GEMM_MR, GEMM_NR, GEMM_MC, GEMM_KC, GEMM_NC
// (tile and cache-block sizes, with GEMM_MC a multiple of GEMM_MR and GEMM_NC of GEMM_NR) and
// includes this file once; everything here is static to that translation unit.
//
// Loop nest, outermost first: columns of C in NC blocks; k in KC blocks, packing a KC×NC slab of
// op(B) into NR-wide micro-panels; rows of C in MC blocks, packing an MC×KC block of op(A) into
// MR-tall micro-panels; then NR columns (or 2·NR, two adjacent micro-panels at once, when the
// including file has a kernel that wide: AVX-512's); then MR rows, each an MR×NR (or MR×2NR)
// micro-kernel call over the whole KC block. Panels are zero-padded to full MR/NR, so edge tiles
// run the same micro-kernel with the same operation order as interior ones, and the k blocks always
// start at 0 and step by KC: the arithmetic for an element of C depends on nothing but k.

#include "gemm_support.h"

#include <stddef.h>

/// An MR×NR micro-kernel: S = Σ_p a[p·MR + i] · b[p·NR + j] over p in [0, kc), in increasing p,
/// folded into the top-left mr×nr corner of the tile at `c` as `mode` says.
typedef void (*gemm_micro_kernel)(int kc, const GEMM_T *restrict a, const GEMM_T *restrict b,
                                  GEMM_T *restrict c, ptrdiff_t ldc, int mr, int nr,
                                  nnb_update mode, GEMM_T beta);

/// The micro-kernels a product runs: `one` covers one NR-wide micro-panel of B (nr ≤ NR); `two`,
/// when not NULL, covers two adjacent ones (b and b + kc·NR, nr ≤ 2·NR) with the same operations
/// per element of C, so which of them computes an element never changes its bits.
typedef struct gemm_kernels {
    gemm_micro_kernel one;
    gemm_micro_kernel two;
} gemm_kernels;

static inline int gemm_min(int x, int y) { return x < y ? x : y; }

/// Packs rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) as MR-row micro-panels, each stored
/// column by column (MR values per p), zero-padding the last panel's missing rows.
static void gemm_pack_a(int trans, const GEMM_T *a, ptrdiff_t lda, int i0, int mc, int p0, int kc,
                        GEMM_T *restrict dst) {
    for (int ir = 0; ir < mc; ir += GEMM_MR) {
        int rows = gemm_min(GEMM_MR, mc - ir);
        if (trans) {
            // op(A)(i, p) = a[p·lda + i]: each p reads a contiguous run of rows.
            const GEMM_T *src = a + (ptrdiff_t)p0 * lda + i0 + ir;
            for (int p = 0; p < kc; p++, src += lda, dst += GEMM_MR) {
                for (int r = 0; r < rows; r++) dst[r] = src[r];
                for (int r = rows; r < GEMM_MR; r++) dst[r] = 0;
            }
        } else {
            const GEMM_T *row[GEMM_MR];
            for (int r = 0; r < rows; r++) row[r] = a + (ptrdiff_t)(i0 + ir + r) * lda + p0;
            if (rows == GEMM_MR) {
                for (int p = 0; p < kc; p++, dst += GEMM_MR)
                    for (int r = 0; r < GEMM_MR; r++) dst[r] = row[r][p];
                continue;
            }
            for (int p = 0; p < kc; p++, dst += GEMM_MR) {
                for (int r = 0; r < rows; r++) dst[r] = row[r][p];
                for (int r = rows; r < GEMM_MR; r++) dst[r] = 0;
            }
        }
    }
}

/// Packs rows [p0, p0+kc) and columns [j0, j0+nc) of op(B) as NR-column micro-panels, each stored
/// row by row (NR values per p), zero-padding the last panel's missing columns.
static void gemm_pack_b(int trans, const GEMM_T *b, ptrdiff_t ldb, int p0, int kc, int j0, int nc,
                        GEMM_T *restrict dst) {
    if (!trans) {
        // Row by row, so that B is read sequentially; each row scatters one full NR-wide line
        // into every micro-panel.
        int full = nc / GEMM_NR * GEMM_NR;
        for (int p = 0; p < kc; p++) {
            const GEMM_T *src = b + (ptrdiff_t)(p0 + p) * ldb + j0;
            GEMM_T *out = dst + (ptrdiff_t)p * GEMM_NR;
            for (int jr = 0; jr < full; jr += GEMM_NR, out += (ptrdiff_t)kc * GEMM_NR)
                for (int j = 0; j < GEMM_NR; j++) out[j] = src[jr + j];
            if (full < nc) {
                for (int j = 0; j < nc - full; j++) out[j] = src[full + j];
                for (int j = nc - full; j < GEMM_NR; j++) out[j] = 0;
            }
        }
        return;
    }
    for (int jr = 0; jr < nc; jr += GEMM_NR) {
        int cols = gemm_min(GEMM_NR, nc - jr);
        // op(B)(p, j) = b[j·ldb + p]: gather one value from each of `cols` rows per p.
        const GEMM_T *src = b + (ptrdiff_t)(j0 + jr) * ldb + p0;
        for (int p = 0; p < kc; p++, dst += GEMM_NR) {
            for (int j = 0; j < cols; j++) dst[j] = src[(ptrdiff_t)j * ldb + p];
            for (int j = cols; j < GEMM_NR; j++) dst[j] = 0;
        }
    }
}

/// C = beta · C for an empty product (k = 0); beta 0 writes zeros without reading C.
static void gemm_scale(int m, int n, GEMM_T beta, GEMM_T *c, ptrdiff_t ldc) {
    if (beta == 1) return;
    for (int i = 0; i < m; i++) {
        GEMM_T *row = c + (ptrdiff_t)i * ldc;
        for (int j = 0; j < n; j++) row[j] = beta == 0 ? 0 : beta * row[j];
    }
}

/// The calling thread's packing buffer: room for an MC×KC block of op(A) followed by a KC×NC slab
/// of op(B). Never NULL: an allocation failure aborts (support.c).
static GEMM_T *gemm_workspace(void) {
    return nnb_thread_workspace(sizeof(GEMM_T) * (GEMM_MC * GEMM_KC + GEMM_KC * GEMM_NC));
}

/// How the first (or only) k block of a product folds into C.
static nnb_update gemm_first_update(GEMM_T beta) {
    return beta == 0 ? NNB_UPDATE_OVERWRITE : beta == 1 ? NNB_UPDATE_ACCUMULATE : NNB_UPDATE_SCALE;
}

/// The width of op(B)'s columns once packed: n rounded up to whole NR-wide micro-panels.
static ptrdiff_t gemm_padded_width(int n) { return (ptrdiff_t)(n + GEMM_NR - 1) / GEMM_NR * GEMM_NR; }

/// Where the slab of op(B) for the column block at jc (nc wide) and the k block at pc starts in
/// the whole packed B: the column blocks one after another, each holding its k blocks in order.
/// Every column block before jc is a full NC wide (a multiple of NR), hence jc·k.
static ptrdiff_t gemm_slab_offset(int k, int jc, int pc, int nc) {
    return (ptrdiff_t)jc * k + (ptrdiff_t)pc * gemm_padded_width(nc);
}

/// The values the whole packed op(B)[k×n] takes: k × n rounded up to whole micro-panels.
static size_t gemm_packed_b_count(int k, int n) {
    return k > 0 && n > 0 ? (size_t)k * (size_t)gemm_padded_width(n) : 0;
}

/// Packs all of op(B)[k×n] at once, slab by slab as the driver would one at a time, so that a
/// product with the same B can skip packing it (a recurrent layer's W_hh, the same at every step).
static void gemm_pack_b_whole(int trans_b, int k, int n, const GEMM_T *b, int ldb, GEMM_T *dst) {
    for (int jc = 0; jc < n; jc += GEMM_NC) {
        int nc = gemm_min(GEMM_NC, n - jc);
        for (int pc = 0; pc < k; pc += GEMM_KC)
            gemm_pack_b(trans_b, b, ldb, pc, gemm_min(GEMM_KC, k - pc), jc, nc, dst + gemm_slab_offset(k, jc, pc, nc));
    }
}

/// The blocked product. With `packed_b` NULL it packs each slab of op(B) as it goes; otherwise it
/// reads the slabs from `packed_b` (gemm_pack_b_whole's layout) and ignores trans_b, b and ldb.
/// The micro-kernel calls, and so the bits of C, are the same either way.
static void gemm_driver_packing(gemm_kernels kernels, int trans_a, int trans_b, int m, int n, int k,
                                const GEMM_T *a, int lda, const GEMM_T *b, int ldb,
                                const GEMM_T *packed_b, GEMM_T beta, GEMM_T *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        gemm_scale(m, n, beta, c, ldc);
        return;
    }
    GEMM_T *packed_a = gemm_workspace();
    GEMM_T *slab_buffer = packed_a + GEMM_MC * GEMM_KC;
    nnb_update first = gemm_first_update(beta);

    for (int jc = 0; jc < n; jc += GEMM_NC) {
        int nc = gemm_min(GEMM_NC, n - jc);
        for (int pc = 0; pc < k; pc += GEMM_KC) {
            int kc = gemm_min(GEMM_KC, k - pc);
            nnb_update mode = pc == 0 ? first : NNB_UPDATE_ACCUMULATE;
            const GEMM_T *slab = slab_buffer;
            if (packed_b) slab = packed_b + gemm_slab_offset(k, jc, pc, nc);
            else gemm_pack_b(trans_b, b, ldb, pc, kc, jc, nc, slab_buffer);
            for (int ic = 0; ic < m; ic += GEMM_MC) {
                int mc = gemm_min(GEMM_MC, m - ic);
                gemm_pack_a(trans_a, a, lda, ic, mc, pc, kc, packed_a);
                for (int jr = 0, width; jr < nc; jr += width) {
                    // Two panels at a time while more than one is left.
                    width = kernels.two && nc - jr > GEMM_NR ? 2 * GEMM_NR : GEMM_NR;
                    gemm_micro_kernel kernel = width > GEMM_NR ? kernels.two : kernels.one;
                    int nr = gemm_min(width, nc - jr);
                    for (int ir = 0; ir < mc; ir += GEMM_MR) {
                        kernel(kc, packed_a + (ptrdiff_t)ir * kc, slab + (ptrdiff_t)jr * kc,
                               c + (ptrdiff_t)(ic + ir) * ldc + jc + jr, ldc,
                               gemm_min(GEMM_MR, mc - ir), nr, mode, beta);
                    }
                }
            }
        }
    }
}

static void gemm_driver(gemm_kernels kernels, int trans_a, int trans_b, int m, int n, int k,
                        const GEMM_T *a, int lda, const GEMM_T *b, int ldb, GEMM_T beta,
                        GEMM_T *c, int ldc) {
    gemm_driver_packing(kernels, trans_a, trans_b, m, n, k, a, lda, b, ldb, NULL, beta, c, ldc);
}
