import CKernels

/// The engine's own σ (the logistic function) and tanh over arrays, for the recurrent cells' gates
/// and the `sigmoid` and `tanh` activations: C (`Sources/CKernels/activation_math.h`), eight floats
/// or four doubles at a time with AVX2 + FMA when the CPU has them, one at a time otherwise, with
/// the same bits either way, so a result does not depend on the CPU or on the C library (glibc's
/// `tanhf` promises neither). Cody–Waite range reduction and a Taylor polynomial for `e^−|x|`,
/// Cephes's minimax forms for tanh below 0.625; measured against a double reference:
/// within 3 ulp (2.402 at most over every float), odd (tanh), saturating, NaN kept, monotone at a
/// sample's spacing but not at the last bit (scripts/activation_accuracy.py, README "Speed").
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _GateFunctionKernels {
    /// `y[i] = σ(x[i]) = 1 / (1 + e^−x[i])` for `count` values; `x` and `y` may be the same array.
    /// `kernel` picks the C implementation (`.portable` lets tests run the scalar form on any CPU).
    static func _logistic(kernel: GEMMKernel, _ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)

    /// `y[i] = tanh(x[i])` for `count` values, as ``_logistic(kernel:_:into:count:)``.
    static func _tanh(kernel: GEMMKernel, _ x: UnsafePointer<Self>, into y: UnsafeMutablePointer<Self>, count: Int)
}

extension Float: _GateFunctionKernels {
    public static func _logistic(kernel: GEMMKernel, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        nnb_slogistic_using(kernel.cValue, x, y, count)
    }

    public static func _tanh(kernel: GEMMKernel, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        nnb_stanh_using(kernel.cValue, x, y, count)
    }
}

extension Double: _GateFunctionKernels {
    public static func _logistic(kernel: GEMMKernel, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        nnb_dlogistic_using(kernel.cValue, x, y, count)
    }

    public static func _tanh(kernel: GEMMKernel, _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        nnb_dtanh_using(kernel.cValue, x, y, count)
    }
}
