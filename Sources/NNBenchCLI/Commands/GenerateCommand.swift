import ArgumentParser
import Foundation
import NNBench

/// `nnbench generate TASK`: write a task's data as CSV, JSON or NPY.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a task's data as CSV, JSON or NPY, to standard output or a file.",
        discussion: """
            The same task, parameters and seed give the same bytes on every run. A name ending in \
            .gz is gzip-compressed; without --format, the name's extension (.csv, .json, .npy) \
            says the format, and another extension is refused; with --format, a name whose \
            extension says another of these formats is refused. A file is written atomically (an \
            interrupted run leaves no partial file under the requested name); a device or FIFO \
            (/dev/null) is written into, and a symbolic link is followed.

            Examples:
              nnbench generate moons --n 1000 --noise 0.2 --seed 7 > moons.csv
              nnbench generate spirals --split all --format npy --output spirals.npy.gz
              nnbench generate two-spirals --format json
              nnbench generate moons --n 1000 --noise 0.2 --output moons.csv --plot moons.svg

            --plot also draws the generated samples (the same --n, --seed, parameters and \
            --split) as a standalone SVG file (see docs/reports.md); the data is still written \
            to --output or standard output.

            Exit status: 0 when the data was written; 2 when the output (standard output \
            included) or the --plot file cannot be written; 64 for a usage error (an unknown task, parameter, value \
            or format, a format the output's name contradicts, a parameter given twice).
            """)

    @OptionGroup var options: TaskOptions

    @Option(parsing: .unconditional, help: "The seed of the data (an integer in 0...2^64-1).")
    var seed: String = "0"

    @Option(help: "Which split to write: train, valid, test or all (all adds a first 'split' column).")
    var split: String = "train"

    @Option(help: "csv, json or npy (default: from the output file's extension, else csv).")
    var format: String?

    @Option(name: .shortAndLong, help: "The file to write ('-' or none: standard output).")
    var output: String?

    @Option(help: ArgumentHelp("Also draw the generated samples as a picture: a standalone SVG file.", valueName: "file.svg"))
    var plot: String?

    func run() throws {
        try OutputPath.checkDistinct([("--output", output == "-" ? nil : output), ("--plot", plot)])
        if let output, output != "-" { try OutputPath.checkFile(output, option: "--output") }
        if let plot { try OutputPath.checkFile(plot, option: "--plot") }
        let selection = try parseSplit()
        let format = try resolveFormat()
        let source = try options.makeSource(seed: seed)
        // The picture needs every sample at once (it is meant for sizes one can look at): a task
        // too large for memory is refused before any data is written.
        let plotted = plot == nil ? nil : try options.makeTask(seed: seed)
        let path = output ?? "-"
        do {
            try write(source, splits: selection, format: format, to: path)
        } catch let error as FileError {
            throw failure(error.description, status: ExitStatus.error)
        }
        if let plot, let plotted {
            try PlotOption.write(plotted, splits: selection, details: try options.plotDetails(seed: seed), to: plot)
        }
    }

    /// Streams the data to `path` (`-`: standard output), gzip-compressed for a name ending in
    /// `.gz`, a file atomically.
    ///
    /// - Throws: ``FileError`` when the output cannot be written.
    private func write(_ source: DatasetSource, splits: SplitSelection, format: DatasetFormat, to path: String) throws {
        // A write of 10^8 samples takes minutes: Ctrl-C must not leave gigabytes of hidden file.
        let file = path == "-" ? nil : try AtomicFile.Writer(path: path, removeOnInterrupt: true)
        let compressor = path.hasSuffix(".gz") ? Gzip.Compressor() : nil
        func send(_ bytes: [UInt8]) throws(FileError) {
            if let file { try file.write(bytes) } else { try StandardOutput.write(bytes) }
        }
        try DatasetExport.write(source, splits: splits, format: format, threads: ProcessInfo.processInfo.activeProcessorCount) { bytes in
            try send(compressor?.compress(bytes) ?? bytes)
        }
        if let compressor { try send(compressor.finish()) }
        try file?.commit()
    }

    private func parseSplit() throws -> SplitSelection {
        guard let selection = SplitSelection(split) else {
            throw failure("invalid split '\(split)'; expected one of: train, valid, test, all", status: ExitStatus.usage)
        }
        return selection
    }

    private func resolveFormat() throws -> DatasetFormat {
        let names = DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")
        let suffix = output.flatMap(Self.suffix)
        if let format {
            guard let value = DatasetFormat(rawValue: format) else {
                throw failure("invalid format '\(format)'; expected one of: \(names)", status: ExitStatus.usage)
            }
            // A name that says one format must not hold another: 'x.csv' holding NPY bytes
            // would be misread by whatever opens it next. Another extension is the user's choice.
            if let suffix, let named = DatasetFormat(rawValue: suffix), named != value {
                throw failure("--format \(value.rawValue) contradicts --output '\(output!)', whose name says \(named.rawValue); give a name ending in .\(value.rawValue)(.gz), or leave out --format", status: ExitStatus.usage)
            }
            return value
        }
        guard let suffix else { return .csv }
        // A name that says another format must not get CSV under it.
        guard let value = DatasetFormat(rawValue: suffix) else {
            throw failure("cannot tell the format of '\(output!)' from '.\(suffix)'; expected a name ending in .\(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ."))(.gz), or --format", status: ExitStatus.usage)
        }
        return value
    }

    /// The extension of an output's file name before any `.gz`, or `nil` for standard output
    /// (`-`) and a name without one.
    private static func suffix(of output: String) -> String? {
        guard output != "-" else { return nil }
        var name = output.split(separator: "/").last.map(String.init) ?? output
        if name.hasSuffix(".gz") { name.removeLast(3) }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }
}
