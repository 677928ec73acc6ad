import CKernels

// The recurrent cells' steps are one C function per precision (Sources/CKernels/recurrent.c)
// rather than generic defaults: the C code runs AVX2-wide with the engine's vectorised σ and tanh
// (``_GateFunctionKernels``), which the engine's baseline-x86-64 Swift code cannot, and gives the
// same bits on every CPU. The elementwise arithmetic is the formulas of ``_RecurrentKernels``,
// each operation rounded on its own.

extension Float {
    public static func _lstmStep(
        gates: UnsafeMutablePointer<Float>, previousCell: UnsafePointer<Float>, cell: UnsafeMutablePointer<Float>,
        cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, rows: Int, units: Int
    ) {
        nnb_slstm_step_using(NNB_KERNEL_AUTOMATIC, gates, previousCell, cell, cellTanh, hidden, Int32(rows), Int32(units))
    }

    public static func _lstmStepBackward(
        gates: UnsafePointer<Float>, previousCell: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>,
        hiddenGradient dh: UnsafePointer<Float>, cellGradient dc: UnsafeMutablePointer<Float>,
        gateGradient: UnsafeMutablePointer<Float>, rows: Int, units: Int
    ) {
        nnb_slstm_step_backward_using(NNB_KERNEL_AUTOMATIC, gates, previousCell, cellTanh, dh, dc, gateGradient, Int32(rows), Int32(units))
    }

    public static func _gruStep(
        gates: UnsafeMutablePointer<Float>, hiddenGates: UnsafePointer<Float>, previousHidden: UnsafePointer<Float>,
        hidden: UnsafeMutablePointer<Float>, rows: Int, units: Int
    ) {
        nnb_sgru_step_using(NNB_KERNEL_AUTOMATIC, gates, hiddenGates, previousHidden, hidden, Int32(rows), Int32(units))
    }

    public static func _gruStepBackward(
        gates: UnsafePointer<Float>, hiddenGates: UnsafePointer<Float>, previousHidden: UnsafePointer<Float>,
        hiddenGradient dh: UnsafePointer<Float>, inputGateGradient: UnsafeMutablePointer<Float>,
        hiddenGateGradient: UnsafeMutablePointer<Float>, previousHiddenGradient: UnsafeMutablePointer<Float>, rows: Int, units: Int
    ) {
        nnb_sgru_step_backward_using(
            NNB_KERNEL_AUTOMATIC, gates, hiddenGates, previousHidden, dh, inputGateGradient, hiddenGateGradient,
            previousHiddenGradient, Int32(rows), Int32(units))
    }
}

extension Double {
    public static func _lstmStep(
        gates: UnsafeMutablePointer<Double>, previousCell: UnsafePointer<Double>, cell: UnsafeMutablePointer<Double>,
        cellTanh: UnsafeMutablePointer<Double>, hidden: UnsafeMutablePointer<Double>, rows: Int, units: Int
    ) {
        nnb_dlstm_step_using(NNB_KERNEL_AUTOMATIC, gates, previousCell, cell, cellTanh, hidden, Int32(rows), Int32(units))
    }

    public static func _lstmStepBackward(
        gates: UnsafePointer<Double>, previousCell: UnsafePointer<Double>, cellTanh: UnsafePointer<Double>,
        hiddenGradient dh: UnsafePointer<Double>, cellGradient dc: UnsafeMutablePointer<Double>,
        gateGradient: UnsafeMutablePointer<Double>, rows: Int, units: Int
    ) {
        nnb_dlstm_step_backward_using(NNB_KERNEL_AUTOMATIC, gates, previousCell, cellTanh, dh, dc, gateGradient, Int32(rows), Int32(units))
    }

    public static func _gruStep(
        gates: UnsafeMutablePointer<Double>, hiddenGates: UnsafePointer<Double>, previousHidden: UnsafePointer<Double>,
        hidden: UnsafeMutablePointer<Double>, rows: Int, units: Int
    ) {
        nnb_dgru_step_using(NNB_KERNEL_AUTOMATIC, gates, hiddenGates, previousHidden, hidden, Int32(rows), Int32(units))
    }

    public static func _gruStepBackward(
        gates: UnsafePointer<Double>, hiddenGates: UnsafePointer<Double>, previousHidden: UnsafePointer<Double>,
        hiddenGradient dh: UnsafePointer<Double>, inputGateGradient: UnsafeMutablePointer<Double>,
        hiddenGateGradient: UnsafeMutablePointer<Double>, previousHiddenGradient: UnsafeMutablePointer<Double>, rows: Int, units: Int
    ) {
        nnb_dgru_step_backward_using(
            NNB_KERNEL_AUTOMATIC, gates, hiddenGates, previousHidden, dh, inputGateGradient, hiddenGateGradient,
            previousHiddenGradient, Int32(rows), Int32(units))
    }
}
