/// The recurrent layers' kernels besides the matrix product: one time step of each cell's
/// elementwise arithmetic, forward and backward, on `rows` samples of `units` values (gates
/// stored side by side, `[rows, gates·units]`, in PyTorch's order), and the reordering of a batch
/// between sample-major `[n, steps, w]` and the step-major `[steps, n, w]` the layers work in.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore. The cells' steps are C
/// (`Sources/CKernels/recurrent.c`, AVX2-wide when the CPU allows, the same bits either way),
/// with σ and tanh the engine's own (``_GateFunctionKernels``); their Float and Double
/// conformances are in `RecurrentKernels+C.swift`.
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
        case .tanh: _tanh(kernel: .automatic, UnsafePointer(values), into: values, count: count)
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
}
