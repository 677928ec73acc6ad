public enum NNBenchIO {}
