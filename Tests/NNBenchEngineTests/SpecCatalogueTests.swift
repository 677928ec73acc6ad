import Testing
import NNBenchDatasets
import NNBenchEngine

@Suite("Spec catalogue references")
struct SpecCatalogueTests {
    @Test("every reference solution is a valid spec for its task", arguments: TaskCatalogue.all.map(\.name))
    func referenceSolutions(name: String) throws {
        let definition = try TaskCatalogue.definition(named: name)
        let sizeNames = Set(definition.parameters.map(\.name)).intersection(["n", "n-valid", "n-test"])
        // Small splits keep the test fast; the reference does not depend on the sizes.
        let task = try definition.makeTask(Dictionary(uniqueKeysWithValues: sizeNames.map { ($0, "8") }))
        let architecture = try ArchitectureSpec(parsing: task.reference.architecture)
        let resolved = try architecture.resolve(for: task)
        #expect(resolved.outputShape == task.outputShape)
        _ = try OptimizerSpec(parsing: task.reference.optimizer)
    }
}
