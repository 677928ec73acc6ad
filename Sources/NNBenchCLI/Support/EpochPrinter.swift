import Foundation
import NNBench

/// Prints training progress: a progress bar redrawn in place on a terminal, one plain line per
/// epoch when the output is piped or under CI.
final class EpochPrinter {
    private let totalEpochs: Int
    private let kind: TaskKind
    private let quiet: Bool
    private let interactive: Bool
    private var drewBar = false

    init(totalEpochs: Int, kind: TaskKind, quiet: Bool) {
        self.totalEpochs = totalEpochs
        self.kind = kind
        self.quiet = quiet
        interactive = Terminal.isInteractive(STDOUT_FILENO)
    }

    /// Prints one epoch's line, or redraws the bar.
    func print(_ record: EpochRecord) {
        guard !quiet else { return }
        let line = "epoch \(record.epoch)/\(totalEpochs)  " + Self.metrics(record, kind: kind)
        if interactive {
            let width = 20, filled = totalEpochs == 0 ? width : width * record.epoch / totalEpochs
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            // Through print, as every other line, so that the order holds; flushed, as it has no
            // newline. A failure is reported as the process exits.
            Swift.print("\r\u{1B}[K[\(bar)] \(line)", terminator: "")
            try? StandardOutput.flush()
            drewBar = true
        } else {
            Swift.print(line)
        }
    }

    /// Ends the bar's line.
    func finish() {
        if drewBar { Swift.print("") }
    }

    /// `train loss 0.1234 acc 0.9800  valid ...  test ...` for one epoch.
    static func metrics(_ record: EpochRecord, kind: TaskKind) -> String {
        SplitName.allCases.map { split in
            "\(split.rawValue) " + metrics(record[split], kind: kind)
        }.joined(separator: "  ")
    }

    /// `loss 0.1234 acc 0.9800` or `loss 0.01 r2 0.99` for one split.
    static func metrics(_ metrics: SplitMetrics, kind: TaskKind) -> String {
        var text = "loss " + String(format: "%.6g", metrics.loss)
        if let accuracy = metrics.accuracy { text += " acc " + String(format: "%.4f", accuracy) }
        if let r2 = metrics.r2 { text += " r2 " + String(format: "%.4f", r2) }
        return text
    }
}

/// The summary printed after a training run.
struct TrainingSummary {
    let record: TrainingRecord
    let task: LearningTask

    var text: String {
        var lines: [String] = []
        lines.append("")
        lines.append("\(record.task): \(record.architecture), \(record.optimizer), batch \(record.batchSize), seed \(record.seed)")
        var table = TextTable(header: ["split", "loss", task.kind.primaryMetric == .accuracy ? "accuracy" : "mse", "r2"])
        for split in SplitName.allCases {
            let metrics = record.final[split]
            table.rows.append([
                split.rawValue, String(format: "%.6g", metrics.loss),
                metrics.accuracy.map { String(format: "%.4f", $0) } ?? metrics.mse.map { String(format: "%.6g", $0) } ?? "",
                metrics.r2.map { String(format: "%.4f", $0) } ?? "",
            ])
        }
        lines.append(table.render())
        switch record.outcome {
        case .diverged(let epoch, let step, let loss):
            lines.append("diverged: the loss became \(loss) at epoch \(epoch), step \(step); try a smaller learning rate or gradient clipping")
        case .completed, .reachedTarget:
            if let epochs = record.epochsToTarget {
                lines.append("target \(record.target): met at epoch \(epochs)")
            } else {
                lines.append("target \(record.target): not met in \(record.epochs.count - 1) epochs")
            }
        }
        lines.append(String(format: "wall time %.2f s", record.wallSeconds))
        return lines.joined(separator: "\n") + "\n"
    }
}
