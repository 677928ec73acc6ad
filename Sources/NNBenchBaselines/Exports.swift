@_exported import NNBenchEngine
@_exported import NNBenchHarness
