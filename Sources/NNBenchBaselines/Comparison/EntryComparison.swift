import NNBenchHarness

/// The verdict on one entry or metric.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// No worse than the baseline (in exact mode: identical).
    case pass
    /// Better than the baseline by more than the tolerance.
    case improved
    /// Worse than the baseline by more than the tolerance.
    case regressed
    /// Exact mode: the numbers differ from the baseline's although the engine fingerprint, the
    /// platform, the data and the entry are the same.
    case changed
    /// No baseline to compare with.
    case new
    /// A seed missed a target the entry is meant to meet.
    case missedTarget = "missed target"
    /// The entry could not be compared: its baseline file is unreadable or corrupt, or it could
    /// not be trained.
    case error

    /// Whether the verdict fails a run (exit status 1).
    public var isFailure: Bool { self == .regressed || self == .changed || self == .missedTarget }
}

/// How a result was compared with its baseline.
public enum ComparisonMode: String, Sendable, Hashable, Codable {
    /// Same engine fingerprint, platform, data and entry: every number must match, bit for bit.
    case exact
    /// Different engine, platform, data or entry: means compared with a one-sided test.
    case statistical
    /// No baseline.
    case none
}

/// One metric of an entry compared with its baseline.
public struct MetricComparison: Sendable, Hashable {
    /// `epochs to target` or `test accuracy`.
    public let name: String
    /// Whether a smaller value is better.
    public let lowerIsBetter: Bool
    /// The current values over seeds.
    public let current: Summary
    /// The baseline's values over seeds, if there is a baseline.
    public let baseline: Summary?
    /// The largest worsening that is not a regression (``OneSidedTest``).
    public let tolerance: Double?
    /// Pass, improved, regressed or new.
    public let verdict: Verdict

    /// Creates a metric's comparison.
    public init(name: String, lowerIsBetter: Bool, current: Summary, baseline: Summary?, tolerance: Double?, verdict: Verdict) {
        self.name = name
        self.lowerIsBetter = lowerIsBetter
        self.current = current
        self.baseline = baseline
        self.tolerance = tolerance
        self.verdict = verdict
    }
}

/// One entry compared with its baseline.
public struct EntryComparison: Sendable, Hashable {
    /// The entry's name.
    public let entry: String
    /// Exact, statistical, or none (no baseline).
    public let mode: ComparisonMode
    /// The compared metrics.
    public let metrics: [MetricComparison]
    /// `met 5/5`, `missed 5/5 (expected)`.
    public let targetStatus: String
    /// The entry's verdict: the worst of the target check, the exact check and the metrics'.
    public let verdict: Verdict
    /// Why the mode was chosen, and each difference or regression, one line each.
    public let details: [String]

    /// Creates a comparison.
    public init(
        entry: String, mode: ComparisonMode, metrics: [MetricComparison], targetStatus: String, verdict: Verdict,
        details: [String]
    ) {
        self.entry = entry
        self.mode = mode
        self.metrics = metrics
        self.targetStatus = targetStatus
        self.verdict = verdict
        self.details = details
    }

    /// The comparison of an entry whose baseline could not be read.
    ///
    /// - Parameters:
    ///   - entry: The entry's name.
    ///   - error: What is wrong with its baseline.
    /// - Returns: A comparison with verdict ``Verdict/error``.
    public static func unreadable(_ entry: String, error: BaselineError) -> EntryComparison {
        EntryComparison(entry: entry, mode: .none, metrics: [], targetStatus: "", verdict: .error, details: [error.description])
    }

    /// The comparison of an entry that could not be trained.
    ///
    /// - Parameters:
    ///   - entry: The entry's name.
    ///   - reason: Why (``NNBenchHarness/EntryResult/failure``).
    /// - Returns: A comparison with verdict ``Verdict/error``.
    public static func untrained(_ entry: String, reason: String) -> EntryComparison {
        EntryComparison(entry: entry, mode: .none, metrics: [], targetStatus: "", verdict: .error, details: ["could not be trained: \(reason)"])
    }
}
