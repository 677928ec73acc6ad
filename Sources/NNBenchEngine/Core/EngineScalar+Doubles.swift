extension EngineScalar {
    /// `count` values as Double, each converted exactly. The engine's generic code is not
    /// specialised for callers in other modules, and there the generic `Double(_:)` of a `Scalar`
    /// costs tens of nanoseconds a value; converting from the concrete type costs one instruction.
    static func doubles(_ values: UnsafePointer<Self>, count: Int) -> [Double] {
        if Self.self == Float.self {
            let floats = UnsafeRawPointer(values).assumingMemoryBound(to: Float.self)
            return (0..<count).map { Double(floats[$0]) }
        }
        if Self.self == Double.self {
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(values).assumingMemoryBound(to: Double.self), count: count))
        }
        return (0..<count).map { Double(values[$0]) }
    }
}
