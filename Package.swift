// swift-tools-version:6.0
import PackageDescription

// The modules follow the data, each depending only on the ones before it:
//
//   NNBenchIO (gzip via the system zlib `CZlib`, atomic files, SHA-256 digests via swift-crypto)
//   -> NNBenchDatasets (Philox streams, tasks, generators)
//   -> NNBenchEngine (spec language, layers, losses, optimizers, training; C kernels in `CKernels`)
//   -> NNBenchFaults (classic bugs the engine can be made to commit: a checking tool)
//   -> NNBenchModel (the interface every check talks to a model through)
//   -> NNBenchProtocol (that interface over the JSON-lines model protocol, to any program)
//   -> NNBenchChecks (the battery, the engine behind the interface)
//   -> NNBenchHarness (suites, the parallel runner)
//   -> NNBenchBaselines (baseline files, exact and statistical comparisons)
//   -> NNBenchReports (text, JSON and JUnit reports; HTML reports with SVG charts, TensorBoard logs)
//   -> NNBench (the library product: one import) -> nnbench (the command line)
//
// NNBenchBenchmarks (speed of the engine's kernels and training) stands beside them, on the engine.
let package = Package(
    name: "nnbench",
    products: [
        .library(name: "NNBench", targets: ["NNBench"]),
        .executable(name: "nnbench", targets: ["NNBenchCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["libz-dev"])]
        ),
        .target(name: "NNBenchIO", dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "NNBenchDatasets", dependencies: ["NNBenchIO"]),
        // Matrix-product kernels in C: per-function AVX2/FMA targets with runtime dispatch, so that
        // no unsafeFlags are needed and nnbench stays usable as a dependency.
        .target(name: "CKernels"),
        .target(
            name: "NNBenchEngine",
            dependencies: [
                "NNBenchIO", "NNBenchDatasets", "CKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "NNBenchFaults",
            dependencies: ["NNBenchDatasets", "NNBenchEngine", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .target(name: "NNBenchModel", dependencies: ["NNBenchDatasets", "NNBenchEngine"]),
        .target(name: "NNBenchProtocol", dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchModel"]),
        .target(name: "NNBenchChecks", dependencies: ["NNBenchDatasets", "NNBenchEngine", "NNBenchFaults", "NNBenchModel"]),
        .target(name: "NNBenchHarness", dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchChecks"]),
        .target(name: "NNBenchBaselines", dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchHarness"]),
        .target(
            name: "NNBenchReports",
            dependencies: [
                "NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchFaults", "NNBenchModel", "NNBenchProtocol", "NNBenchChecks",
                "NNBenchHarness", "NNBenchBaselines",
            ]
        ),
        .target(name: "NNBenchBenchmarks", dependencies: ["NNBenchDatasets", "NNBenchEngine"]),
        .target(
            name: "NNBench",
            dependencies: [
                "NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchFaults", "NNBenchModel", "NNBenchProtocol",
                "NNBenchChecks", "NNBenchHarness", "NNBenchBaselines", "NNBenchReports", "NNBenchBenchmarks",
            ]
        ),
        .executableTarget(
            name: "NNBenchCLI",
            dependencies: [
                "NNBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "NNBenchIOTests", dependencies: ["NNBenchIO"]),
        .testTarget(name: "NNBenchDatasetsTests", dependencies: ["NNBenchIO", "NNBenchDatasets"]),
        // Golden holds PyTorch's answers, read by the tests from beside their sources.
        .testTarget(name: "NNBenchEngineTests", dependencies: ["NNBenchDatasets", "NNBenchEngine"], exclude: ["Golden"]),
        .testTarget(name: "NNBenchFaultsTests", dependencies: ["NNBenchDatasets", "NNBenchEngine", "NNBenchFaults"]),
        // Fixtures are scripts the tests run as misbehaving programs, not sources.
        .testTarget(
            name: "NNBenchProtocolTests",
            dependencies: ["NNBenchDatasets", "NNBenchEngine", "NNBenchModel", "NNBenchProtocol"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "NNBenchChecksTests",
            dependencies: ["NNBenchDatasets", "NNBenchEngine", "NNBenchFaults", "NNBenchModel", "NNBenchChecks"]
        ),
        .testTarget(name: "NNBenchHarnessTests", dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchHarness"]),
        .testTarget(
            name: "NNBenchBaselinesTests",
            dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchHarness", "NNBenchBaselines"]
        ),
        .testTarget(
            name: "NNBenchReportsTests",
            dependencies: ["NNBenchIO", "NNBenchDatasets", "NNBenchEngine", "NNBenchFaults", "NNBenchChecks", "NNBenchHarness", "NNBenchBaselines", "NNBenchReports"]
        ),
        .testTarget(name: "NNBenchCLITests", dependencies: ["NNBenchCLI"]),
    ]
)
