// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser of input from outside nnbench, in a package of their own so
// that nnbench's Package.swift keeps no unsafe flags. Build and run them with scripts/fuzz.sh,
// which also instruments nnbench's own modules (the parsers) for coverage and AddressSanitizer
// and compiles them for testing, so that the internal parsers can be reached (@testable import):
//
//   swift build -c release --package-path Fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
//
// The flags below instrument each target's own code and link it with libFuzzer even when built
// without them; its main hands over to libFuzzer's driver (FuzzSupport).
let fuzzer: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]
// lld links them: the system's gold stops with "internal error in format_file_lineno" on them.
let fuzzerLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "nnbench") },
        swiftSettings: fuzzer,
        linkerSettings: fuzzerLink)
}

let package = Package(
    name: "nnbench-fuzz",
    dependencies: [.package(name: "nnbench", path: "..")],
    targets: [
        .target(name: "FuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["FuzzerDriver"]),
        fuzzTarget("ArchitectureSpecFuzzer", ["NNBench"]),
        fuzzTarget("OptimizerSpecFuzzer", ["NNBench"]),
        fuzzTarget("SuiteFuzzer", ["NNBench"]),
        fuzzTarget("ModelJSONFuzzer", ["NNBench"]),
        fuzzTarget("BaselineFileFuzzer", ["NNBench"]),
        fuzzTarget("WireJSONFuzzer", ["NNBench"]),
    ]
)
