// The library product: one import for every module of nnbench. This is the only file that
// re-exports; each module imports what it uses, so its import lines show the real graph.
@_exported import NNBenchBaselines
@_exported import NNBenchBenchmarks
@_exported import NNBenchChecks
@_exported import NNBenchDatasets
@_exported import NNBenchEngine
@_exported import NNBenchFaults
@_exported import NNBenchHarness
@_exported import NNBenchIO
@_exported import NNBenchModel
@_exported import NNBenchProtocol
@_exported import NNBenchReports
