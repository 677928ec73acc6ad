// One row of each recurrent cell's elementwise step, for one precision and width: recurrent.c
// includes this file once per (precision, width) after defining T, V, SFX, TARGET, LANES and the
// operations V_LOAD(p), V_STORE(p, v), V_SET1, V_ADD, V_SUB, V_MUL, SIGMOID, TANH. Each function
// handles the units [u, end) of one sample, LANES at a time ((end − u) a multiple of LANES); the
// formulas are those of `_RecurrentKernels` (RecurrentKernels.swift), each operation rounded on
// its own in the order written, so every width gives the same bits.

#define REC_NAME2(a, b) a##_##b
#define REC_NAME(a, b) REC_NAME2(a, b)

/// LSTM forward: gates [a_i, a_f, a_g, a_o] → [i, f, g, o]; c = f·c_prev + i·g; h = o·tanh(c).
TARGET static inline void REC_NAME(lstm_row, SFX)(T *gates, const T *previous_cell, T *cell,
                                                  T *cell_tanh, T *hidden, int units, int u, int end) {
    for (; u < end; u += LANES) {
        T *a = gates + u;
        V i = SIGMOID(V_LOAD(a)), f = SIGMOID(V_LOAD(a + units));
        V g = TANH(V_LOAD(a + 2 * units)), o = SIGMOID(V_LOAD(a + 3 * units));
        V_STORE(a, i); V_STORE(a + units, f); V_STORE(a + 2 * units, g); V_STORE(a + 3 * units, o);
        V c = V_ADD(V_MUL(f, V_LOAD(previous_cell + u)), V_MUL(i, g));
        V t = TANH(c);
        V_STORE(cell + u, c); V_STORE(cell_tanh + u, t); V_STORE(hidden + u, V_MUL(o, t));
    }
}

/// LSTM backward from the activated gates: `total` is all of d loss / d c_t.
TARGET static inline void REC_NAME(lstm_backward_row, SFX)(const T *gates, const T *previous_cell,
                                                           const T *cell_tanh, const T *dh, T *dc,
                                                           T *out, int units, int u, int end) {
    V one = V_SET1(1);
    for (; u < end; u += LANES) {
        const T *a = gates + u;
        V i = V_LOAD(a), f = V_LOAD(a + units), g = V_LOAD(a + 2 * units), o = V_LOAD(a + 3 * units);
        V t = V_LOAD(cell_tanh + u), gradient = V_LOAD(dh + u);
        V total = V_ADD(V_LOAD(dc + u), V_MUL(V_MUL(gradient, o), V_SUB(one, V_MUL(t, t))));
        V_STORE(out + u, V_MUL(V_MUL(V_MUL(total, g), i), V_SUB(one, i)));
        V_STORE(out + units + u, V_MUL(V_MUL(V_MUL(total, V_LOAD(previous_cell + u)), f), V_SUB(one, f)));
        V_STORE(out + 2 * units + u, V_MUL(V_MUL(total, i), V_SUB(one, V_MUL(g, g))));
        V_STORE(out + 3 * units + u, V_MUL(V_MUL(V_MUL(gradient, t), o), V_SUB(one, o)));
        V_STORE(dc + u, V_MUL(total, f));
    }
}

/// GRU forward: r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h = (1 − z)·n + z·h_prev.
TARGET static inline void REC_NAME(gru_row, SFX)(T *gates, const T *hidden_gates, const T *previous_hidden,
                                                 T *hidden, int units, int u, int end) {
    V one = V_SET1(1);
    for (; u < end; u += LANES) {
        T *x = gates + u;
        const T *h = hidden_gates + u;
        V r = SIGMOID(V_ADD(V_LOAD(x), V_LOAD(h)));
        V z = SIGMOID(V_ADD(V_LOAD(x + units), V_LOAD(h + units)));
        V n = TANH(V_ADD(V_LOAD(x + 2 * units), V_MUL(r, V_LOAD(h + 2 * units))));
        V_STORE(x, r); V_STORE(x + units, z); V_STORE(x + 2 * units, n);
        V_STORE(hidden + u, V_ADD(V_MUL(V_SUB(one, z), n), V_MUL(z, V_LOAD(previous_hidden + u))));
    }
}

/// GRU backward from the activated gates (RecurrentKernels.swift says which gradient goes where).
TARGET static inline void REC_NAME(gru_backward_row, SFX)(const T *gates, const T *hidden_gates,
                                                          const T *previous_hidden, const T *dh,
                                                          T *dx, T *dhg, T *dhp, int units, int u, int end) {
    V one = V_SET1(1);
    for (; u < end; u += LANES) {
        V r = V_LOAD(gates + u), z = V_LOAD(gates + units + u), n = V_LOAD(gates + 2 * units + u);
        V gradient = V_LOAD(dh + u);
        V dn = V_MUL(V_MUL(gradient, V_SUB(one, z)), V_SUB(one, V_MUL(n, n)));
        V dr = V_MUL(V_MUL(V_MUL(dn, V_LOAD(hidden_gates + 2 * units + u)), r), V_SUB(one, r));
        V dz = V_MUL(V_MUL(V_MUL(gradient, V_SUB(V_LOAD(previous_hidden + u), n)), z), V_SUB(one, z));
        V_STORE(dx + u, dr); V_STORE(dx + units + u, dz); V_STORE(dx + 2 * units + u, dn);
        V_STORE(dhg + u, dr); V_STORE(dhg + units + u, dz); V_STORE(dhg + 2 * units + u, V_MUL(dn, r));
        V_STORE(dhp + u, V_MUL(gradient, z));
    }
}
