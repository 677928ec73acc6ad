import Foundation
import Testing
@testable import NNBenchDatasets

/// The contract every catalogue entry keeps, checked for all of them: shapes that agree with
/// the kind, bit-identical regeneration, prefix stability, independent splits, and a consistent
/// chance level and initial loss.
@Suite("Catalogue contract")
struct CatalogueContractTests {
    /// Small sizes keep debug builds fast; fixed-set tasks ignore them.
    static func small(_ definition: TaskDefinition, train: Int = 40) -> [String: String] {
        definition.parameters.contains { $0.name == "n" }
            ? ["n": String(train), "n-valid": "13", "n-test": "17"] : [:]
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func shapesAgreeWithTheKind(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let task = try definition.makeTask(Self.small(definition))
        for split in SplitName.allCases {
            let data = task[split]
            #expect(data.inputShape == task.inputShape)
            // One target per sample, or per step of a sequence task (copy-memory), shaped as the kind says.
            #expect(data.targetShape == task.targetShape)
            #expect(Array(data.targetShape.suffix(task.kind.targetShape.count)) == task.kind.targetShape)
            #expect(data.targetShape.count - task.kind.targetShape.count <= 1)
            #expect(data.count > 0)
            #expect(data.inputs.allSatisfy(\.isFinite) && data.targets.allSatisfy(\.isFinite))
            switch task.kind {
            case .binary: #expect(data.targets.allSatisfy { $0 == 0 || $0 == 1 })
            case .multiclass(let classes):
                #expect(data.targets.allSatisfy { $0 >= 0 && $0 < Double(classes) && $0 == $0.rounded() })
            case .regression: break
            }
        }
        #expect(task.outputShape.last == task.outputWidth)
        #expect(task.name == name)
        #expect(task.parameters.map(\.name) == definition.parameters.map(\.name))
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func regenerationIsBitIdentical(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let a = try definition.makeTask(Self.small(definition), seed: 7)
        let b = try definition.makeTask(Self.small(definition), seed: 7)
        for split in SplitName.allCases {
            #expect(a[split].inputs.map(\.bitPattern) == b[split].inputs.map(\.bitPattern))
            #expect(a[split].targets.map(\.bitPattern) == b[split].targets.map(\.bitPattern))
        }
        #expect(a.answer == b.answer)
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func seedsChangeRandomTasks(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        guard definition.parameters.contains(where: { $0.name == "n" }) else { return }
        let a = try definition.makeTask(Self.small(definition), seed: 1)
        let b = try definition.makeTask(Self.small(definition), seed: 2)
        let noiseFree = (try? definition.makeTask(Self.small(definition).merging(["noise": "0"]) { $1 })) != nil
        // A task whose only randomness is its noise may be seed-independent at noise 0; at its
        // defaults every sampled task must change with the seed.
        if !(noiseFree && a.train.inputs == b.train.inputs && a.train.targets == b.train.targets) {
            #expect(a.train.inputs != b.train.inputs || a.train.targets != b.train.targets)
        }
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func aSampleDoesNotDependOnHowManyFollow(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        guard definition.parameters.contains(where: { $0.name == "n" }) else { return }
        let short = try definition.makeTask(Self.small(definition, train: 20), seed: 3)
        let long = try definition.makeTask(Self.small(definition, train: 45), seed: 3)
        #expect(Array(long.train.inputs.prefix(short.train.inputs.count)) == short.train.inputs)
        #expect(Array(long.train.targets.prefix(short.train.targets.count)) == short.train.targets)
        // Growing the training split leaves the other splits alone.
        #expect(long.test.inputs == short.test.inputs && long.test.targets == short.test.targets)
        #expect(long.validation.inputs == short.validation.inputs)
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func splitsAreIndependentStreams(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        guard definition.parameters.contains(where: { $0.name == "n" }) else { return }
        let sizes = ["n": "17", "n-valid": "17", "n-test": "17"]
        let task = try definition.makeTask(sizes, seed: 5)
        // Equal sizes and seed: splits drawn from one stream would coincide. They may coincide
        // only when the data has no randomness at all (noise-free xor is its truth table), which
        // shows as the same data under another seed.
        if task.train.inputs == task.test.inputs && task.train.targets == task.test.targets {
            let other = try definition.makeTask(sizes, seed: 6)
            #expect(other.train.inputs == task.train.inputs && other.train.targets == task.train.targets)
        }
        #expect(task.validation.inputs != task.test.inputs || task.validation.inputs == task.train.inputs)
    }

    @Test(arguments: TaskCatalogue.all.map(\.name))
    func chanceAndInitialLossAreConsistent(name: String) throws {
        let task = try TaskCatalogue.definition(named: name).makeTask()
        switch task.kind {
        case .binary:
            #expect(abs(task.expectedInitialLoss - log(2)) < 1e-12)
            #expect(task.chanceLevel >= 0.5 && task.chanceLevel <= 1)
        case .multiclass(let classes):
            #expect(abs(task.expectedInitialLoss - log(Double(classes))) < 1e-12)
            #expect(task.chanceLevel >= 1 / Double(classes) - 1e-12 && task.chanceLevel <= 1)
        case .regression:
            #expect(task.expectedInitialLoss >= 0 && task.chanceLevel >= 0)
        }
        #expect(task.reference.target.isMet(by: task.reference.target.metric.higherIsBetter ? 1e9 : -1e9))
    }

    @Test func functionDefaultsMatchTheCatalogue() throws {
        // A generator's Swift defaults and its catalogue defaults are written in two places;
        // this keeps them equal.
        let viaCatalogue = try TaskDefinition.xor.makeTask()
        let viaFunction = try Generators.xor()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.parameters == viaFunction.parameters)
    }

    @Test func unknownNamesAndBadValuesAreRefusedWithTheirRange() {
        #expect(throws: DatasetError.unknownTask("nope", known: TaskCatalogue.all.map(\.name))) {
            try TaskCatalogue.definition(named: "nope")
        }
        do {
            _ = try TaskDefinition.xor.makeTask(["noise": "-1"])
            Issue.record("a negative noise was accepted")
        } catch {
            #expect(error.description == "invalid value '-1' for parameter 'noise' of task 'xor'; expected a number in 0...100")
        }
        do {
            _ = try TaskDefinition.xor.makeTask(["classes": "3"])
            Issue.record("an unknown parameter was accepted")
        } catch {
            #expect(error.description.hasPrefix("task 'xor' has no parameter 'classes'"))
        }
    }
}
