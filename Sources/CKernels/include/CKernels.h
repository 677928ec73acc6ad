#ifndef NNBENCH_CKERNELS_H
#define NNBENCH_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Matrix-product kernels for nnbench's reference engine.
///
/// All matrices are row-major with explicit leading dimensions (the distance, in elements, between
/// the starts of consecutive rows as stored). `op(X)` is `X` when the matching `trans_*` flag is 0
/// and `Xᵀ` otherwise, so `op(A)` is m×k and `op(B)` is k×n; `A` is stored m×k (lda ≥ k) or, when
/// transposed, k×m (lda ≥ m), and likewise for `B`.
///
/// Determinism: every element of C is computed by the same sequence of floating-point operations
/// whatever m, n and the position of the element, so computing a block of rows of C in a separate
/// call (for example on another thread) gives bit-identical results. The sequence depends only on k
/// and on the kernel that runs (AVX2 or portable), not on the other dimensions. Where the CPU has
/// AVX-512, the single-precision driver runs a 6×32 AVX-512 tile over pairs of micro-panels, and
/// its small-product path (n ≤ 64, k ≤ 256) 8×32 tiles: the same operations per element as the
/// AVX2 tile, so the same bits.
///
/// Thread safety: the functions may be called concurrently from any number of threads; each
/// thread packs its operands into its own buffer, allocated on its first call and reused.

/// Which implementation a call uses.
typedef enum nnb_kernel {
    /// The AVX2 + FMA kernel when the CPU has both, otherwise the portable one (checked once).
    NNB_KERNEL_AUTOMATIC = 0,
    /// The portable kernel, whatever the CPU. Meant for testing it on machines that have AVX2.
    NNB_KERNEL_PORTABLE = 1,
    /// AVX2 + FMA alone, never the AVX-512 tile, when the CPU has AVX2 and FMA (otherwise the
    /// portable kernel). Meant for testing that the AVX-512 tile gives AVX2's bits. In Adam's
    /// single-precision kernel it also takes the careful path for subnormal moments on every CPU
    /// (automatic skips it where the hardware is fast on subnormals: adam.c), the same bits.
    NNB_KERNEL_AVX2_ONLY = 2,
} nnb_kernel;

/// Whether `kernel` resolves to the AVX2 + FMA implementation on this CPU (1; automatic may add
/// the AVX-512 tile) or to the portable one (0).
int nnb_kernel_uses_avx2(nnb_kernel kernel);

/// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta · C in single precision.
///
/// When beta is 0, C is only written, never read, so it may hold NaN or uninitialised values.
/// With k = 0 the product is empty and C becomes beta · C (zero when beta is 0).
void nnb_sgemm(int trans_a, int trans_b, int m, int n, int k,
               const float *a, int lda, const float *b, int ldb,
               float beta, float *c, int ldc);

/// `nnb_sgemm` with an explicit choice of implementation. The choice is per call, not global, so
/// tests may force the portable kernel while other threads keep the automatic one.
void nnb_sgemm_using(nnb_kernel kernel, int trans_a, int trans_b, int m, int n, int k,
                     const float *a, int lda, const float *b, int ldb,
                     float beta, float *c, int ldc);

/// C[m×n] = op(A)[m×k] · op(B)[k×n] + beta · C in double precision; same contract as `nnb_sgemm`.
void nnb_dgemm(int trans_a, int trans_b, int m, int n, int k,
               const double *a, int lda, const double *b, int ldb,
               double beta, double *c, int ldc);

/// `nnb_dgemm` with an explicit choice of implementation, as for `nnb_sgemm_using`.
void nnb_dgemm_using(nnb_kernel kernel, int trans_a, int trans_b, int m, int n, int k,
                     const double *a, int lda, const double *b, int ldb,
                     double beta, double *c, int ldc);

/// The number of floats `nnb_sgemm_pack_b` writes for op(B)[k×n]: k × n rounded up to whole
/// 16-column micro-panels.
size_t nnb_sgemm_packed_b_count(int k, int n);

/// Packs all of op(B)[k×n] (`b` stored k×n, or n×k when trans_b) into `packed`
/// (`nnb_sgemm_packed_b_count(k, n)` floats) for `nnb_sgemm_packed_b_using`: for products that
/// reuse one B many times, such as a recurrent layer's W_hh at every time step.
void nnb_sgemm_pack_b(int trans_b, int k, int n, const float *b, int ldb, float *packed);

/// `nnb_sgemm_using` with op(B) already packed by `nnb_sgemm_pack_b` (with the same k and n).
/// Every element of C gets the same bits as from `nnb_sgemm_using` with B unpacked, whatever the
/// kernel: the packed layout is the blocked driver's, and the micro-kernel calls are the same.
void nnb_sgemm_packed_b_using(nnb_kernel kernel, int trans_a, int m, int n, int k,
                              const float *a, int lda, const float *packed_b,
                              float beta, float *c, int ldc);

/// `nnb_sgemm_packed_b_count` in double precision (8-column micro-panels).
size_t nnb_dgemm_packed_b_count(int k, int n);

/// `nnb_sgemm_pack_b` in double precision.
void nnb_dgemm_pack_b(int trans_b, int k, int n, const double *b, int ldb, double *packed);

/// `nnb_sgemm_packed_b_using` in double precision.
void nnb_dgemm_packed_b_using(nnb_kernel kernel, int trans_a, int m, int n, int k,
                              const double *a, int lda, const double *packed_b,
                              double beta, double *c, int ldc);

/// One Adam step on `count` values, elementwise (each operation rounded on its own, no FMA):
///
///     grad = g + weight_decay·p
///     m    = beta1·m + one_minus_beta1·grad
///     v    = beta2·v + (one_minus_beta2·grad)·grad
///     p    = shrink·p − step_size·(m / (√v / correction + epsilon))
///
/// The result is bit-identical whatever the kernel, and equal to that plain scalar loop. The four
/// arrays must not overlap.
void nnb_sadam_step_using(nnb_kernel kernel, float *p, const float *g, float *m, float *v,
                          ptrdiff_t count, float step_size, float correction, float beta1,
                          float one_minus_beta1, float beta2, float one_minus_beta2,
                          float epsilon, float weight_decay, float shrink);

/// `nnb_sadam_step_using` in double precision.
void nnb_dadam_step_using(nnb_kernel kernel, double *p, const double *g, double *m, double *v,
                          ptrdiff_t count, double step_size, double correction, double beta1,
                          double one_minus_beta1, double beta2, double one_minus_beta2,
                          double epsilon, double weight_decay, double shrink);

/// y[i] = σ(x[i]) = 1 / (1 + e^−x[i]) for `count` floats (x and y may be the same array): the
/// engine's own σ (Sources/CKernels/activation_math.h: Cody–Waite reduction, Taylor polynomial),
/// within 3 ulp of the exact value (at most 2.402 ulp over every float: scripts/activation_accuracy.py),
/// saturating at 0 and 1, NaN kept; not monotone at the last bit (σ decreases at 209,535 of the
/// 4.28e9 steps between adjacent floats, by rounding within that bound). The same bits whatever the kernel, the CPU and libc.
void nnb_slogistic_using(nnb_kernel kernel, const float *x, float *y, ptrdiff_t count);

/// y[i] = tanh(x[i]), as `nnb_slogistic_using`: odd, ±1 beyond |x| ≈ 9.01 (within 1.425 ulp; it
/// decreases at 43,476 steps between adjacent floats, by rounding).
void nnb_stanh_using(nnb_kernel kernel, const float *x, float *y, ptrdiff_t count);

/// `nnb_slogistic_using` in double precision.
void nnb_dlogistic_using(nnb_kernel kernel, const double *x, double *y, ptrdiff_t count);

/// `nnb_stanh_using` in double precision.
void nnb_dtanh_using(nnb_kernel kernel, const double *x, double *y, ptrdiff_t count);

/// One LSTM step on `rows` samples (`_lstmStep` in RecurrentKernels.swift): `gates` [rows, 4·units]
/// holds the pre-activations [a_i, a_f, a_g, a_o] and becomes [σ, σ, tanh, σ] of them; then
/// c = f·c_prev + i·g, cell_tanh = tanh(c), hidden = o·tanh(c), each product and sum rounded on
/// its own, σ and tanh as `nnb_slogistic_using`. The same bits whatever the kernel.
void nnb_slstm_step_using(nnb_kernel kernel, float *gates, const float *previous_cell, float *cell,
                          float *cell_tanh, float *hidden, int rows, int units);

/// `nnb_slstm_step_using` in double precision.
void nnb_dlstm_step_using(nnb_kernel kernel, double *gates, const double *previous_cell, double *cell,
                          double *cell_tanh, double *hidden, int rows, int units);

/// The LSTM step's backward (`_lstmStepBackward`): writes d / d [a_i, a_f, a_g, a_o] to
/// `gate_gradient` and replaces `dc` (d / d c_t from later steps) with d / d c_{t−1}.
void nnb_slstm_step_backward_using(nnb_kernel kernel, const float *gates, const float *previous_cell,
                                   const float *cell_tanh, const float *dh, float *dc,
                                   float *gate_gradient, int rows, int units);

/// `nnb_slstm_step_backward_using` in double precision.
void nnb_dlstm_step_backward_using(nnb_kernel kernel, const double *gates, const double *previous_cell,
                                   const double *cell_tanh, const double *dh, double *dc,
                                   double *gate_gradient, int rows, int units);

/// One GRU step (`_gruStep`): `gates` [rows, 3·units] holds x·W_ihᵀ + b_ih as [r, z, n] and
/// becomes r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), with `hidden_gates` the
/// step's h_prev·W_hhᵀ + b_hh; hidden = (1 − z)·n + z·h_prev.
void nnb_sgru_step_using(nnb_kernel kernel, float *gates, const float *hidden_gates,
                         const float *previous_hidden, float *hidden, int rows, int units);

/// `nnb_sgru_step_using` in double precision.
void nnb_dgru_step_using(nnb_kernel kernel, double *gates, const double *hidden_gates,
                         const double *previous_hidden, double *hidden, int rows, int units);

/// The GRU step's backward (`_gruStepBackward`): d / d (x·W_ihᵀ + b_ih) to `dx`, d / d
/// (h_prev·W_hhᵀ + b_hh) to `dhg`, and dh·z, the direct part of d / d h_prev, to `dhp`.
void nnb_sgru_step_backward_using(nnb_kernel kernel, const float *gates, const float *hidden_gates,
                                  const float *previous_hidden, const float *dh, float *dx,
                                  float *dhg, float *dhp, int rows, int units);

/// `nnb_sgru_step_backward_using` in double precision.
void nnb_dgru_step_backward_using(nnb_kernel kernel, const double *gates, const double *hidden_gates,
                                  const double *previous_hidden, const double *dh, double *dx,
                                  double *dhg, double *dhp, int rows, int units);

/// Max pooling over `planes` planes of `height × width` floats with square windows of side
/// `size` moved by `stride` (no padding): writes each window's largest value to `output` and its
/// position within its plane to `argmax` (both `planes × output_height × output_width`, row by
/// row). A value wins over the ones before it in its window (visited row by row) only if strictly
/// larger, or if it is NaN, as in PyTorch's CPU kernel. `output` and `argmax` must not overlap
/// `input`.
void nnb_smax_pool(const float *input, ptrdiff_t planes, ptrdiff_t height, ptrdiff_t width, ptrdiff_t size,
                   ptrdiff_t stride, ptrdiff_t output_height, ptrdiff_t output_width, float *output,
                   int32_t *argmax);

#endif
