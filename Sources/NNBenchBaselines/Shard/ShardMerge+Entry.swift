import Foundation
import NNBenchDatasets
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// One entry's shard files put together, each checked against the others and against what this
/// nnbench knows, so that what the merge writes is what the run unsplit would have written.
extension ShardMerge {
    /// An entry's three files over every seed, as the run unsplit writes them.
    public struct MergedEntry: Sendable {
        /// The record in the baseline format; its bytes (``BaselineFile/encode(_:)``) are the
        /// run unsplit's.
        public let record: BaselineRecord
        /// `ENTRY.jsonl`: one line per seed in the entry's seed order, each as its shard wrote it
        /// (the wall times are the shards').
        public let jsonLines: [UInt8]
        /// `ENTRY.observation.json.gz`, at the entry's position in the suite.
        public let observation: [UInt8]
    }

    /// Merges the shards' files of `entry`.
    ///
    /// Each shard's files must agree with its manifest and with each other: the record is the
    /// entry on the seeds the shard ran, by the manifest's engine and platform, on the data this
    /// nnbench generates for the entry; the observation file holds those seeds' runs, each once,
    /// whose numbers are the record's (as `nnbench report` requires); and `ENTRY.jsonl` holds, for
    /// each of those seeds once, the line its run gives (a line is a function of the run).
    ///
    /// - Parameter entry: An entry of ``suite`` that no shard failed to train.
    /// - Throws: ``ShardError`` naming the shard and file: missing or unreadable, or disagreeing
    ///   in any of those ways.
    public func merged(_ entry: SuiteEntry) throws(ShardError) -> MergedEntry {
        let prepared: PreparedEntry
        do { prepared = try PreparedEntry(entry) } catch { throw ShardError("entry '\(entry.name)' of the shards' suite: \(error.description)") }
        var first: BaselineRecord?
        var seeds: [UInt64: SeedResult] = [:]
        var runs: [UInt64: TrainingRecord] = [:]
        var lines: [UInt64: ArraySlice<UInt8>] = [:]
        for (part, ran) in holders(of: entry) {
            let record = try record(of: entry, in: part, ran: ran, prepared: prepared)
            first = first ?? record
            for seed in record.seeds { seeds[seed.seed] = seed }
            let partRuns = try self.runs(of: entry, in: part, ran: ran, record: record, prepared: prepared)
            for run in partRuns { runs[run.seed] = run }
            for (seed, line) in try jsonLines(of: entry, in: part, ran: ran, runs: partRuns) { lines[seed] = line }
        }
        guard var record = first else { throw ShardError("entry '\(entry.name)' was run by no shard") }
        record.entry = entry
        record.seeds = entry.seeds.map { seeds[$0]! }
        let result = EntryResult(
            entry: entry, datasetFingerprint: record.datasetSHA256, splitSizes: record.splitSizes, runs: entry.seeds.map { runs[$0]! })
        let position = suite.entries.firstIndex { $0.name == entry.name }!
        return MergedEntry(
            record: record, jsonLines: entry.seeds.flatMap { Array(lines[$0]!) + [0x0A] },
            observation: ObservationFile.encode(result, position: position))
    }

    /// A shard's record of `entry`, checked against its manifest and the entry's data.
    private func record(of entry: SuiteEntry, in part: Part, ran: [UInt64], prepared: PreparedEntry) throws(ShardError) -> BaselineRecord {
        let shard = part.manifest.shard
        let path = "\(part.directory)/\(BaselineFile.fileName(of: entry.name))"
        let record: BaselineRecord
        do { record = try BaselineFile.read(path) } catch {
            // A shard's file is its record of the run, not a baseline to compare against.
            throw ShardError("shard \(shard): record '\(error.path)': \(error.problem)")
        }
        var recorded = record.entry
        recorded.seeds = entry.seeds
        guard recorded == entry, record.entry.seeds == ran else {
            throw ShardError("shard \(shard): '\(path)' is not entry '\(entry.name)' on seeds \(ran) as the shard's manifest says")
        }
        guard record.engine == part.manifest.engine, record.platform == part.manifest.platform else {
            throw ShardError("shard \(shard): '\(path)' was trained by another engine or platform than the shard's manifest says (engine \(record.engine.fingerprint.prefix(12)), \(record.platform)); was it edited, or left by another run?")
        }
        let dataset = prepared.datasetFingerprint
        guard record.datasetSHA256 == dataset, record.splitSizes == prepared.splitSizes else {
            throw ShardError("shard \(shard): '\(path)' was trained on other data than this nnbench generates for entry '\(entry.name)' (dataset SHA-256 \(record.datasetSHA256.prefix(12)), split sizes \(Self.sizes(record.splitSizes)); expected \(dataset.prefix(12)), \(Self.sizes(prepared.splitSizes)))")
        }
        return record
    }

    /// Split sizes in a few words, in split order: `train 200, valid 100, test 100`.
    private static func sizes(_ sizes: [String: Int]) -> String {
        sizes.sorted { a, b in
            let order = SplitName.allCases.map(\.rawValue)
            return (order.firstIndex(of: a.key) ?? order.count, a.key) < (order.firstIndex(of: b.key) ?? order.count, b.key)
        }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// A shard's runs of `entry` from its observation file, checked against its record.
    private func runs(of entry: SuiteEntry, in part: Part, ran: [UInt64], record: BaselineRecord, prepared: PreparedEntry) throws(ShardError) -> [TrainingRecord] {
        let shard = part.manifest.shard
        let path = "\(part.directory)/\(ObservationFile.fileName(of: entry.name))"
        let content: ObservationFile.Content
        do { content = try ObservationFile.read(path) } catch { throw ShardError("shard \(shard): \(error.description)") }
        let position = suite.entries.firstIndex { $0.name == entry.name }!
        guard content.entry == entry.name, content.position == position else {
            throw ShardError("shard \(shard): '\(path)' holds entry '\(content.entry)' at position \(content.position), not '\(entry.name)' at \(position)")
        }
        try Self.checkSeeds(content.records.map(\.seed), ran: ran, path: path, shard: shard)
        switch record.mismatch(runs: content.records, prepared: prepared) {
        case nil: return content.records
        case .numbers:
            throw ShardError("shard \(shard): '\(path)' does not hold the runs of its record '\(BaselineFile.fileName(of: entry.name))'; was it edited, or left by another run?")
        case .setup(let seed, let field, let found, let expected):
            throw ShardError("shard \(shard): '\(path)' seed \(seed) was trained with \(field) \(found); entry '\(entry.name)' gives \(expected)")
        }
    }

    /// A shard's `ENTRY.jsonl`, each line checked to be the one its run gives.
    private func jsonLines(of entry: SuiteEntry, in part: Part, ran: [UInt64], runs: [TrainingRecord]) throws(ShardError) -> [(UInt64, ArraySlice<UInt8>)] {
        struct Line: Decodable { let seed: UInt64 }
        let shard = part.manifest.shard
        let path = "\(part.directory)/\(RunRecordWriter.fileName(of: entry.name))"
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path, limit: 1 << 30) } catch { throw ShardError("shard \(shard): \(error.description)") }
        var held: [(UInt64, ArraySlice<UInt8>)] = []
        for (number, line) in bytes.split(separator: 0x0A).enumerated() {
            guard let seed = try? JSONDecoder().decode(Line.self, from: Data(line)).seed else {
                throw ShardError("shard \(shard): '\(path)' line \(number + 1) is not a run's JSON object with a seed")
            }
            held.append((seed, line))
        }
        try Self.checkSeeds(held.map(\.0), ran: ran, path: path, shard: shard)
        let result = EntryResult(entry: entry, datasetFingerprint: "", splitSizes: [:], runs: runs)
        let expected = Dictionary(uniqueKeysWithValues: zip(runs.map(\.seed), RunRecordWriter.jsonLines(of: result).split(separator: 0x0A)))
        for (seed, line) in held where line != expected[seed] {
            throw ShardError("shard \(shard): '\(path)' seed \(seed)'s line is not the run its observation file holds; was it edited, or left by another run?")
        }
        guard held.map(\.0) == ran else {
            throw ShardError("shard \(shard): '\(path)' holds its seeds in the order \(held.map(\.0)), not the entry's \(ran); was it edited?")
        }
        return held
    }

    /// Checks that a shard's file holds the seeds the shard ran, each once: a line or record
    /// appended by hand, or left from another run, would otherwise be merged silently (a second
    /// copy of a seed) or dropped silently (a seed no shard ran).
    ///
    /// - Throws: ``ShardError`` naming the file and the first seed held twice, held but not run,
    ///   or run but not held.
    static func checkSeeds(_ held: [UInt64], ran: [UInt64], path: String, shard: Shard) throws(ShardError) {
        var seen: Set<UInt64> = []
        for seed in held {
            guard ran.contains(seed) else {
                throw ShardError("shard \(shard): '\(path)' holds seed \(seed), which the shard did not run (it ran seeds \(ran)); was the file edited, or left by another run?")
            }
            guard seen.insert(seed).inserted else {
                throw ShardError("shard \(shard): '\(path)' holds seed \(seed) twice; was the file edited, or appended to by another run?")
            }
        }
        guard let lacking = ran.first(where: { !seen.contains($0) }) else { return }
        throw ShardError("shard \(shard): '\(path)' lacks seed \(lacking) of the seeds it ran, \(ran)")
    }
}
