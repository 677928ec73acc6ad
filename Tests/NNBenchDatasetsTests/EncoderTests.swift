import Testing
@testable import NNBenchDatasets

@Suite("encoder")
struct EncoderTests {
    @Test(arguments: [2, 5, 8])
    func patternsAreTheIdentityMatrix(size: Int) throws {
        let task = try Generators.encoder(size: size)
        for split in SplitName.allCases {
            let data = task[split]
            #expect(data.count == size && data.inputShape == [size])
            for i in 0..<size {
                #expect(Array(data.input(i)) == (0..<size).map { $0 == i ? 1.0 : 0.0 })
            }
            #expect(data.targets == (0..<size).map(Double.init))
        }
        #expect(task.kind == .multiclass(classes: size))
    }

    @Test func bottleneckIsTheCeilingOfLog2() throws {
        for (size, bottleneck) in [(2, 1), (8, 3), (9, 4), (256, 8)] {
            #expect(try Generators.encoder(size: size).reference.architecture == "dense(\(bottleneck)) tanh dense(\(size))")
        }
    }

    @Test func defaultsMatchTheCatalogue() throws {
        let viaCatalogue = try TaskDefinition.encoder.makeTask()
        let viaFunction = try Generators.encoder()
        #expect(viaCatalogue.train == viaFunction.train && viaCatalogue.parameters == viaFunction.parameters)
        #expect(viaFunction.train.count == 8)
    }

    @Test func sizeOutsideItsRangeIsRefused() {
        #expect(throws: DatasetError.invalidValue(task: "encoder", name: "size", value: "257", expected: "an integer in 2...256")) {
            try Generators.encoder(size: 257)
        }
    }
}
