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
        var text = "loss " + metrics.loss.numberText
        if let accuracy = metrics.accuracy { text += " acc " + String(format: "%.4f", accuracy) }
        if let r2 = metrics.r2 { text += " r2 " + fixed(r2) }
        return text
    }

    /// Four decimals, as a fraction reads; `nan` or `inf` when it is not a number.
    static func fixed(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4f", value) : value.numberText
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
        let regression = task.kind.primaryMetric != .accuracy
        var table = TextTable(header: ["epoch \(record.final.epoch)", "loss", regression ? "mse" : "accuracy"] + (regression ? ["r2"] : []))
        for split in SplitName.allCases {
            let metrics = record.final[split]
            table.rows.append([
                split.rawValue, metrics.loss.numberText,
                metrics.accuracy.map { String(format: "%.4f", $0) } ?? metrics.mse.map(\.numberText) ?? "",
            ] + (regression ? [metrics.r2.map(EpochPrinter.fixed) ?? "-"] : []))
        }
        lines.append(table.render())
        switch record.outcome {
        case .diverged(let epoch, let step, let loss):
            lines.append("diverged in epoch \(epoch), step \(step): the loss became \(loss); the table shows the network where it stopped. Try a smaller learning rate or gradient clipping")
        case .completed, .reachedTarget:
            if let epochs = record.epochsToTarget {
                lines.append("target \(record.target): met at epoch \(epochs)")
            } else {
                let epochs = record.epochs.count - 1
                lines.append("target \(record.target): not met in \(epochs) epoch\(epochs == 1 ? "" : "s")")
            }
        }
        lines.append(String(format: "wall time %.2f s", record.wallSeconds))
        return lines.joined(separator: "\n") + "\n"
    }
}
