import NNBenchIO

/// What besides the source decides the engine's last bits: the processor architecture, the
/// operating system (its libm), and the matrix-product kernel (AVX2 + FMA fuses multiply-adds
/// that the portable kernel rounds twice).
public struct PlatformDescription: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The processor architecture, e.g. `x86_64`.
    public var architecture: String
    /// The operating system, e.g. `Linux`.
    public var operatingSystem: String
    /// The GEMM kernel that runs: `avx2-fma` or `portable`.
    public var gemmKernel: String

    /// Creates a platform description.
    ///
    /// - Parameters:
    ///   - architecture: The processor architecture.
    ///   - operatingSystem: The operating system.
    ///   - gemmKernel: The GEMM kernel that runs.
    public init(architecture: String, operatingSystem: String, gemmKernel: String) {
        self.architecture = architecture
        self.operatingSystem = operatingSystem
        self.gemmKernel = gemmKernel
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case architecture, operatingSystem, gemmKernel
    }

    /// Reads a platform strictly: every field, no other.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            architecture: try fields.string(.architecture), operatingSystem: try fields.string(.operatingSystem),
            gemmKernel: try fields.string(.gemmKernel))
    }

    /// The platform this process runs on.
    public static let current = PlatformDescription(
        architecture: currentArchitecture, operatingSystem: currentOperatingSystem,
        gemmKernel: GEMMKernel.automatic.usesAVX2 ? "avx2-fma" : "portable")

    /// `x86_64 Linux, avx2-fma kernel`.
    public var description: String { "\(architecture) \(operatingSystem), \(gemmKernel) kernel" }

    private static var currentArchitecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }

    private static var currentOperatingSystem: String {
        #if os(Linux)
        "Linux"
        #elseif os(macOS)
        "macOS"
        #elseif os(Windows)
        "Windows"
        #else
        "unknown"
        #endif
    }
}
