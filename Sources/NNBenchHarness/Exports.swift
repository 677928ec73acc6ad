@_exported import NNBenchEngine
