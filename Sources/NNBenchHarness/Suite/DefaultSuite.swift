import NNBenchDatasets
import NNBenchEngine

extension Suite {
    /// The number of seeds of each default entry: 0 to 4.
    public static let defaultSeedCount = 5

    /// Where the default suite is committed, relative to the package root.
    public static let defaultPath = "Datasets/suites/default.json"

    /// The default suite, built from the catalogue: every task at its defaults (data seed 0) with
    /// its reference architecture, optimizer, batch size, epoch budget and target; and for xor
    /// and spirals a model without a hidden layer, expected to miss the target, which is what
    /// "capacity" means.
    ///
    /// - Returns: The suite `Datasets/suites/default.json` holds (`nnbench run --write-default-suite`).
    public static func makeDefault() -> Suite {
        let seeds = (0..<UInt64(defaultSeedCount)).map { $0 }
        var entries: [SuiteEntry] = []
        for definition in TaskCatalogue.all {
            // The catalogue's tasks generate at their defaults; a failure is a bug in a generator.
            let task = try! definition.makeTask()
            let reference = task.reference
            entries.append(SuiteEntry(
                name: definition.name, task: definition.name, architecture: reference.architecture,
                optimizer: reference.optimizer, batchSize: reference.batchSize, epochs: reference.epochs, seeds: seeds,
                target: reference.target, note: "the reference solution of '\(definition.name)' (nnbench show \(definition.name))"))
            if let capacity = capacityLessons[definition.name] {
                entries.append(SuiteEntry(
                    name: "\(definition.name)-linear", task: definition.name,
                    architecture: "dense(\(task.outputWidth))", optimizer: reference.optimizer, batchSize: reference.batchSize,
                    epochs: capacity.epochs, seeds: seeds, target: reference.target, expectation: .miss,
                    note: capacity.note))
            }
        }
        return Suite(name: "default", entries: entries)
    }

    /// The tasks that get a too-small model too, with its epoch budget and the lesson.
    private static let capacityLessons: [String: (epochs: Int, note: String)] = [
        "xor": (300, "no hidden layer: a linear boundary classifies at most 3 of xor's 4 points (accuracy <= 75 %); the target is missed by design"),
        "spirals": (200, "no hidden layer: linear boundaries cannot follow the spiral arms (accuracy near chance); the target is missed by design"),
    ]
}
