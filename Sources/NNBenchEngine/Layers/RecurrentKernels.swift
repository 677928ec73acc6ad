/// The recurrent layers' kernels besides the matrix product: one time step of each cell's
/// elementwise arithmetic, forward and backward, on `rows` samples of `units` values (gates
/// stored side by side, `[rows, gates·units]`, in PyTorch's order), and the reordering of a batch
/// between sample-major `[n, steps, w]` and the step-major `[steps, n, w]` the layers work in.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _RecurrentKernels {
    /// Copies `[a, b, width]` to `[b, a, width]`.
    static func _swapLeadingAxes(
        _ source: UnsafePointer<Self>, _ a: Int, _ b: Int, width: Int, into destination: UnsafeMutablePointer<Self>)

    /// `values[i] += addend[i]` for `count` values.
    static func _accumulate(_ addend: UnsafePointer<Self>, into values: UnsafeMutablePointer<Self>, count: Int)

    /// An Elman step, in place: `h = act(a)` for `count` pre-activations.
    static func _rnnStep(_ nonlinearity: RecurrentNonlinearity, _ values: UnsafeMutablePointer<Self>, count: Int)

    /// The Elman step's backward: `da = dh · act'(a)`, the derivative read from `h = act(a)`
    /// (`1 − h²`; relu's `h > 0`, 0 at 0).
    static func _rnnStepBackward(
        _ nonlinearity: RecurrentNonlinearity, hidden h: UnsafePointer<Self>, hiddenGradient dh: UnsafePointer<Self>,
        into da: UnsafeMutablePointer<Self>, count: Int)

    /// An LSTM step: `gates` holds the pre-activations `[a_i, a_f, a_g, a_o]` per row and is
    /// overwritten with `i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)`; then
    /// `c = f·c_prev + i·g`, `cellTanh = tanh(c)`, `h = o·tanh(c)`.
    static func _lstmStep(
        gates: UnsafeMutablePointer<Self>, previousCell: UnsafePointer<Self>, cell: UnsafeMutablePointer<Self>,
        cellTanh: UnsafeMutablePointer<Self>, hidden: UnsafeMutablePointer<Self>, rows: Int, units: Int)

    /// The LSTM step's backward, from the activated `gates`: with `dh` the whole gradient reaching
    /// `h_t` and `dc` the one reaching `c_t` through `c_{t+1}`, writes the pre-activations'
    /// gradient `[da_i, da_f, da_g, da_o]` to `gateGradient` and replaces `dc` with d / d c_{t−1}.
    static func _lstmStepBackward(
        gates: UnsafePointer<Self>, previousCell: UnsafePointer<Self>, cellTanh: UnsafePointer<Self>,
        hiddenGradient dh: UnsafePointer<Self>, cellGradient dc: UnsafeMutablePointer<Self>,
        gateGradient: UnsafeMutablePointer<Self>, rows: Int, units: Int)

    /// A GRU step: `gates` holds `x·W_ihᵀ + b_ih` as `[r, z, n]` per row and is overwritten with
    /// `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r·h_n)`, where `hiddenGates` holds
    /// `h_prev·W_hhᵀ + b_hh`; then `h = (1 − z)·n + z·h_prev`.
    static func _gruStep(
        gates: UnsafeMutablePointer<Self>, hiddenGates: UnsafePointer<Self>, previousHidden: UnsafePointer<Self>,
        hidden: UnsafeMutablePointer<Self>, rows: Int, units: Int)

    /// The GRU step's backward, from the activated `gates`: writes d / d (`x·W_ihᵀ + b_ih`) to
    /// `inputGateGradient`, d / d (`h_prev·W_hhᵀ + b_hh`) to `hiddenGateGradient` (they differ in the
    /// new gate's block, `r·` inside the tanh), and the direct part of d / d h_prev, `dh·z`, to
    /// `previousHiddenGradient`.
    static func _gruStepBackward(
        gates: UnsafePointer<Self>, hiddenGates: UnsafePointer<Self>, previousHidden: UnsafePointer<Self>,
        hiddenGradient dh: UnsafePointer<Self>, inputGateGradient: UnsafeMutablePointer<Self>,
        hiddenGateGradient: UnsafeMutablePointer<Self>, previousHiddenGradient: UnsafeMutablePointer<Self>, rows: Int, units: Int)
}

extension EngineScalar {
    public static func _swapLeadingAxes(
        _ source: UnsafePointer<Self>, _ a: Int, _ b: Int, width: Int, into destination: UnsafeMutablePointer<Self>
    ) {
        for i in 0..<a {
            for j in 0..<b { (destination + (j * a + i) * width).update(from: source + (i * b + j) * width, count: width) }
        }
    }

    public static func _accumulate(_ addend: UnsafePointer<Self>, into values: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { values[i] += addend[i] }
    }

    public static func _rnnStep(_ nonlinearity: RecurrentNonlinearity, _ values: UnsafeMutablePointer<Self>, count: Int) {
        switch nonlinearity {
        case .tanh: for i in 0..<count { values[i] = Self.tanh(values[i]) }
        case .relu: for i in 0..<count { values[i] = values[i] > 0 ? values[i] : 0 }
        }
    }

    public static func _rnnStepBackward(
        _ nonlinearity: RecurrentNonlinearity, hidden h: UnsafePointer<Self>, hiddenGradient dh: UnsafePointer<Self>,
        into da: UnsafeMutablePointer<Self>, count: Int
    ) {
        switch nonlinearity {
        case .tanh: for i in 0..<count { da[i] = dh[i] * (1 - h[i] * h[i]) }
        case .relu: for i in 0..<count { da[i] = h[i] > 0 ? dh[i] : 0 }
        }
    }

    public static func _lstmStep(
        gates: UnsafeMutablePointer<Self>, previousCell: UnsafePointer<Self>, cell: UnsafeMutablePointer<Self>,
        cellTanh: UnsafeMutablePointer<Self>, hidden: UnsafeMutablePointer<Self>, rows: Int, units: Int
    ) {
        for s in 0..<rows {
            let row = gates + s * 4 * units, offset = s * units
            for u in 0..<units {
                let i = logistic(row[u]), f = logistic(row[units + u])
                let g = Self.tanh(row[2 * units + u]), o = logistic(row[3 * units + u])
                (row[u], row[units + u], row[2 * units + u], row[3 * units + u]) = (i, f, g, o)
                let c = f * previousCell[offset + u] + i * g
                let t = Self.tanh(c)
                (cell[offset + u], cellTanh[offset + u], hidden[offset + u]) = (c, t, o * t)
            }
        }
    }

    public static func _lstmStepBackward(
        gates: UnsafePointer<Self>, previousCell: UnsafePointer<Self>, cellTanh: UnsafePointer<Self>,
        hiddenGradient dh: UnsafePointer<Self>, cellGradient dc: UnsafeMutablePointer<Self>,
        gateGradient: UnsafeMutablePointer<Self>, rows: Int, units: Int
    ) {
        for s in 0..<rows {
            let row = gates + s * 4 * units, out = gateGradient + s * 4 * units, offset = s * units
            for u in 0..<units {
                let (i, f, g, o) = (row[u], row[units + u], row[2 * units + u], row[3 * units + u])
                let t = cellTanh[offset + u], gradient = dh[offset + u]
                // c_t reaches the loss through c_{t+1} (dc) and through h_t = o·tanh(c_t).
                let total = dc[offset + u] + gradient * o * (1 - t * t)
                out[u] = total * g * i * (1 - i)
                out[units + u] = total * previousCell[offset + u] * f * (1 - f)
                out[2 * units + u] = total * i * (1 - g * g)
                out[3 * units + u] = gradient * t * o * (1 - o)
                dc[offset + u] = total * f
            }
        }
    }

    public static func _gruStep(
        gates: UnsafeMutablePointer<Self>, hiddenGates: UnsafePointer<Self>, previousHidden: UnsafePointer<Self>,
        hidden: UnsafeMutablePointer<Self>, rows: Int, units: Int
    ) {
        for s in 0..<rows {
            let row = gates + s * 3 * units, recurrent = hiddenGates + s * 3 * units, offset = s * units
            for u in 0..<units {
                let r = logistic(row[u] + recurrent[u]), z = logistic(row[units + u] + recurrent[units + u])
                let n = Self.tanh(row[2 * units + u] + r * recurrent[2 * units + u])
                (row[u], row[units + u], row[2 * units + u]) = (r, z, n)
                hidden[offset + u] = (1 - z) * n + z * previousHidden[offset + u]
            }
        }
    }

    public static func _gruStepBackward(
        gates: UnsafePointer<Self>, hiddenGates: UnsafePointer<Self>, previousHidden: UnsafePointer<Self>,
        hiddenGradient dh: UnsafePointer<Self>, inputGateGradient: UnsafeMutablePointer<Self>,
        hiddenGateGradient: UnsafeMutablePointer<Self>, previousHiddenGradient: UnsafeMutablePointer<Self>, rows: Int, units: Int
    ) {
        for s in 0..<rows {
            let row = gates + s * 3 * units, recurrent = hiddenGates + s * 3 * units, offset = s * units
            let dx = inputGateGradient + s * 3 * units, dhg = hiddenGateGradient + s * 3 * units
            for u in 0..<units {
                let (r, z, n) = (row[u], row[units + u], row[2 * units + u])
                let gradient = dh[offset + u]
                let dn = gradient * (1 - z) * (1 - n * n)
                let dr = dn * recurrent[2 * units + u] * r * (1 - r)
                let dz = gradient * (previousHidden[offset + u] - n) * z * (1 - z)
                (dx[u], dx[units + u], dx[2 * units + u]) = (dr, dz, dn)
                (dhg[u], dhg[units + u], dhg[2 * units + u]) = (dr, dz, dn * r)
                previousHiddenGradient[offset + u] = gradient * z
            }
        }
    }
}
