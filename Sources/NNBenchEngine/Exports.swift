@_exported import NNBenchDatasets
