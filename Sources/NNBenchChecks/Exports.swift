// The checks speak in the engine's types (tensors, specs, losses): one import brings both.
@_exported import NNBenchEngine
