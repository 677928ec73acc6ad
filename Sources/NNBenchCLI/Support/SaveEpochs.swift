import Foundation
import ArgumentParser
import NNBench

/// Which epochs `train --save-weights` saves (`--save-epochs`): a comma-separated list of epoch
/// numbers (0 is the initial weights), `last` (the last epoch run, also when the run stops at
/// its target or diverges), `every N` (0, N, 2N, ...) and `all`; by default `0,last`.
struct SaveEpochs {
    /// The epochs named by number or by `every N`.
    let epochs: Set<Int>
    /// Whether the last epoch run is saved.
    let last: Bool

    /// Reads `text` for a run of `budget` epochs.
    ///
    /// - Throws: Exit 64 for an item that is none of the four, an epoch past the budget, or `every` 0.
    init(parsing text: String, budget: Int) throws {
        func refuse(_ why: String) -> ExitCode {
            failure("invalid --save-epochs '\(text)': \(why); expected epochs in 0...\(budget), 'last', 'every N' or 'all', separated by commas, e.g. 0,10,last", status: ExitStatus.usage)
        }
        var epochs: Set<Int> = [], last = false
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = item.split(separator: " ", omittingEmptySubsequences: true)
            if item == "last" {
                last = true
            } else if item == "all" {
                epochs.formUnion(0...budget)
            } else if words.count == 2, words[0] == "every" {
                guard let step = Int(words[1]), step >= 1 else { throw refuse("'\(item)' needs a positive whole number of epochs") }
                epochs.formUnion(stride(from: 0, through: budget, by: step))
            } else if let epoch = Int(item) {
                guard (0...budget).contains(epoch) else { throw refuse("epoch \(epoch) is not in 0...\(budget) (--epochs)") }
                epochs.insert(epoch)
            } else {
                throw refuse("'\(item)' is not an epoch")
            }
        }
        self.epochs = epochs
        self.last = last
    }

    /// The epochs saved of a run whose last epoch was `lastRun`.
    func chosen(lastRun: Int) -> Set<Int> {
        last ? epochs.union([lastRun]) : epochs
    }
}
