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

    /// Whether every fault is caught and located and every check catches something.
    public var isComplete: Bool { uncaughtFaults.isEmpty && checksThatNeverFailed.isEmpty && mislocatedFaults.isEmpty }

    /// The checks in the order their locations are trusted, most specific first:
    ///
    /// 1. `input-gradient` tests each layer's backward pass alone, given its own output gradient,
    ///    so it names the layer whose own code is wrong and nothing below it;
    /// 2. `reference` compares with a known-right engine: the first layer whose output differs,
    ///    the loss, the step; for gradients only a range (a wrong backward pass changes every
    ///    parameter gradient below it);
    /// 3. `gradient` sees the parameter gradients only, through the whole backward pass, the same
    ///    range at best;
    /// 4. the others place a bug by what they test (`init` the weights, `modes` the layer whose
    ///    evaluation varies, `batch` the layer where samples leak, `numerics` the first
    ///    non-finite value), in the battery's order.
    public static var localisationOrder: [String] {
        let first = ["input-gradient", "reference", "gradient"]
        return first + CheckBattery.names.filter { !first.contains($0) }
    }

    /// Where the matrix locates a fault: the failing check that comes first in
    /// ``localisationOrder`` among those that name a place, that place, and whether it is the
    /// fault's (``FaultSite/isLocated(by:in:)`` on the fault's showcase); `nil` when no failing
    /// check names one.
    public func located(_ fault: Fault) -> (check: String, location: BugLocation, right: Bool)? {
        guard let results = rows.first(where: { $0.fault == fault })?.results else { return nil }
        for check in Self.localisationOrder {
            guard let result = results.first(where: { $0.check == check && $0.status == .failed }), let location = result.location else { continue }
            return (check, location, fault.site.isLocated(by: location, in: Showcase.showcase(for: fault).architectureSpec))
        }
        return nil
    }

    /// The faults caught but not located, or located in the wrong place.
    public var mislocatedFaults: [Fault] {
        rows.map(\.fault).filter { located($0)?.right != true }
    }

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
