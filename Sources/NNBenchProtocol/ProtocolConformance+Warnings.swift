import NNBenchModel

extension ProtocolConformance {
    /// A warning for each name `hello` listed in `ops` that nnbench ignores. docs/protocol.md
    /// lets a program list names nnbench does not know (a newer version may add ops), so such a
    /// name breaks no rule; but a misspelt op ("trian", "gradient") silently leaves the op it
    /// meant unused, and the checks that need it skipped.
    static func warnings(ignoredOps: [String], version: Int) -> [String] {
        let optional = ModelOp.allCases.filter { !ModelOp.required.contains($0) && $0.version <= version }.map(\.rawValue)
        return ignoredOps.map { name in
            if let op = ModelOp(rawValue: name) {
                return "hello lists the op '\(name)', which is version \(op.version), but the program speaks version \(version):"
                    + " nnbench does not send it; try: answer hello with protocol \(op.version) if the program speaks it, or leave '\(name)' out"
            }
            return "hello lists the op '\(name)', which the protocol does not define: nnbench ignores it; try: list only"
                + " optional ops of version \(version) (\(optional.joined(separator: ", "))), spelt as docs/protocol.md spells them"
        }
    }
}
