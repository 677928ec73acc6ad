import NNBenchChecks
import Testing
import NNBenchModel

/// A check that cannot fail is a defect: every injected bug must fail at least one check, and
/// every check must fail on at least one bug, in both precisions.
@Suite("bug × check matrix")
struct FaultMatrixTests {
    @Test(arguments: Precision.allCases)
    func everyBugIsCaughtAndEveryCheckCatchesOne(precision: Precision) {
        let matrix = FaultMatrix(precision: precision)
        #expect(matrix.uncaughtFaults.isEmpty, "uncaught: \(matrix.uncaughtFaults)")
        #expect(matrix.checksThatNeverFailed.isEmpty, "never failed: \(matrix.checksThatNeverFailed)")
        for (fault, results) in matrix.rows {
            #expect(!results.contains { $0.status == .error }, "\(fault): \(results.filter { $0.status == .error }.map { $0.diagnosis ?? "" })")
        }
    }

    @Test func everyFailureSaysWhatWhereAndWhy() {
        for (fault, results) in FaultMatrix(precision: .float64, faults: [.reluBackwardPassesNegative, .softmaxWithoutMax]).rows {
            for result in results where result.status == .failed {
                #expect(!(result.diagnosis ?? "").isEmpty && !result.figure.isEmpty && !result.bound.isEmpty, "\(fault) \(result.check)")
                #expect(!result.likelyCauses.isEmpty, "\(fault) \(result.check)")
            }
        }
    }
}
