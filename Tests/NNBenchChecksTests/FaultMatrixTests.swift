import Foundation
import NNBenchChecks
import NNBenchEngine
import NNBenchFaults
import Testing
import NNBenchModel

/// A check that cannot fail is a defect: every injected bug must fail at least one check, and
/// every check must fail on at least one bug, in both precisions; and the most specific failing
/// check must name the place where the bug is.
@Suite("bug × check matrix")
struct FaultMatrixTests {
    @Test(arguments: Precision.allCases)
    func everyBugIsCaughtAndLocatedAndEveryCheckCatchesOne(precision: Precision) {
        let matrix = FaultMatrix(precision: precision)
        #expect(matrix.uncaughtFaults.isEmpty, "uncaught: \(matrix.uncaughtFaults)")
        #expect(matrix.checksThatNeverFailed.isEmpty, "never failed: \(matrix.checksThatNeverFailed)")
        for (fault, results) in matrix.rows {
            #expect(!results.contains { $0.status == .error }, "\(fault): \(results.filter { $0.status == .error }.map { $0.diagnosis ?? "" })")
            let located = matrix.located(fault)
            #expect(located?.right == true, "\(fault) located at \(located.map { "\($0.location.description) by \($0.check)" } ?? "nothing")")
        }
        #expect(matrix.isComplete)
    }

    /// The comparison of a named place with a fault's: a layer fault needs named layers all of its
    /// type; a range that reaches another type, or the loss, is not the place.
    @Test func aPlaceIsRightOnlyWhenItIsTheFaults() throws {
        let architecture = try ArchitectureSpec(parsing: "dense(8) tanh dense(8) relu dense(3)")
        let relu = FaultSite.layerType("relu"), dense = FaultSite.layerType("dense")
        let reluLayer = LayerLocation(index: 3, type: "relu"), denseLayer = LayerLocation(index: 4, type: "dense")
        #expect(relu.isLocated(by: .layers([reluLayer]), in: architecture))
        #expect(!relu.isLocated(by: .layers([reluLayer, denseLayer]), in: architecture))
        #expect(!relu.isLocated(by: .layers([]), in: architecture))
        #expect(!relu.isLocated(by: .suspects([reluLayer], loss: true), in: architecture))
        #expect(dense.isLocated(by: .layers([LayerLocation(index: 0, type: "dense"), denseLayer]), in: architecture))
        #expect(!dense.isLocated(by: .layers([LayerLocation(index: 1, type: "dense")]), in: architecture), "layer 1 is tanh")
        #expect(FaultSite.loss.isLocated(by: .loss, in: architecture))
        #expect(FaultSite.loss.isLocated(by: .suspects([], loss: true), in: architecture))
        #expect(!FaultSite.loss.isLocated(by: .suspects([denseLayer], loss: true), in: architecture))
        #expect(FaultSite.optimizer(rules: ["adam"]).isLocated(by: .optimizer(rule: "adam", spec: "adam(lr: 0.01)"), in: architecture))
        #expect(!FaultSite.optimizer(rules: ["adam"]).isLocated(by: .optimizer(rule: "sgd", spec: "sgd(lr: 0.1)"), in: architecture))
        #expect(FaultSite.optimizer(rules: nil).isLocated(by: .optimizer(rule: "sgd", spec: "sgd(lr: 0.1)"), in: architecture))
        #expect(!FaultSite.data.isLocated(by: .optimizer(rule: "sgd", spec: "sgd(lr: 0.1)"), in: architecture))
        #expect(FaultSite.data.isLocated(by: .data, in: architecture))
        #expect(!FaultSite.initialisation.isLocated(by: .loss, in: architecture))
        #expect(relu.description(in: architecture) == "layer 3 (relu)")
        #expect(dense.description(in: architecture) == "layers 0, 2, 4 (dense)")
    }

    /// A location survives JSON (`--json` prints it) and reads as the diagnosis words it.
    @Test func locationsRoundTripThroughJSON() throws {
        let locations: [BugLocation] = [
            .layers([LayerLocation(index: 3, type: "relu")]), .suspects([LayerLocation(index: 2, type: "dense"), LayerLocation(index: 3, type: "relu")], loss: true),
            .loss, .optimizer(rule: "sgd", spec: "sgd(lr: 0.1, momentum: 0.9)"), .initialisation, .data,
        ]
        for location in locations {
            let data = try JSONEncoder().encode(location)
            #expect(try JSONDecoder().decode(BugLocation.self, from: data) == location, "\(String(decoding: data, as: UTF8.self))")
        }
        let json = String(decoding: try JSONEncoder().encode(locations[0]), as: UTF8.self)
        #expect(json.contains("\"place\":\"layers\"") && json.contains("\"type\":\"relu\""), "\(json)")
        #expect(locations.map(\.description) == [
            "layer 3 (relu)", "layers 2 (dense), 3 (relu) or the loss", "the loss", "optimizer sgd(lr: 0.1, momentum: 0.9)", "initialisation",
            "the training data (inputs or targets)",
        ])
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
