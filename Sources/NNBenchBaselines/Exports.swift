@_exported import NNBenchHarness
