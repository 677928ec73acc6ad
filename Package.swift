// swift-tools-version:6.0
import PackageDescription

// The modules follow the data: datasets -> engine -> checks -> harness -> baselines -> command line.
// Each depends only on the ones before it. `NNBenchIO` (gzip, atomic files, SHA-256) sits under all
// of them; `CZlib` is the system zlib (Debian's libz-dev).
let package = Package(
    name: "nnbench",
    products: [
        .library(name: "NNBench", targets: ["NNBench"]),
        .executable(name: "nnbench", targets: ["NNBenchCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["libz-dev"])]
        ),
        .target(name: "NNBenchIO", dependencies: ["CZlib"]),
        .target(name: "NNBenchDatasets", dependencies: ["NNBenchIO"]),
        // Matrix-product kernels in C: per-function AVX2/FMA targets with runtime dispatch, so that
        // no unsafeFlags are needed and nnbench stays usable as a dependency.
        .target(name: "CKernels"),
        .target(
            name: "NNBenchEngine",
            dependencies: [
                "NNBenchDatasets", "CKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(name: "NNBenchChecks", dependencies: ["NNBenchEngine"]),
        .target(name: "NNBenchHarness", dependencies: ["NNBenchEngine"]),
        .target(name: "NNBenchBaselines", dependencies: ["NNBenchHarness"]),
        .target(
            name: "NNBench",
            dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchChecks", "NNBenchHarness", "NNBenchBaselines"]
        ),
        .executableTarget(
            name: "NNBenchCLI",
            dependencies: [
                "NNBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "NNBenchIOTests", dependencies: ["NNBenchIO"]),
        .testTarget(name: "NNBenchDatasetsTests", dependencies: ["NNBenchDatasets"]),
        // Golden holds PyTorch's answers, read by the tests from beside their sources.
        .testTarget(name: "NNBenchEngineTests", dependencies: ["NNBenchEngine"], exclude: ["Golden"]),
        // Fixtures are scripts the tests run as misbehaving programs, not sources.
        .testTarget(name: "NNBenchChecksTests", dependencies: ["NNBenchChecks"], exclude: ["Fixtures"]),
        .testTarget(name: "NNBenchHarnessTests", dependencies: ["NNBenchHarness"]),
        .testTarget(name: "NNBenchBaselinesTests", dependencies: ["NNBenchBaselines"]),
        .testTarget(name: "NNBenchCLITests", dependencies: ["NNBenchCLI"]),
    ]
)
