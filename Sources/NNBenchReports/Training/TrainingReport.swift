import NNBenchBaselines
import NNBenchChecks
import NNBenchDatasets
import NNBenchEngine

/// What a training run looked like, as one self-contained HTML page (`nnbench train --report`):
/// learning curves against the task's known answer, each layer's norms, update ratios and
/// histograms over the epochs, its weight matrices at the first and last epoch, the health of its
/// activations, and for a task with two inputs the data and the model's decision regions.
///
/// Every chart is drawn from the records' numbers, nothing recomputed but the decision regions,
/// which need the model: it is rebuilt in Double from the last snapshot of the first record. What a
/// record does not hold (an unobserved run has no histograms or snapshots) is left out, and the
/// page says so.
public struct TrainingReport: Sendable {
    /// The task trained on.
    public let task: LearningTask
    /// The architecture, resolved for the task (its layers name the parameter tensors).
    public let architecture: ResolvedArchitecture
    /// The target the runs were measured against.
    public let target: Target
    /// One record per seed, in seed order; at least one.
    public let records: [TrainingRecord]
    /// Lines under the title: the command, the configuration.
    public let summary: [String]
    /// Put before every section's id, so that several reports' sections can share a page.
    public var idPrefix = ""
    /// The baseline's curves, one per baseline seed (``SeedResult/curve``), when there is a
    /// baseline to compare with: their mean on the target's split is drawn under the runs'.
    public var baseline: [[CurvePoint]] = []
    /// Each record's training diagnoses (``TrainingDiagnoses``), in the order of ``records``; the
    /// page has a section for them when there is one list per record.
    public var diagnoses: [[TrainingDiagnosis]] = []

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - task: The task trained on.
    ///   - architecture: The architecture, resolved for the task.
    ///   - target: The target the runs were measured against.
    ///   - records: One record per seed; not empty.
    ///   - summary: Extra lines under the title.
    public init(task: LearningTask, architecture: ResolvedArchitecture, target: Target, records: [TrainingRecord], summary: [String] = []) {
        precondition(!records.isEmpty, "a training report needs a record")
        self.task = task
        self.architecture = architecture
        self.target = target
        self.records = records
        self.summary = summary
    }

    /// The page's markup.
    public var html: String { page.rendered }

    /// The page.
    public var page: HTMLPage {
        HTMLPage(title: "nnbench: training \(task.name)", summary: summaryLines, sections: sections)
    }

    /// The sections: learning curves, layers, and where the records have them, the gradient
    /// through time, activations and the data.
    public var sections: [HTMLPage.Section] {
        var sections = [curvesSection]
        if let diagnoses = diagnosesSection { sections.append(diagnoses) }
        sections.append(layersSection)
        if let timeSteps = timeStepsSection { sections.append(timeSteps) }
        if let activations = activationsSection { sections.append(activations) }
        if let data = dataSection { sections.append(data) }
        return sections
    }

    /// What was trained, how, and how it ended.
    public var summaryLines: [String] {
        let first = records[0]
        let lines = [
            "task \(task.name) (\(task.kind.name), \(task.train.count) training samples), architecture \(first.architecture)",
            "optimizer \(first.optimizer), schedule \(first.schedule), batch \(first.batchSize); seed\(records.count == 1 ? "" : "s") "
                + records.map { String($0.seed) }.joined(separator: ", "),
            "target \(target.split.rawValue) \(target.metric.rawValue) \(target.metric.higherIsBetter ? "≥" : "≤") \(number(target.value)); "
                + records.map(outcomeText).joined(separator: "; "),
        ]
        return lines + summary
    }

    private func outcomeText(_ record: TrainingRecord) -> String {
        let met = record.epochsToTarget.map { "met at epoch \($0)" } ?? "not met"
        let prefix = records.count == 1 ? "" : "seed \(record.seed): "
        switch record.outcome {
        case .completed: return prefix + "\(record.epochs.count - 1) epochs, target \(met)"
        case .reachedTarget: return prefix + "stopped at the target, epoch \(record.final.epoch)"
        case .diverged(let epoch, let step, let loss): return prefix + "diverged at epoch \(epoch), step \(step) (loss \(loss)); target \(met)"
        }
    }

    /// The x axis of every chart over training.
    static let epochLabel = "epoch (passes over the training split)"
}
