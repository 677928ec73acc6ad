/// Every task nnbench can generate, by name.
public enum TaskCatalogue {
    /// The catalogue entries, in the order `nnbench list` shows them.
    public static let all: [TaskDefinition] = [
        // Regression with known weights and functions.
        .sum, .linear, .sine, .friedman1,
        // Classification with known boundaries or Bayes accuracy.
        .logistic, .xor, .parity, .twoSpirals, .spirals, .circles, .moons, .blobs, .checkerboard,
        // Tasks that test the implementation rather than the model.
        .encoder, .memorize, .imbalanced, .randomLabels, .barsStripes,
        // Sequences with known answers, for recurrent layers.
        .adding, .copyMemory, .temporalOrder, .sequenceParity, .counting,
    ]

    /// Returns the entry named `name`.
    ///
    /// - Parameter name: A task name, e.g. `"moons"`.
    /// - Returns: The catalogue entry.
    /// - Throws: ``DatasetError/unknownTask(_:known:)`` when there is none.
    public static func definition(named name: String) throws(DatasetError) -> TaskDefinition {
        guard let definition = all.first(where: { $0.name == name }) else {
            throw .unknownTask(name, known: all.map(\.name))
        }
        return definition
    }
}
