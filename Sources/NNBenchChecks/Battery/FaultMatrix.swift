import NNBenchEngine
import NNBenchFaults
import NNBenchModel

/// Which check catches which injected bug: every fault run on its showcase through every check.
///
/// The matrix is complete when every fault fails at least one check and every check fails on at
/// least one fault: a check that cannot fail is a defect, and so is a bug no check sees.
public struct FaultMatrix: Sendable {
    /// The checks, in the battery's order.
    public let checks: [String]
    /// For each fault, in catalogue order, the statuses of its checks.
    public let rows: [(fault: Fault, results: [CheckResult])]

    /// Runs every fault through the battery.
    ///
    /// - Parameters:
    ///   - precision: The engine's precision.
    ///   - seed: The weights' seed.
    ///   - faults: The faults to run.
    public init(precision: Precision, seed: UInt64 = 0, faults: [Fault] = Fault.allCases) {
        checks = CheckBattery.names
        rows = faults.map { fault in (fault, Showcase.showcase(for: fault).run(precision: precision, fault: fault, seed: seed)) }
    }

    /// The faults no check caught.
    public var uncaughtFaults: [Fault] {
        rows.filter { !$0.results.contains { $0.status == .failed } }.map(\.fault)
    }

    /// The checks that caught no fault.
    public var checksThatNeverFailed: [String] {
        checks.filter { check in !rows.contains { $0.results.contains { $0.check == check && $0.status == .failed } } }
    }

    /// Whether every fault is caught and every check catches something.
    public var isComplete: Bool { uncaughtFaults.isEmpty && checksThatNeverFailed.isEmpty }

    /// The cell of a fault and a check: `X` caught, `.` passed, `-` skipped, `E` error.
    public func cell(_ fault: Fault, _ check: String) -> String {
        guard let result = rows.first(where: { $0.fault == fault })?.results.first(where: { $0.check == check }) else { return " " }
        switch result.status {
        case .failed: return "X"
        case .passed: return "."
        case .skipped: return "-"
        case .error: return "E"
        }
    }
}
