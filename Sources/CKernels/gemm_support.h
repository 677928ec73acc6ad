#ifndef NNBENCH_GEMM_SUPPORT_H
#define NNBENCH_GEMM_SUPPORT_H

#include <stddef.h>

/// How a micro-kernel folds its k-block sum S into C. Only the first k block of a product uses
/// the beta modes; every later block accumulates, so each element sees the same operation order.
typedef enum nnb_update {
    NNB_UPDATE_OVERWRITE = 0,  // C = S (beta 0: C is never read)
    NNB_UPDATE_ACCUMULATE = 1, // C = C + S (beta 1, and every block after the first)
    NNB_UPDATE_SCALE = 2,      // C = (beta · C) + S, rounded after the product
} nnb_update;

/// Whether the CPU has AVX2 and FMA; probed once, then cached.
int nnb_cpu_has_avx2_fma(void);

/// Whether the CPU (and OS) has AVX-512F; probed once, then cached. The AVX-512 micro-kernels run
/// only where the AVX2 + FMA ones would (AVX-512F implies both) and give the same bits.
int nnb_cpu_has_avx512f(void);

/// A 64-byte-aligned buffer of at least `bytes` bytes owned by the calling thread, kept for the
/// thread's lifetime and freed when it exits. Later calls return the same buffer unless it must
/// grow, so packing never allocates on the hot path. Never returns NULL: when the allocation fails
/// it prints a line on standard error and aborts (see support.c for why).
void *nnb_thread_workspace(size_t bytes);

#endif
