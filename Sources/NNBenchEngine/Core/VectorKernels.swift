extension EngineScalar {
    public static func sumOfSquares(_ values: UnsafePointer<Self>, count: Int) -> Self {
        var sum: Self = 0
        for i in 0..<count { sum += values[i] * values[i] }
        return sum
    }

    public static func scale(_ values: UnsafeMutablePointer<Self>, count: Int, by factor: Self) {
        for i in 0..<count { values[i] *= factor }
    }

    public static func clamp(_ values: UnsafeMutablePointer<Self>, count: Int, limit: Self) {
        for i in 0..<count { values[i] = Swift.min(Swift.max(values[i], -limit), limit) }
    }

    public static func multiply(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into result: UnsafeMutablePointer<Self>, count: Int
    ) {
        for i in 0..<count { result[i] = a[i] * b[i] }
    }

    public static func allFinite(_ values: UnsafePointer<Self>, count: Int) -> Bool {
        for i in 0..<count where !values[i].isFinite { return false }
        return true
    }

    public static func correctPredictions(
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

extension EngineScalar {
    /// Eight values from `pointer`, or the first `lanes` of them and zeros, for kernels that work
    /// on `SIMD8` chunks and finish with a partial one.
    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Self>, _ lanes: Int) -> SIMD8<Self> {
        if lanes == 8 { return UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Self>.self) }
        var vector = SIMD8<Self>()
        for lane in 0..<lanes { vector[lane] = pointer[lane] }
        return vector
    }

    /// Stores the first `lanes` values of `vector` at `pointer`.
    @inline(__always)
    static func store8(_ vector: SIMD8<Self>, _ pointer: UnsafeMutablePointer<Self>, _ lanes: Int) {
        if lanes == 8 { return UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: SIMD8<Self>.self) }
        for lane in 0..<lanes { pointer[lane] = vector[lane] }
    }
}
