import Foundation
import NNBenchDatasets

/// A task as a person reads it: its whole card (`nnbench show`) and its row of the catalogue
/// (`nnbench list`).
public struct TaskCard: Sendable {
    /// The task, generated with the parameters to show.
    public let task: LearningTask
    /// Its catalogue entry (summary, formula, parameters, citation).
    public let definition: TaskDefinition

    /// Creates the card.
    public init(task: LearningTask, definition: TaskDefinition) {
        self.task = task
        self.definition = definition
    }

    /// The catalogue as a table, every task at its defaults: kind, shapes, loss and what is known.
    ///
    /// - Throws: ``DatasetError`` when a task cannot be generated at its defaults.
    public static func catalogue() throws(DatasetError) -> TextTable {
        var table = TextTable(header: ["task", "kind", "input", "output", "loss", "known answer"])
        for definition in TaskCatalogue.all {
            let task = try definition.makeTask()
            table.rows.append([
                definition.name, task.kind.name, shapeText(task.inputShape), shapeText(task.outputShape),
                task.loss.rawValue, TaskCard(task: task, definition: definition).knownSummary,
            ])
        }
        return table
    }

    /// What is known, in a few words, for the catalogue's last column.
    public var knownSummary: String {
        let answer = task.answer
        var parts: [String] = []
        if !answer.weights.isEmpty { parts.append("weights " + answer.weights.keys.sorted().joined(separator: ", ")) }
        if let bayes = answer.bayesAccuracy { parts.append("Bayes accuracy \(percent(bayes))") }
        if let floor = answer.noiseFloor { parts.append("noise floor \(number(floor))") }
        if let bound = answer.linearBound { parts.append("linear model ≤ \(percent(bound))") }
        if let memoryless = answer.memorylessLoss { parts.append("memoryless \(task.loss.rawValue) \(number(memoryless))") }
        // Uniform priors have entropy ln C, the expected initial loss: only skewed priors say more.
        if let entropy = answer.priorEntropy, abs(entropy - task.expectedInitialLoss) > 1e-9 {
            parts.append("prior entropy \(number(entropy))")
        }
        if parts.isEmpty, let fact = answer.facts.first { parts.append(fact) }
        return parts.joined(separator: "; ")
    }

    /// The whole card: kind, shapes, sizes, formula, parameters, known answer, reference
    /// solution and citation.
    public func render() -> String {
        var lines: [String] = []
        lines.append("\(task.name): \(definition.summary)")
        lines.append("")
        lines.append("kind        \(task.kind.name), loss \(task.loss.rawValue)")
        lines.append("input       \(shapeText(task.inputShape)) per sample")
        if task.outputShape.count == 1 {
            lines.append("output      \(task.outputWidth) value\(task.outputWidth == 1 ? "" : "s") per sample (the last layer's width)")
        } else {
            lines.append("output      \(shapeText(task.outputShape)) per sample: \(task.outputWidth) at each of \(task.outputShape[0]) steps, one target per step")
        }
        lines.append("samples     train \(task.train.count), valid \(task.validation.count), test \(task.test.count); seed \(task.seed)")
        lines.append("formula     \(definition.formula)")
        lines.append("")
        lines.append("parameters")
        var table = TextTable(header: ["name", "value", "default", "accepted", "meaning"])
        for (parameter, value) in zip(definition.parameters, task.parameters) {
            table.rows.append([parameter.name, value.value.description, parameter.defaultValue.description, parameter.expected, parameter.summary])
        }
        lines.append(contentsOf: table.render().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 })
        lines.append("")
        lines.append("known answer")
        let answer = task.answer
        for name in answer.weights.keys.sorted() {
            let weights = answer.weights[name]!
            let values = weights.values.count <= 12
                ? " = [" + weights.values.map(number).joined(separator: ", ") + "]" : ""
            lines.append("  \(name) \(shapeText(weights.shape))\(values)")
        }
        if let bayes = answer.bayesAccuracy { lines.append("  Bayes-optimal accuracy  \(number(bayes))") }
        if let floor = answer.noiseFloor { lines.append("  noise floor (irreducible MSE)  \(number(floor))") }
        if let bound = answer.linearBound { lines.append("  best accuracy without hidden layers  \(number(bound))") }
        if let entropy = answer.priorEntropy { lines.append("  entropy of the class priors  \(number(entropy)) nats") }
        if let memoryless = answer.memorylessLoss {
            lines.append("  memoryless \(task.loss.rawValue) (the best prediction from the step alone)  \(number(memoryless))")
        }
        for fact in answer.facts { lines.append("  - \(fact)") }
        lines.append("  chance level (\(task.kind.primaryMetric.rawValue) of a constant prediction)  \(number(task.chanceLevel))")
        lines.append("  expected loss at initialisation  \(number(task.expectedInitialLoss))")
        lines.append("")
        let reference = task.reference
        lines.append("reference solution")
        lines.append("  architecture  \(reference.architecture)")
        lines.append("  optimizer     \(reference.optimizer), \(reference.epochs) epochs, batch \(reference.batchSize)")
        lines.append("  target        \(reference.target.description)")
        lines.append("")
        lines.append("reference   \(definition.citation)")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `[1, 8, 8]` as `1×8×8`.
func shapeText(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
}

/// A number with at most six significant digits.
func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.6g", value)
}

/// A fraction as a percentage with one decimal.
func percent(_ value: Double) -> String {
    String(format: "%.1f %%", value * 100)
}
