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
