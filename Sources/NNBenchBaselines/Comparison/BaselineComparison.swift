import Foundation
import NNBenchDatasets
import NNBenchHarness
import NNBenchIO

/// Compares a result with its baseline, exactly when the two can be identical and statistically
/// otherwise.
public enum BaselineComparison {
    /// Compares `current` with `baseline`.
    ///
    /// - Parameters:
    ///   - current: The new result (a run's record, or a second baseline).
    ///   - baseline: What it is compared with, or `nil` for none.
    /// - Returns: The comparison, with its verdict and details.
    public static func compare(_ current: BaselineRecord, with baseline: BaselineRecord?) -> EntryComparison {
        let seeds = compareSeeds(current, baseline)
        var details = seeds.details
        let metrics = compareMetrics(current, baseline)
        details += seeds.exactDifferences
        for metric in metrics where metric.verdict == .regressed {
            details.append("\(metric.name): \(format(metric.current)) is worse than the baseline's \(format(metric.baseline!)) by more than the tolerance \(number(metric.tolerance!)) (one-sided t test, 1 %)")
        }
        let verdict: Verdict
        if seeds.missedTarget { verdict = .missedTarget }
        else if !seeds.exactDifferences.isEmpty { verdict = .changed }
        else if metrics.contains(where: { $0.verdict == .regressed }) { verdict = .regressed }
        else if baseline == nil { verdict = .new }
        else if metrics.contains(where: { $0.verdict == .improved }) { verdict = .improved }
        else { verdict = .pass }
        return EntryComparison(entry: current.entry.name, mode: seeds.mode, metrics: metrics, targetStatus: seeds.targetStatus, verdict: verdict, details: details)
    }

    /// The verdicts of a part of an entry's seeds, as one shard of a run gives them
    /// (docs/shards.md): each seed's target, and in exact mode each seed's curve against the
    /// baseline's same seed. The means over every seed (epochs to target, the target's metric)
    /// and their one-sided t test are the merge's, so no metric is compared here.
    ///
    /// - Parameters:
    ///   - current: The seeds' result, its entry's seeds those run.
    ///   - baseline: The entry's baseline over every seed, or `nil` for none.
    /// - Returns: Missed target, changed, new or pass, with the details.
    public static func compareSeedsOnly(_ current: BaselineRecord, with baseline: BaselineRecord?) -> EntryComparison {
        let seeds = compareSeeds(current, baseline)
        let verdict: Verdict = seeds.missedTarget ? .missedTarget : !seeds.exactDifferences.isEmpty ? .changed : baseline == nil ? .new : .pass
        return EntryComparison(
            entry: current.entry.name, mode: seeds.mode, metrics: [], targetStatus: seeds.targetStatus, verdict: verdict,
            details: seeds.details + seeds.exactDifferences)
    }

    /// What each seed gives alone: the target status, whether a seed missed a target the entry
    /// is meant to meet, the details of misses and divergences, the mode, and in exact mode where
    /// each seed's numbers first differ from the baseline's.
    private static func compareSeeds(_ current: BaselineRecord, _ baseline: BaselineRecord?)
        -> (targetStatus: String, missedTarget: Bool, details: [String], mode: ComparisonMode, exactDifferences: [String]) {
        let entry = current.entry
        var details: [String] = []
        let met = current.seeds.filter { $0.epochsToTarget != nil }
        let targetStatus: String
        var missedTarget = false
        switch entry.expectation {
        case .meet:
            targetStatus = "met \(met.count)/\(current.seeds.count)"
            // A diverged seed missed the target because it stopped: said so, not "in N epochs".
            let missed = current.seeds.filter { $0.epochsToTarget == nil && !$0.outcome.isDiverged }
            if !missed.isEmpty {
                missedTarget = true
                details.append("seed\(missed.count == 1 ? "" : "s") \(missed.map { String($0.seed) }.joined(separator: ", ")) did not meet \(entry.target) in \(entry.epochs) epoch\(entry.epochs == 1 ? "" : "s") (final \(finalValues(missed, entry)))")
            }
            if current.seeds.contains(where: { $0.epochsToTarget == nil && $0.outcome.isDiverged }) { missedTarget = true }
        case .miss:
            targetStatus = met.isEmpty ? "missed \(current.seeds.count)/\(current.seeds.count) (expected)" : "met \(met.count)/\(current.seeds.count) (expected to miss)"
        }
        for seed in current.seeds {
            if case .diverged(let epoch, let step, let loss) = seed.outcome {
                details.append("seed \(seed.seed) diverged in epoch \(epoch), step \(step): the loss became \(loss)")
            }
        }

        var mode = ComparisonMode.none
        var exactDifferences: [String] = []
        if let baseline {
            let reasons = inexactReasons(current, baseline)
            let unmatched = current.seeds.map(\.seed).filter { seed in !baseline.seeds.contains { $0.seed == seed } }
            if reasons.isEmpty, !unmatched.isEmpty {
                // The seeds both records hold are still held to their bits; the others have no
                // curve to match, so the entry as a whole is not an exact comparison.
                mode = .statistical
                exactDifferences = differences(current, baseline)
                details.append("statistical comparison: seed\(unmatched.count == 1 ? "" : "s") \(unmatched.map(String.init).joined(separator: ", ")) "
                    + "\(unmatched.count == 1 ? "has" : "have") no baseline curve (the baseline holds \(baseline.seeds.map { String($0.seed) }.joined(separator: ", "))); "
                    + "the seeds both hold are compared bit for bit")
            } else if reasons.isEmpty {
                mode = .exact
                exactDifferences = differences(current, baseline)
            } else {
                mode = .statistical
                details.append("statistical comparison: " + reasons.joined(separator: "; "))
                // After a deliberate change to the engine (its fingerprint moved), say whether any
                // number moved with it.
                if current.seeds.allSatisfy({ seed in baseline.seeds.contains { $0.seed == seed.seed } }), differences(current, baseline).isEmpty {
                    details.append(identicalCurves)
                }
            }
        }
        return (targetStatus, missedTarget, details, mode, exactDifferences)
    }

    /// The detail of a statistical comparison whose every curve and outcome match the baseline's
    /// anyway: the engine's fingerprint moved but none of this entry's numbers did.
    public static let identicalCurves = "every seed's curve and outcome are identical to the baseline's, bit for bit"

    /// Why two records cannot be expected to match bit for bit; empty when they can.
    static func inexactReasons(_ current: BaselineRecord, _ baseline: BaselineRecord) -> [String] {
        var reasons: [String] = []
        if current.engine.fingerprint != baseline.engine.fingerprint {
            reasons.append("the engine fingerprint differs (\(current.engine.fingerprint.prefix(12)) vs the baseline's \(baseline.engine.fingerprint.prefix(12)))")
        }
        if current.platform != baseline.platform {
            reasons.append("the platform differs (\(current.platform) vs the baseline's \(baseline.platform))")
        }
        if current.datasetSHA256 != baseline.datasetSHA256 { reasons.append("the data differ (dataset SHA-256)") }
        var a = current.entry, b = baseline.entry
        (a.seeds, b.seeds) = ([], [])
        if !a.trainsLike(b) { reasons.append("the entry differs: \(entryDifference(a, b))") }
        return reasons
    }

    /// The first field in which two entries differ.
    ///
    /// - Parameters:
    ///   - a: The current entry.
    ///   - b: The baseline's entry.
    /// - Returns: The first field that differs, e.g. `optimizer adam(lr: 1e-06) vs the baseline's
    ///   adam(lr: 0.05)`, or `name xor-2 vs the baseline's xor` for an entry renamed with its file.
    public static func entryDifference(_ a: SuiteEntry, _ b: SuiteEntry) -> String {
        let fields: [(String, String, String)] = [
            ("task", a.task, b.task), ("parameters", "\(a.parameters.sorted { $0.key < $1.key })", "\(b.parameters.sorted { $0.key < $1.key })"),
            ("data seed", "\(a.dataSeed)", "\(b.dataSeed)"), ("architecture", a.architecture, b.architecture),
            ("optimizer", a.optimizer, b.optimizer), ("schedule", a.schedule, b.schedule),
            ("batch size", "\(a.batchSize)", "\(b.batchSize)"), ("epochs", "\(a.epochs)", "\(b.epochs)"),
            ("target", exactText(a.target), exactText(b.target)), ("expect", a.expectation.rawValue, b.expectation.rawValue),
            ("seeds", "\(a.seeds)", "\(b.seeds)"), ("name", a.name, b.name),
        ]
        guard let field = fields.first(where: { $0.1 != $0.2 }) else { return "the note only" }
        return "\(field.0) \(field.1) vs the baseline's \(field.2)"
    }

    /// A target with every digit of its bound, so that two targets that differ read differently.
    private static func exactText(_ target: Target) -> String {
        "\(target.split.rawValue) \(target.metric.rawValue) \(target.metric.higherIsBetter ? ">=" : "<=") \(canonicalNumberText(target.value))"
    }

    /// Exact mode: for every seed both records ran, where its numbers first differ.
    static func differences(_ current: BaselineRecord, _ baseline: BaselineRecord) -> [String] {
        var lines: [String] = []
        for seed in current.seeds {
            guard let old = baseline.seeds.first(where: { $0.seed == seed.seed }), old != seed else { continue }
            lines.append("exact mode: seed \(seed.seed) " + firstDifference(seed, old))
        }
        return lines
    }

    /// `differs at epoch 12, train loss: 0.25 vs the baseline's 0.2500001`.
    static func firstDifference(_ seed: SeedResult, _ old: SeedResult) -> String {
        for (point, oldPoint) in zip(seed.curve, old.curve) where point != oldPoint {
            var fields: [(String, Double?, Double?)] = [("learning rate", point.learningRate, oldPoint.learningRate)]
            for split in SplitName.allCases {
                let (new, before) = (point[split], oldPoint[split])
                fields += [("\(split.rawValue) loss", new.loss, before.loss), ("\(split.rawValue) accuracy", new.accuracy, before.accuracy),
                           ("\(split.rawValue) mse", new.mse, before.mse), ("\(split.rawValue) r2", new.r2, before.r2)]
            }
            let field = fields.first { $0.1?.bitPattern != $0.2?.bitPattern }!
            return "differs at epoch \(point.epoch), \(field.0): \(field.1.map(exact) ?? "none") vs the baseline's \(field.2.map(exact) ?? "none")"
        }
        if seed.curve.count != old.curve.count {
            return "stopped after epoch \(seed.curve.count - 1), the baseline's after epoch \(old.curve.count - 1)"
        }
        return "ended \(seed.outcome) with epochs to target \(seed.epochsToTarget.map(String.init) ?? "none"), the baseline \(old.outcome) with \(old.epochsToTarget.map(String.init) ?? "none")"
    }

    /// The statistical comparison of epochs to target and of the target's metric.
    static func compareMetrics(_ current: BaselineRecord, _ baseline: BaselineRecord?) -> [MetricComparison] {
        let target = current.entry.target
        var metrics: [MetricComparison] = []
        let epochs = current.seeds.compactMap(\.epochsToTarget)
        let baselineEpochs = baseline?.seeds.compactMap(\.epochsToTarget) ?? []
        if current.entry.expectation == .meet, epochs.count == current.seeds.count,
           baseline.map({ baselineEpochs.count == $0.seeds.count }) ?? true {
            metrics.append(metric(
                "epochs to target", lowerIsBetter: true, current: epochs.map(Double.init),
                baseline: baseline == nil ? nil : baselineEpochs.map(Double.init), quantum: 1))
        }
        let values = finalMetric(current)
        if values.count == current.seeds.count {
            let baselineValues = baseline.map(finalMetric)
            let quantum = target.metric == .accuracy ? current.splitSizes[target.split.rawValue].map { 1 / Double(max($0, 1)) } : nil
            metrics.append(metric(
                "\(target.split.rawValue) \(target.metric.rawValue)", lowerIsBetter: !target.metric.higherIsBetter, current: values,
                baseline: baselineValues.flatMap { $0.isEmpty ? nil : $0 }, quantum: quantum))
        }
        return metrics
    }

    private static func metric(_ name: String, lowerIsBetter: Bool, current: [Double], baseline: [Double]?, quantum: Double?) -> MetricComparison {
        let summary = Summary(current)
        guard let baseline else {
            return MetricComparison(name: name, lowerIsBetter: lowerIsBetter, current: summary, baseline: nil, tolerance: nil, verdict: .new)
        }
        let old = Summary(baseline)
        let test = OneSidedTest(baseline: baseline, currentCount: current.count, quantum: quantum)
        let verdict: Verdict
        if summary.mean.isFinite && old.mean.isFinite {
            let worsening = (summary.mean - old.mean) * (lowerIsBetter ? 1 : -1)
            verdict = worsening > test.tolerance ? .regressed : -worsening > test.tolerance ? .improved : .pass
        } else {
            // A diverged seed's loss makes the mean NaN or infinite: worse than any number, no
            // worse than the same non-number.
            verdict = summary.mean.bitPattern == old.mean.bitPattern ? .pass : summary.mean.isFinite ? .improved : .regressed
        }
        return MetricComparison(name: name, lowerIsBetter: lowerIsBetter, current: summary, baseline: old, tolerance: test.tolerance, verdict: verdict)
    }

    /// Every seed's final value of the target's metric on the target's split.
    static func finalMetric(_ record: BaselineRecord) -> [Double] {
        record.seeds.compactMap { $0.final[record.entry.target.split].value(of: record.entry.target.metric) }
    }

    private static func finalValues(_ seeds: [SeedResult], _ entry: SuiteEntry) -> String {
        seeds.map { $0.final[entry.target.split].value(of: entry.target.metric).map(number) ?? "none" }.joined(separator: ", ")
    }

    /// A summary as text.
    ///
    /// - Parameter summary: Values over seeds.
    /// - Returns: `0.9812 ± 0.0031`, or one value for one seed.
    public static func format(_ summary: Summary) -> String {
        number(summary.mean) + (summary.standardDeviation.map { " ± " + number($0) } ?? "")
    }

    /// A number as text.
    ///
    /// - Parameter value: The number.
    /// - Returns: Four significant digits, or a whole number as it is.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.numberText }
        return value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.4g", value)
    }

    /// Every digit of a value, to show where two values differ.
    static func exact(_ value: Double) -> String { "\(value)" }
}
