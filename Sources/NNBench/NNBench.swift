// The library product: one import for all of nnbench's modules.
@_exported import NNBenchDatasets
@_exported import NNBenchIO
@_exported import NNBenchEngine
