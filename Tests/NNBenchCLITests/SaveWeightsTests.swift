import Foundation
import NNBench
import Testing

/// `nnbench train --save-weights DIR`: NumPy files of the network's weights at the chosen epochs,
/// a manifest, and a run whose numbers are the same as without them.
@Suite("nnbench train --save-weights")
struct SaveWeightsTests {
    static let arguments = ["train", "xor", "--arch", "dense(4) tanh dense(1)", "--optimizer", "adam(lr: 0.05)", "--batch", "4", "--seed", "3"]

    /// An `.npy` file read back: version 1.0, its header's dictionary, and the float32 values.
    static func readFloat32NPY(_ bytes: [UInt8]) throws -> (header: String, values: [Float]) {
        try #require(bytes.count >= 10 && Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        // The data starts at a multiple of 64 bytes, the header ends with a newline.
        try #require((10 + length) % 64 == 0 && bytes[9 + length] == UInt8(ascii: "\n"))
        let header = String(decoding: bytes[10..<(9 + length)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let data = Array(bytes[(10 + length)...])
        try #require(data.count % 4 == 0)
        let values = stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
        return (header, values)
    }

    @Test func savingChangesNoNumberOfTheRecord() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--json"])
        let saved = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--json", "--save-weights", "w", "--save-epochs", "all"], in: folder)
        #expect(plain.status == 0 && saved.status == 0, "\(saved.standardError)")
        let a = try TrainCommandTests.recordWithoutTime(plain.standardOutput)
        let b = try TrainCommandTests.recordWithoutTime(saved.standardOutput)
        // The saved run was observed for its snapshots alone; without them, it is the plain run's.
        #expect(a.snapshots == nil && b.snapshots?.map(\.epoch) == [0, 1, 2, 3, 4, 5])
        var bare = b
        bare.snapshots = nil
        #expect(bare == a)
    }

    @Test func eachTensorAtEachChosenEpochIsTheNetworksWeights() throws {
        let folder = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--save-weights", "w", "--save-epochs", "2,last"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("w").path).sorted()
        #expect(files == [
            "epoch-0002", "epoch-0002/0-dense.bias.npy", "epoch-0002/0-dense.weight.npy", "epoch-0002/2-dense.bias.npy", "epoch-0002/2-dense.weight.npy",
            "epoch-0005", "epoch-0005/0-dense.bias.npy", "epoch-0005/0-dense.weight.npy", "epoch-0005/2-dense.bias.npy", "epoch-0005/2-dense.weight.npy",
            "manifest.json",
        ])
        // The weights after epoch k of a run are those a run of k epochs ends with (same seed, a
        // constant learning rate), computed here without the command or its observer.
        let task = try TaskCatalogue.definition(named: "xor").makeTask([:], seed: 0)
        for epoch in [2, 5] {
            let run = try TrainingRun<Float>(
                task: task, architecture: try ArchitectureSpec(parsing: "dense(4) tanh dense(1)"),
                configuration: TrainingConfiguration(optimizer: .adam(learningRate: 0.05), epochs: epoch, batchSize: 4, seed: 3))
            _ = run.run()
            for (name, tensor) in run.network.parameters {
                let file = "w/epoch-000\(epoch)/\(name.first!)-dense.\(name.dropFirst(2)).npy"
                let (header, values) = try Self.readFloat32NPY(Array(try Data(contentsOf: folder.appendingPathComponent(file))))
                let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
                #expect(header == "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }", "\(file)")
                // Bit for bit: the file holds the Float the network holds.
                #expect(values.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(file)")
            }
        }
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("w/manifest.json"))) as? [String: Any])
        #expect(manifest["epochs"] as? [Int] == [2, 5] && manifest["dtype"] as? String == "<f4" && manifest["precision"] as? String == "float32")
        #expect(manifest["architecture"] as? String == "dense(4) tanh dense(1)" && manifest["task"] as? String == "xor" && manifest["seed"] as? Int == 3)
        let tensors = try #require(manifest["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(tensors.map { $0["shape"] as? [Int] } == [[2, 4], [4], [4, 1], [1]])
    }

    @Test func badEpochListsAndFoldersAreRefusedBeforeTraining() throws {
        let past = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--save-weights", "/tmp/unused", "--save-epochs", "0,6"])
        #expect(past.status == 64 && past.output.isEmpty)
        #expect(past.standardError == "nnbench: error: invalid --save-epochs '0,6': epoch 6 is not in 0...5 (--epochs); expected epochs in 0...5, 'last', 'every N' or 'all', separated by commas, e.g. 0,10,last\n")
        let every = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--save-weights", "/tmp/unused", "--save-epochs", "every 0"])
        #expect(every.status == 64 && every.standardError.hasPrefix("nnbench: error: invalid --save-epochs 'every 0'"))
        let alone = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--save-epochs", "last"])
        #expect(alone.status == 64 && alone.standardError == "nnbench: error: --save-epochs has no effect without --save-weights DIR\n")
        let unwritable = try CommandRunner.run(Self.arguments + ["--epochs", "5", "--save-weights", "/proc/nnbench-weights"])
        #expect(unwritable.status == 2 && unwritable.output.isEmpty, "\(unwritable.output)")
        #expect(unwritable.standardError.hasPrefix("nnbench: error: cannot write --save-weights '/proc/nnbench-weights'"))
        #expect(unwritable.standardError.split(separator: "\n").count == 1)
    }
}
