import NNBench

/// `train --inject BUG`: a training run on an engine that makes a known bug, to see what the bug
/// does to the curves, the report and the diagnoses (docs/diagnoses.md). The run is marked as
/// such in every output, so that nobody takes it for a result.
extension TrainCommand {
    /// `--inject`'s bug, checked against the architecture, loss and optimizer it must act on;
    /// `nil` without `--inject`.
    ///
    /// - Throws: Exit 64 for an unknown name (with the nearest known names), or a bug whose code
    ///   this run never reaches (saying what it needs).
    func parseInject(architecture: ArchitectureSpec, task: LearningTask, optimizer: OptimizerSpec) throws -> Fault? {
        guard let name = inject else { return nil }
        guard let fault = Fault(rawValue: name) else {
            throw failure("unknown bug '\(name)' for --inject; \(Self.nearestFaults(to: name)) (all of them: nnbench check --list-bugs)", status: ExitStatus.usage)
        }
        if let requirement = fault.requirement, !fault.acts(on: architecture, loss: task.loss) {
            let has = if case .loss = requirement { "task '\(task.name)' uses \(task.loss.rawValue)" } else { "'\(architecture)' has none" }
            throw failure("--inject \(fault) needs \(requirement); \(has), so the bug would change nothing", status: ExitStatus.usage)
        }
        if let needed = Self.optimizerNeeded(by: fault, optimizer) {
            throw failure("--inject \(fault) needs \(needed); this run uses \(optimizer), so the bug would change nothing", status: ExitStatus.usage)
        }
        return fault
    }

    /// What an optimizer's bug needs of `optimizer` to change anything, or `nil` when it has it
    /// (or the bug is not an optimizer's). The faults' requirements (``Fault/requirement``) say
    /// nothing of the optimizer: the checks train with their own.
    private static func optimizerNeeded(by fault: Fault, _ optimizer: OptimizerSpec) -> String? {
        switch (fault, optimizer) {
        case (.rmspropWithoutEpsInside, .rmsprop), (.adamWDecayCoupled, .adamW), (.adamWithoutBiasCorrection, .adam),
             (.adamWithoutBiasCorrection, .adamW), (.momentumNotKept, .adam), (.momentumNotKept, .adamW),
             (.momentumNotKept, .rmsprop):
            nil
        case (.rmspropWithoutEpsInside, _): "the optimizer rmsprop"
        case (.adamWDecayCoupled, _): "the optimizer adamw"
        case (.adamWithoutBiasCorrection, _): "the optimizer adam or adamw"
        // Plain SGD keeps no state between steps: there is nothing to forget.
        case (.momentumNotKept, .sgd(_, let momentum, _, _)): momentum == 0 ? "an optimizer with state (sgd with momentum, adam, adamw, rmsprop)" : nil
        case (.weightDecayWrongSign, .sgd(_, _, _, let decay)), (.weightDecayWrongSign, .adam(_, _, _, _, let decay)),
             (.weightDecayWrongSign, .adamW(_, _, _, _, let decay)), (.weightDecayWrongSign, .rmsprop(_, _, _, _, let decay, _)):
            decay == 0 ? "an optimizer with weight_decay" : nil
        default: nil
        }
    }

    /// The line that marks every output of a run with an injected bug.
    static func injectedNotice(_ fault: Fault) -> String {
        "injected bug \(fault) (\(fault.summary)): this run trains a deliberately broken engine, not a result"
    }

    /// `did you mean 'X'?` for a likely typo; else the bugs sharing a word with `name`.
    private static func nearestFaults(to name: String, limit: Int = 5) -> String {
        let known = Fault.allCases.map(\.rawValue)
        if let nearest = nearestName(to: name, in: known) { return "did you mean '\(nearest)'?" }
        let words = Set(name.lowercased().split(separator: "-").filter { $0.count > 2 })
        let sharing = known.filter { !words.isDisjoint(with: $0.split(separator: "-")) }
        return sharing.isEmpty ? "no bug has a similar name" : "bugs with a similar name: \(sharing.prefix(limit).joined(separator: ", "))"
    }
}
