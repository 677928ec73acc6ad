// The library product: one import for all of nnbench's modules.
@_exported import NNBenchBaselines
@_exported import NNBenchChecks
@_exported import NNBenchDatasets
@_exported import NNBenchEngine
@_exported import NNBenchHarness
@_exported import NNBenchIO
