#include "gemm_support.h"
#include "CKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

int nnb_cpu_has_avx2_fma(void) {
    // -1 unknown; racing first calls compute the same answer, so a relaxed store is enough.
    static _Atomic int cached = -1;
    int value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (value < 0) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
        value = 0;
#endif
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value;
}

int nnb_cpu_has_avx512f(void) {
    static _Atomic int cached = -1;
    int value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (value < 0) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f");
#else
        value = 0;
#endif
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value;
}

int nnb_kernel_uses_avx2(nnb_kernel kernel) {
    return (kernel == NNB_KERNEL_AUTOMATIC || kernel == NNB_KERNEL_AVX2_ONLY) && nnb_cpu_has_avx2_fma();
}

// The thread-local pointer gives fast access; the pthread key exists only for its destructor, so
// buffers of threads that exit (pool threads come and go) are freed rather than leaked.
static pthread_key_t workspace_key;
static pthread_once_t workspace_key_once = PTHREAD_ONCE_INIT;
static _Thread_local void *workspace;
static _Thread_local size_t workspace_bytes;

static void make_workspace_key(void) {
    pthread_key_create(&workspace_key, free);
}

void *nnb_thread_workspace(size_t bytes) {
    if (workspace_bytes >= bytes) return workspace;
    pthread_once(&workspace_key_once, make_workspace_key);
    free(workspace);
    size_t rounded = (bytes + 63) / 64 * 64;
    workspace = aligned_alloc(64, rounded);
    if (!workspace) {
        // Abort rather than return: the kernels have no error channel (void functions called for
        // every matrix product of every layer), and a kernel that returned would leave C holding
        // whatever it held before, which training would read as a result: a silent wrong answer.
        // The buffer is a few MiB whatever the matrices' sizes, so failing to get it means the
        // process is out of memory, not that the user asked for too much (sizes are refused
        // before training starts); Swift's own allocations trap in that state too.
        fprintf(stderr, "nnbench: fatal: cannot allocate the %zu-byte packing buffer of the matrix kernels (out of memory)\n", rounded);
        abort();
    }
    workspace_bytes = rounded;
    pthread_setspecific(workspace_key, workspace);
    return workspace;
}
