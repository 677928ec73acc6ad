import Foundation
import NNBenchIO
import Testing
@testable import NNBenchDatasets

/// Hand-made tasks whose every exported byte is written out below.
enum ExportFixtures {
    /// A binary task with two inputs and a train / valid / test split of 2 / 1 / 1 samples.
    static func binary(parameters: [ParameterValue] = []) -> LearningTask {
        task(
            name: "tiny", parameters: parameters, kind: .binary, inputShape: [2],
            splits: [
                .train: ([0.1, -0.0, 1e-300, 2.5], [0, 1]),
                .validation: ([3, 4], [1]),
                .test: ([-Double.leastNonzeroMagnitude, 0.25], [0]),
            ])
    }

    /// A task of the given kind and input shape with the given samples per split.
    static func task(
        name: String, parameters: [ParameterValue] = [], seed: UInt64 = 0, kind: TaskKind, inputShape: [Int],
        splits: [SplitName: (inputs: [Double], targets: [Double])]
    ) -> LearningTask {
        func split(_ name: SplitName) -> Split {
            let data = splits[name] ?? ([], [])
            return Split(name: name, inputShape: inputShape, targetShape: kind.targetShape, inputs: data.inputs, targets: data.targets)
        }
        return LearningTask(
            name: name, parameters: parameters, seed: seed, kind: kind, inputShape: inputShape,
            train: split(.train), validation: split(.validation), test: split(.test), answer: KnownAnswer(),
            chanceLevel: 0.5, expectedInitialLoss: 0,
            reference: ReferenceSolution(
                architecture: "dense(1)", optimizer: "sgd(lr: 0.1)", epochs: 1, batchSize: 1,
                target: Target(metric: .accuracy, split: .train, value: 1)))
    }
}

@Suite("Dataset export")
struct ExportTests {
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Selection

    @Test func splitSelectionParses() {
        #expect(SplitSelection("train") == .only(.train))
        #expect(SplitSelection("valid") == .only(.validation))
        #expect(SplitSelection("test") == .only(.test))
        #expect(SplitSelection("all") == .all)
        #expect(SplitSelection("validation") == nil)
        #expect(SplitSelection("Train") == nil)
        #expect(SplitSelection("") == nil)
        for name in ["train", "valid", "test", "all"] {
            #expect(SplitSelection(name)?.description == name)
        }
        #expect(SplitSelection.all.names == [.train, .validation, .test])
    }

    // MARK: CSV

    @Test func csvOfOneSplit() {
        let csv = DatasetExport.render(ExportFixtures.binary(), splits: .only(.train), format: .csv)
        #expect(Self.text(csv) == "x0,x1,y\n0.1,-0.0,0\n1e-300,2.5,1\n")
    }

    @Test func csvOfAllSplitsIsInTrainValidTestOrder() {
        let csv = DatasetExport.render(ExportFixtures.binary(), splits: .all, format: .csv)
        #expect(Self.text(csv) == "split,x0,x1,y\ntrain,0.1,-0.0,0\ntrain,1e-300,2.5,1\nvalid,3.0,4.0,1\ntest,-5e-324,0.25,0\n")
    }

    @Test func csvOfXorIsItsTruthTable() throws {
        let csv = DatasetExport.render(try Generators.xor(), splits: .only(.test), format: .csv)
        #expect(Self.text(csv) == "x0,x1,y\n0.0,0.0,0\n0.0,1.0,1\n1.0,0.0,1\n1.0,1.0,0\n")
    }

    @Test func csvOfAMultiOutputRegressionHasOneColumnPerOutput() {
        let task = ExportFixtures.task(
            name: "r", kind: .regression(outputs: 2), inputShape: [1],
            splits: [.train: ([0.5], [1, -2]), .validation: ([1.5], [3, 4]), .test: ([2.5], [5, 6])])
        let csv = DatasetExport.render(task, splits: .only(.validation), format: .csv)
        // Regression targets are numbers, not labels: 3.0, not 3.
        #expect(Self.text(csv) == "x0,y0,y1\n1.5,3.0,4.0\n")
    }

    @Test func perStepClassTargetsHaveOneColumnPerStep() throws {
        // copy-memory at T = 1, K = 1, A = 2: the symbol s, the delimiter 3, a blank; targets blank, blank, s.
        let task = try Generators.copyMemory(sizes: SplitSizes(train: 1, validation: 1, test: 1), delay: 1, length: 1, alphabet: 2)
        let s = Int(task.train.inputs[0])
        #expect(Self.text(DatasetExport.render(task, splits: .only(.train), format: .csv)) == "x0,x1,x2,y0,y1,y2\n\(s).0,3.0,0.0,0,0,\(s)\n")
        #expect(Self.text(DatasetExport.render(task, splits: .only(.train), format: .json)).contains(#""y":{"shape":[1,3],"data":[0,0,\#(s)]}"#))
    }

    @Test func csvOfImagesFlattensChannelsRowsColumns() {
        // One image [c=2, h=1, w=2] stored row-major: channel 0 is (1, 2), channel 1 is (3, 4).
        let task = ExportFixtures.task(
            name: "img", kind: .multiclass(classes: 3), inputShape: [2, 1, 2],
            splits: [.train: ([1, 2, 3, 4, 5, 6, 7, 8], [2, 0])])
        let csv = DatasetExport.render(task, splits: .only(.train), format: .csv)
        #expect(Self.text(csv) == "x0,x1,x2,x3,y\n1.0,2.0,3.0,4.0,2\n5.0,6.0,7.0,8.0,0\n")
    }

    @Test func csvNumbersReadBackBitIdentical() throws {
        let values: [Double] = [
            0.1, 1e-300, -0.0, 0.0, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, 1.0 / 3, .pi, 1e16, 123_456_789.125,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 0.1 + 0.2, 2.5e-8,
        ]
        let task = ExportFixtures.task(
            name: "r", kind: .regression(outputs: 1), inputShape: [1],
            splits: [.train: (values, values.reversed())])
        let lines = Self.text(DatasetExport.render(task, splits: .only(.train), format: .csv)).split(separator: "\n")
        #expect(lines.count == values.count + 1)
        for (row, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",").map { Double(String($0)) }
            try #require(fields.count == 2 && fields.allSatisfy { $0 != nil }, "row \(row): \(line)")
            #expect(fields[0]!.bitPattern == values[row].bitPattern, "row \(row): \(line)")
            #expect(fields[1]!.bitPattern == values[values.count - 1 - row].bitPattern, "row \(row): \(line)")
        }
    }

    // MARK: JSON

    @Test func jsonOfOneSplit() {
        let task = ExportFixtures.binary(parameters: [
            ParameterValue("n", .integer(2)), ParameterValue("noise", .real(0.5)),
            ParameterValue("centers", .reals([1, -2.5])),
        ])
        let json = DatasetExport.render(task, splits: .only(.train), format: .json)
        #expect(Self.text(json) == """
            {"task":"tiny","seed":0,"parameters":{"n":2,"noise":0.5,"centers":[1.0,-2.5]},"loss":"bce_logits",\
            "splits":{"train":{"x":{"shape":[2,2],"data":[0.1,-0.0,1e-300,2.5]},"y":{"shape":[2,1],"data":[0,1]}}}}

            """)
    }

    @Test func jsonOfAllSplits() {
        let json = DatasetExport.render(ExportFixtures.binary(), splits: .all, format: .json)
        #expect(Self.text(json) == """
            {"task":"tiny","seed":0,"parameters":{},"loss":"bce_logits","splits":{\
            "train":{"x":{"shape":[2,2],"data":[0.1,-0.0,1e-300,2.5]},"y":{"shape":[2,1],"data":[0,1]}},\
            "valid":{"x":{"shape":[1,2],"data":[3.0,4.0]},"y":{"shape":[1,1],"data":[1]}},\
            "test":{"x":{"shape":[1,2],"data":[-5e-324,0.25]},"y":{"shape":[1,1],"data":[0]}}}}

            """)
    }

    @Test func jsonTargetShapesFollowTheProtocol() {
        let multiclass = ExportFixtures.task(
            name: "m\"q", seed: 18_446_744_073_709_551_615, kind: .multiclass(classes: 3), inputShape: [2, 1, 1],
            splits: [.train: ([1, 2, 3, 4], [2, 1])])
        #expect(Self.text(DatasetExport.render(multiclass, splits: .only(.train), format: .json)) == """
            {"task":"m\\"q","seed":18446744073709551615,"parameters":{},"loss":"softmax_ce",\
            "splits":{"train":{"x":{"shape":[2,2,1,1],"data":[1.0,2.0,3.0,4.0]},"y":{"shape":[2],"data":[2,1]}}}}

            """)
        let regression = ExportFixtures.task(
            name: "r", kind: .regression(outputs: 2), inputShape: [1], splits: [.test: ([0.5], [1, -2])])
        #expect(Self.text(DatasetExport.render(regression, splits: .only(.test), format: .json)) == """
            {"task":"r","seed":0,"parameters":{},"loss":"mse",\
            "splits":{"test":{"x":{"shape":[1,1],"data":[0.5]},"y":{"shape":[1,2],"data":[1.0,-2.0]}}}}

            """)
    }

    @Test func jsonIsValidJSON() throws {
        let json = DatasetExport.render(try Generators.xor(noise: 0.3), splits: .all, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["task"] as? String == "xor")
        let splits = try #require(object["splits"] as? [String: Any])
        #expect(Set(splits.keys) == ["train", "valid", "test"])
    }

    // MARK: NPY

    @Test func npyHeaderIsNumpys() {
        let npy = DatasetExport.render(ExportFixtures.binary(), splits: .all, format: .npy)
        // Shape (4, 4): split, x0, x1, y. numpy keeps 21 - len("4") = 20 spaces of room, then pads to 128.
        let dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }"
        let header = dictionary + String(repeating: " ", count: 128 - 10 - dictionary.utf8.count - 1) + "\n"
        #expect(Array(npy.prefix(10)) == [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0])
        #expect(Self.text(Array(npy[10..<128])) == header)
        #expect(npy.count == 128 + 4 * 4 * 8)
    }

    @Test func npyDataIsRowMajorLittleEndianWithSplitCodes() {
        let npy = DatasetExport.render(ExportFixtures.binary(), splits: .all, format: .npy)
        let values = stride(from: 128, to: npy.count, by: 8).map { offset in
            Double(bitPattern: npy[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        }
        let expected: [Double] = [0, 0.1, -0.0, 0, 0, 1e-300, 2.5, 1, 1, 3, 4, 1, 2, -Double.leastNonzeroMagnitude, 0.25, 0]
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test(arguments: [(0, 1), (1, 3), (10, 3), (99_999, 785), (Int.max, Int.max)])
    func npyDataStartsAtByte128(rows: Int, columns: Int) {
        // The shortest dictionary (shape (0, 1)) is 60 bytes, the longest 96: both fit in 128.
        let header = NPYWriter.header(shape: [rows, columns], type: .float64)
        #expect(header.count == 128)
        #expect(header.last == UInt8(ascii: "\n"))
        #expect(Int(header[8]) | Int(header[9]) << 8 == header.count - 10)
    }

    /// Whether `python3` with numpy can be run; the round trip needs both.
    static let numpyIsAvailable: Bool = {
        (try? runPython("import numpy")) != nil
    }()

    @Test(.enabled(if: numpyIsAvailable, "python3 with numpy is not installed: the numpy round trip cannot run"))
    func numpyLoadsTheFileAndWritesTheSameBytes() throws {
        let task = ExportFixtures.task(
            name: "r", kind: .regression(outputs: 2), inputShape: [3],
            splits: [
                .train: ([0.1, -0.0, 1e-300, Double.leastNonzeroMagnitude, 2.5, -7], [1, 2, 3, 4]),
                .validation: ([1.0 / 3, .pi, 1e16], [-1, 0.5]),
                .test: ([], []),
            ])
        let npy = DatasetExport.render(task, splits: .all, format: .npy)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnbench-export-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(npy, to: "\(directory)/data.npy")
        // numpy prints each value as the shortest text that reads back bit-identical (repr).
        let output = try runPython("""
            import numpy
            a = numpy.load('\(directory)/data.npy')
            assert a.dtype == numpy.dtype('<f8') and a.flags['C_CONTIGUOUS'], a.dtype
            numpy.save('\(directory)/resaved.npy', a)
            print(a.shape[0], a.shape[1])
            print(' '.join(repr(float(v)) for v in a.ravel()))
            """)
        let lines = output.split(separator: "\n")
        try #require(lines.count == 2, "unexpected output: \(output)")
        #expect(lines[0] == "3 6")
        let expected: [Double] = [0, 0.1, -0.0, 1e-300, 1, 2, 0, Double.leastNonzeroMagnitude, 2.5, -7, 3, 4, 1, 1.0 / 3, .pi, 1e16, -1, 0.5]
        let loaded = lines[1].split(separator: " ").map { Double(String($0)) }
        #expect(loaded.map { $0?.bitPattern } == expected.map(\.bitPattern))
        #expect(try AtomicFile.read("\(directory)/resaved.npy", limit: 1 << 20) == npy)
    }
}

/// Runs a Python program with `python3 -c` and returns its standard output.
///
/// - Throws: When python3 cannot be started or the program fails.
func runPython(_ program: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", program]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw PythonFailure(status: process.terminationStatus) }
    return String(decoding: data, as: UTF8.self)
}

/// A Python program that exited with a non-zero status.
struct PythonFailure: Error, CustomStringConvertible {
    let status: Int32
    var description: String { "python3 exited with status \(status)" }
}
