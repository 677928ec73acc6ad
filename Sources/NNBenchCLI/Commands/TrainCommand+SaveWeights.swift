import NNBench

/// `train --save-weights DIR --save-epochs LIST`: the weights at chosen epochs as NumPy files.
extension TrainCommand {
    /// The epochs to save, read before training; `nil` without `--save-weights`.
    ///
    /// - Throws: Exit 64 for `--save-epochs` without `--save-weights`, or a bad list.
    func parseSaveEpochs(budget: Int) throws -> SaveEpochs? {
        guard saveWeights != nil else {
            if saveEpochs != nil {
                throw failure("--save-epochs has no effect without --save-weights DIR", status: ExitStatus.usage)
            }
            return nil
        }
        return try SaveEpochs(parsing: saveEpochs ?? "0,last", budget: budget)
    }

    /// Writes the chosen snapshots of `record` and the manifest under `--save-weights`.
    ///
    /// - Throws: Exit 2 when a file cannot be written.
    func saveWeights(of record: TrainingRecord, architecture: ResolvedArchitecture, epochs: SaveEpochs, budget: Int) throws {
        guard let folder = saveWeights else { return }
        do {
            // The training engine of `train` runs in Float.
            let saved = try SavedWeights(
                record: record, architecture: architecture, epochs: epochs.chosen(lastRun: record.final.epoch), budget: budget, type: .float32)
            for file in saved.files {
                let path = folder + "/" + file.path
                if let slash = file.path.lastIndex(of: "/") { try RunRecordWriter.createDirectory(folder + "/" + file.path[..<slash]) }
                try AtomicFile.write(file.bytes, to: path)
            }
        } catch let error as FileError {
            throw failure("cannot write --save-weights '\(folder)': \(error.description)", status: ExitStatus.error)
        } catch {
            throw failure("cannot write --save-weights '\(folder)': \(error)", status: ExitStatus.error)
        }
    }
}
