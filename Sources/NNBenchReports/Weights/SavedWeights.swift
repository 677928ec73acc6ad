import Foundation
import NNBenchDatasets
import NNBenchEngine

/// A run's weights at chosen epochs as NumPy files (`nnbench train --save-weights DIR`), so that
/// `numpy.load` reads them:
///
/// - `epoch-0010/0-dense.weight.npy`: one file per tensor per epoch, named by the layer's index
///   and type and the tensor's name, in the model protocol's layout (`docs/protocol.md`: a dense
///   weight is `[input, unit]`, a conv2d weight `[filter, channel, row, column]`), trainable
///   parameters then running statistics, in the training precision (`<f4` or `<f8`). Epoch
///   folders have at least four digits, enough for the budget, so that they sort.
/// - `manifest.json`: the run (task and its parameters, data seed, seed, architecture,
///   optimizer, schedule, batch size, precision), the epochs saved, and each tensor's file and shape.
///
/// The values are the record's snapshots (``TrainingRecord/snapshots``), taken by observing the
/// run, which reads the network and never writes it.
package struct SavedWeights {
    /// One file: its path under the folder, and its bytes.
    package struct File {
        /// The path under the folder, `/`-separated.
        package var path: String
        /// The whole file.
        package var bytes: [UInt8]
    }

    /// `manifest.json`, with the names numpy users look for.
    struct Manifest: Encodable {
        struct Tensor: Encodable {
            var name: String
            var file: String
            var shape: [Int]
        }

        var task: String
        var parameters: [String: String]
        var dataSeed: UInt64
        var seed: UInt64
        var architecture: String
        var optimizer: String
        var schedule: String
        var batchSize: Int
        var precision: String
        var dtype: String
        var layout: String
        var epochs: [Int]
        var folders: [String]
        var tensors: [Tensor]

        enum CodingKeys: String, CodingKey {
            case task, parameters, seed, architecture, optimizer, schedule, precision, dtype, layout, epochs, folders, tensors
            case dataSeed = "data_seed", batchSize = "batch_size"
        }
    }

    /// The files, manifest last.
    package let files: [File]

    /// The files of the snapshots of `record` whose epoch is in `epochs`.
    ///
    /// - Parameters:
    ///   - record: An observed run's record; a run without snapshots saves only the manifest.
    ///   - architecture: The run's architecture, for the layers' types.
    ///   - epochs: Which snapshots to write.
    ///   - budget: The run's epoch budget, for the folders' width.
    ///   - type: The training precision.
    /// - Throws: `EncodingError` if the manifest cannot be encoded (its fields are strings and
    ///   whole numbers, so it always can).
    package init(record: TrainingRecord, architecture: ResolvedArchitecture, epochs: Set<Int>, budget: Int, type: NPYWriter.ScalarType) throws {
        let digits = Swift.max(4, String(budget).count)
        func folder(_ epoch: Int) -> String {
            let text = String(epoch)
            return "epoch-" + String(repeating: "0", count: Swift.max(0, digits - text.count)) + text
        }
        func fileName(_ tensor: String) -> String {
            // `3.running_mean` → `3-batchnorm.running_mean.npy`.
            let parts = tensor.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let index = Int(parts[0]), architecture.layers.indices.contains(index) else { return tensor + ".npy" }
            return "\(index)-\(architecture.layers[index].spec.name).\(parts[1]).npy"
        }
        let snapshots = (record.snapshots ?? []).filter { epochs.contains($0.epoch) }
        var files: [File] = []
        for snapshot in snapshots {
            for tensor in snapshot.tensors {
                files.append(File(
                    path: folder(snapshot.epoch) + "/" + fileName(tensor.name),
                    bytes: NPYWriter.array(shape: tensor.shape, values: tensor.values, type: type)))
            }
        }
        let manifest = Manifest(
            task: record.task, parameters: record.parameters, dataSeed: record.dataSeed, seed: record.seed,
            architecture: record.architecture, optimizer: record.optimizer, schedule: record.schedule, batchSize: record.batchSize,
            precision: type == .float32 ? "float32" : "float64", dtype: type.rawValue,
            layout: "the model protocol's (docs/protocol.md): dense weight [input, unit], conv2d weight [filter, channel, row, column], C order",
            epochs: snapshots.map(\.epoch), folders: snapshots.map { folder($0.epoch) },
            tensors: (snapshots.first?.tensors ?? []).map { Manifest.Tensor(name: $0.name, file: fileName($0.name), shape: $0.shape) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let json = Array(try encoder.encode(manifest))
        self.files = files + [File(path: "manifest.json", bytes: json + [UInt8(ascii: "\n")])]
    }
}
