/// The version of nnbench, the tool: what `nnbench --version` prints, what nnbench's `hello`
/// request carries (docs/protocol.md) and the version of the Python wheel
/// (`scripts/build_wheel.sh` reads it from `nnbench --version`).
///
/// It is not the engine's version (`EngineFingerprint.version`), which baselines record beside
/// the engine fingerprint and which changes only with the engine's numbers.
public enum ToolVersion {
    /// The tool's version, `MAJOR.MINOR.PATCH` (semantic versioning; a wheel's version, PEP 440,
    /// accepts it unchanged).
    public static let current = "0.1.0"
}
