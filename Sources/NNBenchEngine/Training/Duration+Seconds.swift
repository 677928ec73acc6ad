extension Duration {
    /// The duration in seconds, for records and reports (its attoseconds folded in as a fraction).
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
