import NNBenchIO

import Foundation

/// How the learning rate changes over a run, counted in optimizer steps: an optional linear
/// warm-up, then a decay.
///
/// Spec text: `constant`, `step(size: 30, gamma: 0.1)`, `cosine`, `cosine(min_lr: 0.0001)`,
/// `warmup(steps: 100)`, `warmup(steps: 100) cosine`.
public struct ScheduleSpec: Sendable, Hashable, CustomStringConvertible {
    /// The learning rate after the warm-up, as a PyTorch scheduler stepped once per optimizer step.
    public enum Decay: Sendable, Hashable {
        /// The base rate throughout.
        case constant
        /// StepLR: `base · gamma^⌊t / size⌋`.
        case step(size: Int, gamma: Double = 0.1)
        /// CosineAnnealingLR over the steps after the warm-up:
        /// `min + (base − min)·(1 + cos(π·t / T)) / 2`.
        case cosine(minimumLearningRate: Double = 0)
    }

    /// The number of warm-up steps; 0 for none.
    public var warmupSteps: Int
    /// The decay after the warm-up.
    public var decay: Decay

    /// Creates a schedule.
    ///
    /// - Parameters:
    ///   - warmupSteps: The number of warm-up steps, at least 0.
    ///   - decay: The decay after them.
    public init(warmupSteps: Int = 0, decay: Decay = .constant) {
        self.warmupSteps = warmupSteps
        self.decay = decay
    }

    /// The learning rate of optimizer step `step`.
    ///
    /// During the warm-up (`step < W`) it rises linearly: `base · (step + 1) / W`, so the first
    /// step uses `base / W` and step `W − 1` the full rate. After it, the decay runs on
    /// `t = step − W` over `T = totalSteps − W` steps. Cosine reaches `min` at `t = T` (one past
    /// the last step, as PyTorch's CosineAnnealingLR with `T_max = T`) and stays there; with
    /// `T ≤ 0` it gives `base`.
    ///
    /// - Parameters:
    ///   - base: The optimizer's learning rate.
    ///   - step: The optimizer step, from 0.
    ///   - totalSteps: The number of optimizer steps in the run.
    /// - Returns: The learning rate to use at `step`.
    public func learningRate(base: Double, step: Int, totalSteps: Int) -> Double {
        if step < warmupSteps {
            return base * Double(step + 1) / Double(warmupSteps)
        }
        let t = step - warmupSteps
        switch decay {
        case .constant:
            return base
        case .step(let size, let gamma):
            return base * pow(gamma, Double(t / size))
        case .cosine(let minimum):
            let period = totalSteps - warmupSteps
            guard period > 0 else { return base }
            let progress = Double(min(t, period)) / Double(period)
            return minimum + (base - minimum) * (1 + cos(Double.pi * progress)) / 2
        }
    }

    /// Reads a schedule from spec text.
    ///
    /// - Parameter text: E.g. `"warmup(steps: 100) cosine"`.
    /// - Throws: ``SpecError`` for text that does not parse, an unknown part or option, an
    ///   invalid value (steps < 1, size < 1, gamma ≤ 0, min_lr < 0), a warm-up after the decay,
    ///   or two decays.
    public init(parsing text: String) throws(SpecError) {
        let parts = try NamedCall.parse(text, kind: "schedule")
        guard !parts.isEmpty else {
            throw SpecError("the schedule is empty; write constant, step(size: N), cosine or warmup(steps: N)", source: text, range: 0..<0)
        }
        var warmupSteps = 0
        var decay: Decay?
        for (index, part) in parts.enumerated() {
            switch part.call.name {
            case "warmup":
                guard index == 0 else {
                    throw part.site.error("a warm-up must come first")
                }
                let options = try OptionReader(part.call, options: ["steps"], positional: 1, site: part.site)
                warmupSteps = try options.integer("steps", minimum: 1)
            case "constant", "step", "cosine":
                guard decay == nil else {
                    throw part.site.error("a schedule has one decay after its optional warm-up")
                }
                decay = try Self.decay(part)
            default:
                throw NamedCall.unknown(part, kind: "schedule", known: ["constant", "step", "cosine", "warmup"])
            }
        }
        self.init(warmupSteps: warmupSteps, decay: decay ?? .constant)
    }

    /// The canonical spec, which parses back to an equal schedule: `warmup(steps: 100) cosine`.
    public var description: String {
        let decayText: String? = switch decay {
        case .constant: warmupSteps > 0 ? nil : "constant"
        case .step(let size, let gamma): gamma == 0.1 ? "step(size: \(size))" : "step(size: \(size), gamma: \(canonicalNumberText(gamma)))"
        case .cosine(let minimum): minimum == 0 ? "cosine" : "cosine(min_lr: \(canonicalNumberText(minimum)))"
        }
        let warmup = warmupSteps > 0 ? "warmup(steps: \(warmupSteps))" : nil
        return [warmup, decayText].compactMap { $0 }.joined(separator: " ")
    }

    private static func decay(_ part: NamedCall.Located) throws(SpecError) -> Decay {
        switch part.call.name {
        case "step":
            let options = try OptionReader(part.call, options: ["size", "gamma"], positional: 1, site: part.site)
            return .step(
                size: try options.integer("size", minimum: 1),
                gamma: try options.number("gamma", default: 0.1, expected: "a positive number") { $0 > 0 })
        case "cosine":
            let options = try OptionReader(part.call, options: ["min_lr"], positional: 1, site: part.site)
            return .cosine(minimumLearningRate: try options.number("min_lr", default: 0, expected: "a non-negative number") { $0 >= 0 })
        default:
            _ = try OptionReader(part.call, options: [], site: part.site)
            return .constant
        }
    }
}
