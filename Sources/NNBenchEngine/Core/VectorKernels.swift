/// Kernels on plain vectors of values, shared by layers, clipping and metrics.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _VectorKernels {
    /// The sum of the squares of `count` values, accumulated in order.
    static func _sumOfSquares(_ values: UnsafePointer<Self>, count: Int) -> Self

    /// Multiplies `count` values by `factor` in place.
    static func _scale(_ values: UnsafeMutablePointer<Self>, count: Int, by factor: Self)

    /// Clamps `count` values to `-limit...limit` in place.
    static func _clamp(_ values: UnsafeMutablePointer<Self>, count: Int, limit: Self)

    /// Writes `a[i] · b[i]` to `result[i]`.
    static func _multiply(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into result: UnsafeMutablePointer<Self>, count: Int)

    /// Whether every one of `count` values is finite.
    static func _allFinite(_ values: UnsafePointer<Self>, count: Int) -> Bool

    /// The number of samples whose prediction is right: for one output, the sign of the logit
    /// against a 0/1 target; for several, the arg-max against a class index.
    static func _correctPredictions(
        _ outputs: UnsafePointer<Self>, targets: UnsafePointer<Self>, samples: Int, width: Int) -> Int
}

extension EngineScalar {
    public static func _sumOfSquares(_ values: UnsafePointer<Self>, count: Int) -> Self {
        var sum: Self = 0
        for i in 0..<count { sum += values[i] * values[i] }
        return sum
    }

    public static func _scale(_ values: UnsafeMutablePointer<Self>, count: Int, by factor: Self) {
        for i in 0..<count { values[i] *= factor }
    }

    public static func _clamp(_ values: UnsafeMutablePointer<Self>, count: Int, limit: Self) {
        for i in 0..<count { values[i] = Swift.min(Swift.max(values[i], -limit), limit) }
    }

    public static func _multiply(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into result: UnsafeMutablePointer<Self>, count: Int
    ) {
        for i in 0..<count { result[i] = a[i] * b[i] }
    }

    public static func _allFinite(_ values: UnsafePointer<Self>, count: Int) -> Bool {
        for i in 0..<count where !values[i].isFinite { return false }
        return true
    }

    public static func _correctPredictions(
        _ outputs: UnsafePointer<Self>, targets: UnsafePointer<Self>, samples: Int, width: Int
    ) -> Int {
        var correct = 0
        if width == 1 {
            for i in 0..<samples where (outputs[i] > 0) == (targets[i] > 0.5) { correct += 1 }
            return correct
        }
        for i in 0..<samples {
            let row = outputs + i * width
            var best = 0
            for j in 1..<width where row[j] > row[best] { best = j }
            if Self(best) == targets[i] { correct += 1 }
        }
        return correct
    }
}
