import Foundation
import NNBench

/// Reports a suite run's progress on standard error: on a terminal, one bar redrawn in place
/// (runs done, the entry and seed of the latest event, elapsed and remaining time); in a pipe or
/// under CI, one plain line per finished run.
final class SuiteProgress: @unchecked Sendable {
    private let entries: [PreparedEntry]
    private let total: Int
    private let interactive: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var done = 0
    private var lastDraw: ContinuousClock.Instant?

    init(entries: [PreparedEntry]) {
        self.entries = entries
        total = entries.reduce(0) { $0 + $1.entry.seeds.count }
        interactive = Terminal.isInteractive(STDERR_FILENO)
        start = clock.now
    }

    /// Handles one event; the runner calls this one event at a time.
    func handle(_ event: RunEvent) {
        switch event {
        case .started(let entry, let seed):
            draw("\(entries[entry].entry.name) seed \(seed)", force: true)
        case .epoch(let entry, let seed, let epoch):
            draw("\(entries[entry].entry.name) seed \(seed) epoch \(epoch)", force: false)
        case .finished(let entry, let seed, let record):
            done += 1
            let name = entries[entry].entry.name
            if interactive {
                draw("\(name) seed \(seed) done", force: true)
            } else {
                let ran = record.epochs.count - 1
                let target: String
                if let epoch = record.epochsToTarget {
                    target = "met the target at epoch \(epoch)"
                } else if case .diverged(let epoch, let step, let loss) = record.outcome {
                    target = "diverged in epoch \(epoch), step \(step): the loss became \(loss)"
                } else {
                    target = "did not meet the target in \(ran) epoch\(ran == 1 ? "" : "s")"
                }
                write("[\(done)/\(total)] \(name) seed \(seed): \(target) (" + String(format: "%.2f s", record.wallSeconds) + ")\n")
            }
        case .failed(let entry, let seed, _):
            done += 1
            let name = entries[entry].entry.name
            if interactive {
                draw("\(name) seed \(seed) could not be trained", force: true)
            } else {
                write("[\(done)/\(total)] \(name) seed \(seed): could not be trained (the report says why)\n")
            }
        }
    }

    /// Ends the bar's line.
    func finish() {
        if interactive { write("\r\u{1B}[K") }
    }

    private func draw(_ activity: String, force: Bool) {
        guard interactive else { return }
        let now = clock.now
        if !force, let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let elapsed = (now - start).seconds
        let remaining = done == 0 ? "?" : String(format: "%.0f s", elapsed * Double(total - done) / Double(done))
        let width = 20, filled = total == 0 ? width : width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        write("\r\u{1B}[K[\(bar)] \(done)/\(total) runs  \(activity)  elapsed " + String(format: "%.0f s", elapsed) + ", remaining ~\(remaining)")
    }

    private func write(_ text: String) {
        writeToStandardError(text)
    }
}
