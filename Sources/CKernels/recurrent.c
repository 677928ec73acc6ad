// The recurrent cells' elementwise steps (see `nnb_slstm_step_using` in CKernels.h): the rows of
// recurrent_template.h over a batch, AVX2-wide when the CPU allows and one value at a time for
// the units past the last whole vector, which gives the same bits as the vector lanes.

#include "CKernels.h"
#include "gemm_support.h"
#include "activation_math.h"

#define V_ADD(a, b) ((a) + (b))
#define V_SUB(a, b) ((a) - (b))
#define V_MUL(a, b) ((a) * (b))
#define V_LOAD(p) (*(p))
#define V_STORE(p, v) (*(p) = (v))
#define LANES 1
#define TARGET __attribute__((always_inline))

#define T float
#define V float
#define SFX f
#define V_SET1(c) ((float)(c))
#define SIGMOID nnb_sigmoid_f
#define TANH nnb_tanh_f
#include "recurrent_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef SIGMOID
#undef TANH

#define T double
#define V double
#define SFX d
#define V_SET1(c) ((double)(c))
#define SIGMOID nnb_sigmoid_d
#define TANH nnb_tanh_d
#include "recurrent_template.h"
#undef T
#undef V
#undef SFX
#undef V_SET1
#undef SIGMOID
#undef TANH
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_LOAD
#undef V_STORE
#undef LANES
#undef TARGET

#if NNB_HAS_AVX2_FORMS
#define TARGET __attribute__((target("avx2,fma"), always_inline))

#define T float
#define V __m256
#define SFX f8
#define LANES 8
#define V_SET1(c) _mm256_set1_ps((float)(c))
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define SIGMOID nnb_sigmoid_f8
#define TANH nnb_tanh_f8
#include "recurrent_template.h"
#undef T
#undef V
#undef SFX
#undef LANES
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_LOAD
#undef V_STORE
#undef SIGMOID
#undef TANH

#define T double
#define V __m256d
#define SFX d4
#define LANES 4
#define V_SET1(c) _mm256_set1_pd((double)(c))
#define V_ADD(a, b) _mm256_add_pd(a, b)
#define V_SUB(a, b) _mm256_sub_pd(a, b)
#define V_MUL(a, b) _mm256_mul_pd(a, b)
#define V_LOAD(p) _mm256_loadu_pd(p)
#define V_STORE(p, v) _mm256_storeu_pd(p, v)
#define SIGMOID nnb_sigmoid_d4
#define TANH nnb_tanh_d4
#include "recurrent_template.h"
#undef T
#undef V
#undef SFX
#undef LANES
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_LOAD
#undef V_STORE
#undef SIGMOID
#undef TANH
#undef TARGET
#define AVX2_ATTRIBUTE __attribute__((target("avx2,fma")))
#endif

/// For each of `rows` samples: units [0, full) through ROW_V, the rest through ROW_S, where
/// `full` is `units` rounded down to whole vectors of LANES.
#define FOR_ROWS(LANES, ROW_V, ROW_S, ...)                                                       \
    for (int s = 0; s < rows; s++) {                                                              \
        int full = units / LANES * LANES;                                                         \
        ROW_V(__VA_ARGS__, units, 0, full);                                                       \
        ROW_S(__VA_ARGS__, units, full, units);                                                   \
    }

// ---- The four steps, each as (name, element type, vector row, scalar row, lanes, attribute).
// `w` is the offset of sample s in `[rows, units]` arrays, `gw` in `[rows, gates·units]` ones.

#define LSTM_STEP(NAME, T, ROW_V, ROW_S, LANES, ATTRIBUTE)                                        \
    ATTRIBUTE static void NAME(T *gates, const T *previous_cell, T *cell, T *cell_tanh,          \
                               T *hidden, int rows, int units) {                                  \
        FOR_ROWS(LANES, ROW_V, ROW_S, gates + (ptrdiff_t)s * 4 * units,                           \
                 previous_cell + (ptrdiff_t)s * units, cell + (ptrdiff_t)s * units,               \
                 cell_tanh + (ptrdiff_t)s * units, hidden + (ptrdiff_t)s * units)                 \
    }

#define LSTM_BACKWARD(NAME, T, ROW_V, ROW_S, LANES, ATTRIBUTE)                                    \
    ATTRIBUTE static void NAME(const T *gates, const T *previous_cell, const T *cell_tanh,       \
                               const T *dh, T *dc, T *gate_gradient, int rows, int units) {       \
        FOR_ROWS(LANES, ROW_V, ROW_S, gates + (ptrdiff_t)s * 4 * units,                           \
                 previous_cell + (ptrdiff_t)s * units, cell_tanh + (ptrdiff_t)s * units,          \
                 dh + (ptrdiff_t)s * units, dc + (ptrdiff_t)s * units,                            \
                 gate_gradient + (ptrdiff_t)s * 4 * units)                                        \
    }

#define GRU_STEP(NAME, T, ROW_V, ROW_S, LANES, ATTRIBUTE)                                         \
    ATTRIBUTE static void NAME(T *gates, const T *hidden_gates, const T *previous_hidden,        \
                               T *hidden, int rows, int units) {                                  \
        FOR_ROWS(LANES, ROW_V, ROW_S, gates + (ptrdiff_t)s * 3 * units,                           \
                 hidden_gates + (ptrdiff_t)s * 3 * units, previous_hidden + (ptrdiff_t)s * units, \
                 hidden + (ptrdiff_t)s * units)                                                   \
    }

#define GRU_BACKWARD(NAME, T, ROW_V, ROW_S, LANES, ATTRIBUTE)                                     \
    ATTRIBUTE static void NAME(const T *gates, const T *hidden_gates, const T *previous_hidden,  \
                               const T *dh, T *dx, T *dhg, T *dhp, int rows, int units) {         \
        FOR_ROWS(LANES, ROW_V, ROW_S, gates + (ptrdiff_t)s * 3 * units,                           \
                 hidden_gates + (ptrdiff_t)s * 3 * units, previous_hidden + (ptrdiff_t)s * units, \
                 dh + (ptrdiff_t)s * units, dx + (ptrdiff_t)s * 3 * units,                        \
                 dhg + (ptrdiff_t)s * 3 * units, dhp + (ptrdiff_t)s * units)                      \
    }

#define ALL_STEPS(P, T, S, VS, LANES, ATTRIBUTE, WHICH)                                           \
    LSTM_STEP(P##lstm_step_##WHICH, T, lstm_row_##VS, lstm_row_##S, LANES, ATTRIBUTE)             \
    LSTM_BACKWARD(P##lstm_backward_##WHICH, T, lstm_backward_row_##VS, lstm_backward_row_##S,     \
                  LANES, ATTRIBUTE)                                                               \
    GRU_STEP(P##gru_step_##WHICH, T, gru_row_##VS, gru_row_##S, LANES, ATTRIBUTE)                 \
    GRU_BACKWARD(P##gru_backward_##WHICH, T, gru_backward_row_##VS, gru_backward_row_##S,         \
                 LANES, ATTRIBUTE)

ALL_STEPS(s, float, f, f, 1, , portable)
ALL_STEPS(d, double, d, d, 1, , portable)
#if NNB_HAS_AVX2_FORMS
ALL_STEPS(s, float, f, f8, 8, AVX2_ATTRIBUTE, avx2)
ALL_STEPS(d, double, d, d4, 4, AVX2_ATTRIBUTE, avx2)
#endif

// ---- The entry points.

#define LSTM_STEP_PARAMETERS(T)                                                                   \
    T *gates, const T *previous_cell, T *cell, T *cell_tanh, T *hidden, int rows, int units
#define LSTM_BACKWARD_PARAMETERS(T)                                                               \
    const T *gates, const T *previous_cell, const T *cell_tanh, const T *dh, T *dc,              \
        T *gate_gradient, int rows, int units
#define GRU_STEP_PARAMETERS(T)                                                                    \
    T *gates, const T *hidden_gates, const T *previous_hidden, T *hidden, int rows, int units
#define GRU_BACKWARD_PARAMETERS(T)                                                                \
    const T *gates, const T *hidden_gates, const T *previous_hidden, const T *dh, T *dx, T *dhg,  \
        T *dhp, int rows, int units

void nnb_slstm_step_using(nnb_kernel kernel, LSTM_STEP_PARAMETERS(float)) {
    NNB_DISPATCH(kernel, slstm_step_avx2, slstm_step_portable, gates, previous_cell, cell, cell_tanh, hidden, rows, units);
}

void nnb_dlstm_step_using(nnb_kernel kernel, LSTM_STEP_PARAMETERS(double)) {
    NNB_DISPATCH(kernel, dlstm_step_avx2, dlstm_step_portable, gates, previous_cell, cell, cell_tanh, hidden, rows, units);
}

void nnb_slstm_step_backward_using(nnb_kernel kernel, LSTM_BACKWARD_PARAMETERS(float)) {
    NNB_DISPATCH(kernel, slstm_backward_avx2, slstm_backward_portable, gates, previous_cell, cell_tanh, dh, dc,
                 gate_gradient, rows, units);
}

void nnb_dlstm_step_backward_using(nnb_kernel kernel, LSTM_BACKWARD_PARAMETERS(double)) {
    NNB_DISPATCH(kernel, dlstm_backward_avx2, dlstm_backward_portable, gates, previous_cell, cell_tanh, dh, dc,
                 gate_gradient, rows, units);
}

void nnb_sgru_step_using(nnb_kernel kernel, GRU_STEP_PARAMETERS(float)) {
    NNB_DISPATCH(kernel, sgru_step_avx2, sgru_step_portable, gates, hidden_gates, previous_hidden, hidden, rows, units);
}

void nnb_dgru_step_using(nnb_kernel kernel, GRU_STEP_PARAMETERS(double)) {
    NNB_DISPATCH(kernel, dgru_step_avx2, dgru_step_portable, gates, hidden_gates, previous_hidden, hidden, rows, units);
}

void nnb_sgru_step_backward_using(nnb_kernel kernel, GRU_BACKWARD_PARAMETERS(float)) {
    NNB_DISPATCH(kernel, sgru_backward_avx2, sgru_backward_portable, gates, hidden_gates, previous_hidden, dh, dx,
                 dhg, dhp, rows, units);
}

void nnb_dgru_step_backward_using(nnb_kernel kernel, GRU_BACKWARD_PARAMETERS(double)) {
    NNB_DISPATCH(kernel, dgru_backward_avx2, dgru_backward_portable, gates, hidden_gates, previous_hidden, dh, dx,
                 dhg, dhp, rows, units);
}
