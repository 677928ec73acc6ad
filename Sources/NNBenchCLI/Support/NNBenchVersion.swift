/// The version of the nnbench command-line tool.
enum NNBenchVersion {
    static let string = "0.1.0"
}
