import NNBench

/// `--plot FILE.svg` of `show` and `generate`: the data as a standalone SVG picture.
enum PlotOption {
    /// Writes the picture of `splits` of `task` to `path`, atomically.
    ///
    /// - Parameter details: How the data was made, for the title (`n=1000, seed 7`).
    /// - Throws: Exit 2 when the file cannot be written.
    static func write(_ task: LearningTask, splits: SplitSelection, details: String, to path: String) throws {
        let svg = DatasetPlot(task: task, splits: splits, details: details).svg
        do throws(FileError) { try AtomicFile.write(Array(svg.utf8), to: path) } catch {
            throw failure(error.description, status: ExitStatus.error)
        }
    }
}

extension TaskOptions {
    /// The parameters given on the command line and the seed, as a plot's title says them:
    /// `n=1000, noise=0.2, seed 7`.
    func plotDetails(seed: String) throws -> String {
        (try overrides().sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["seed \(seed)"]).joined(separator: ", ")
    }
}
