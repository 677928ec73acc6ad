import NNBenchDatasets
extension Showcase {
    /// The architectures `nnbench check --exec` checks when none is given: together they cover every
    /// layer type of the protocol's table (dense, relu, tanh, sigmoid, conv2d, maxpool2d, flatten,
    /// dropout) and its three losses. The image one is the engine's showcase without batch
    /// normalisation, which the protocol does not define.
    public static let protocolDefaults: [Showcase] = all.filter { $0.name != "image" } + [
        Showcase(name: "image", architecture: "conv2d(2, kernel: 3) relu maxpool2d(2) flatten dropout(0.25) dense(1)") {
            try! Generators.barsStripes(sizes: SplitSizes(train: 64, validation: 4, test: 4), size: 6)
        },
    ]
}
