import Foundation
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// The `--output` folders of every shard of one run, checked to belong together, and their
/// records merged into what the run unsplit would have written (docs/shards.md).
///
/// Shards belong together when their manifests name the same suite (digest), engine
/// (fingerprint), platform, shard count and plan, each shard `1...n` comes once, and their pairs
/// cover every (entry, seed) pair of the suite once.
public struct ShardMerge: Sendable {
    /// One shard: its folder and manifest.
    public struct Part: Sendable {
        /// The shard's `--output` folder.
        public let directory: String
        /// Its manifest.
        public let manifest: ShardManifest
    }

    /// The shards, in shard order.
    public let parts: [Part]

    /// The run's whole selection, as every shard's manifest names it.
    public var suite: Suite { parts[0].manifest.suite }

    /// The first shard's manifest, whose suite, source, seeds, engine and platform all share.
    public var manifest: ShardManifest { parts[0].manifest }

    /// Reads the manifests of `directories` and checks that they are one run's shards, all of them.
    ///
    /// - Parameter directories: The shards' `--output` folders, in any order.
    /// - Throws: ``ShardError`` in one line: a folder without a readable manifest; shards of
    ///   different suites (naming the entries or the first entry that differs), suite sources or
    ///   seed labels, engines, platforms, shard counts or plans (naming both folders and what
    ///   differs); a shard given twice; missing shards; pairs run twice or by no shard.
    public init(_ directories: [String]) throws(ShardError) {
        var parts: [Part] = []
        for directory in directories { parts.append(Part(directory: directory, manifest: try ShardManifest.read(from: directory))) }
        guard let first = parts.first else { throw ShardError("no shard folder given") }
        let a = first.manifest
        for part in parts.dropFirst() {
            let b = part.manifest
            func differ(_ what: String, _ x: String, _ y: String) -> ShardError {
                ShardError("shards of different \(what): '\(first.directory)' has \(x), '\(part.directory)' has \(y)")
            }
            if a.suiteSHA256 != b.suiteSHA256 {
                let (x, y) = Self.difference(a.suite, b.suite)
                throw differ("suites", x, y)
            }
            // Same suite, other header: one shard ran with --seeds, another without, or a
            // manifest was edited; the merged header would depend on the folders' order.
            if a.source != b.source { throw differ("suite sources", "source '\(a.source)'", "source '\(b.source)'") }
            if a.seeds != b.seeds { throw differ("seed options", "seeds \(a.seeds)", "seeds \(b.seeds)") }
            if a.engine != b.engine {
                throw differ("engines", "engine \(a.engine.version) (\(a.engine.fingerprint.prefix(12)))", "engine \(b.engine.version) (\(b.engine.fingerprint.prefix(12)))")
            }
            if a.platform != b.platform { throw differ("platforms", "\(a.platform)", "\(b.platform)") }
            if a.shard.count != b.shard.count { throw differ("shard counts", "shard \(a.shard)", "shard \(b.shard)") }
            if a.partitionSHA256 != b.partitionSHA256 {
                throw differ("plans (their baselines folders gave other costs)", "plan \(a.partitionSHA256.prefix(12))", "plan \(b.partitionSHA256.prefix(12))")
            }
        }
        var byIndex: [Int: Part] = [:]
        for part in parts {
            if let earlier = byIndex[part.manifest.shard.index] {
                throw ShardError("shard \(part.manifest.shard) given twice: '\(earlier.directory)' and '\(part.directory)'")
            }
            byIndex[part.manifest.shard.index] = part
        }
        let missing = (1...a.shard.count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.prefix(20).map { "\($0)/\(a.shard.count)" }.joined(separator: ", ") + (missing.count > 20 ? ", …" : "")
            throw ShardError("missing shard\(missing.count == 1 ? "" : "s") \(names) (\(missing.count) of \(a.shard.count)); give every shard's --output folder")
        }
        self.parts = (1...a.shard.count).map { byIndex[$0]! }
        var runBy: [ShardManifest.Pair: Shard] = [:]
        for part in self.parts {
            for pair in part.manifest.pairs {
                if let other = runBy[pair] {
                    throw ShardError("entry '\(pair.entry)' seed \(pair.seed) was run by shard \(other) and by shard \(part.manifest.shard)")
                }
                runBy[pair] = part.manifest.shard
            }
        }
        for entry in a.suite.entries {
            for seed in entry.seeds where runBy[ShardManifest.Pair(entry: entry.name, seed: seed)] == nil {
                throw ShardError("entry '\(entry.name)' seed \(seed) was run by no shard")
            }
        }
    }

    /// What differs between two suites, each side in a few words: the entry names, or the first
    /// entry whose seeds or training differ.
    static func difference(_ a: Suite, _ b: Suite) -> (String, String) {
        func names(_ suite: Suite) -> String {
            let names = suite.entries.map(\.name)
            return "entries " + names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count))" : "")
        }
        guard a.entries.map(\.name) == b.entries.map(\.name) else { return (names(a), names(b)) }
        for (x, y) in zip(a.entries, b.entries) where x != y {
            if x.seeds != y.seeds { return ("entry '\(x.name)' seeds \(x.seeds)", "seeds \(y.seeds)") }
            return ("entry '\(x.name)' \(x.architecture), \(x.optimizer), \(x.epochs) epochs", "\(y.architecture), \(y.optimizer), \(y.epochs) epochs")
        }
        return ("suite '\(a.name)'", "suite '\(b.name)'")
    }

    /// The shards that ran seeds of `entry`, each with those seeds in the entry's order.
    private func holders(of entry: SuiteEntry) -> [(part: Part, seeds: [UInt64])] {
        parts.compactMap { part in
            let seeds = Set(part.manifest.pairs.filter { $0.entry == entry.name }.map(\.seed))
            return seeds.isEmpty ? nil : (part, entry.seeds.filter(seeds.contains))
        }
    }

    /// Why a shard could not train `entry`, if one could not.
    public func failure(of entry: String) -> String? {
        parts.lazy.compactMap { $0.manifest.failed.first { $0.entry == entry }?.reason }.first
    }

    /// An entry's record over every seed, in the baseline format: the shards' records of its
    /// seeds, in the entry's seed order, under the suite's entry. Its bytes
    /// (``BaselineFile/encode(_:)``) are those the run unsplit writes.
    ///
    /// - Parameter entry: An entry of ``suite`` that no shard failed to train.
    /// - Throws: ``ShardError`` for a shard's record that is missing, unreadable, holds other
    ///   seeds than the shard ran, or another entry, data, engine or platform.
    public func record(of entry: SuiteEntry) throws(ShardError) -> BaselineRecord {
        var merged: (record: BaselineRecord, shard: Shard)?
        var seeds: [UInt64: SeedResult] = [:]
        for (part, ran) in holders(of: entry) {
            let path = "\(part.directory)/\(BaselineFile.fileName(of: entry.name))"
            let record: BaselineRecord
            do { record = try BaselineFile.read(path) } catch {
                // A shard's file is its record of the run, not a baseline to compare against.
                throw ShardError("shard \(part.manifest.shard): record '\(error.path)': \(error.problem)")
            }
            var recorded = record.entry
            recorded.seeds = entry.seeds
            guard recorded == entry, record.entry.seeds == ran else {
                throw ShardError("shard \(part.manifest.shard): '\(path)' is not entry '\(entry.name)' on seeds \(ran) as the shard's manifest says")
            }
            if let (first, shard) = merged, first.datasetSHA256 != record.datasetSHA256 || first.splitSizes != record.splitSizes
                || first.engine != record.engine || first.platform != record.platform {
                throw ShardError("shard \(part.manifest.shard): '\(path)' was trained on other data, engine or platform than shard \(shard)'s record of '\(entry.name)'")
            }
            merged = merged ?? (record, part.manifest.shard)
            for seed in record.seeds { seeds[seed.seed] = seed }
        }
        guard var merged = merged?.record else { throw ShardError("entry '\(entry.name)' was run by no shard") }
        merged.entry = entry
        merged.seeds = entry.seeds.map { seeds[$0]! }
        return merged
    }

    /// An entry's run records as one JSON-lines file, the shards' lines in the entry's seed order
    /// (each line as its shard wrote it: the wall times are the shards').
    ///
    /// - Throws: ``ShardError`` for a shard's file that is missing or unreadable, or whose lines'
    ///   seeds are not those the shard ran, each once (``checkSeeds(_:ran:path:shard:)``).
    public func jsonLines(of entry: SuiteEntry) throws(ShardError) -> [UInt8] {
        struct Line: Decodable { let seed: UInt64 }
        var lines: [UInt64: ArraySlice<UInt8>] = [:]
        for (part, ran) in holders(of: entry) {
            let path = "\(part.directory)/\(entry.name).jsonl"
            let bytes: [UInt8]
            do { bytes = try AtomicFile.read(path, limit: 1 << 30) } catch { throw ShardError("shard \(part.manifest.shard): \(error.description)") }
            var held: [(seed: UInt64, line: ArraySlice<UInt8>)] = []
            for line in bytes.split(separator: 0x0A) {
                guard let seed = try? JSONDecoder().decode(Line.self, from: Data(line)).seed else {
                    throw ShardError("shard \(part.manifest.shard): '\(path)' holds a line without a seed")
                }
                held.append((seed, line))
            }
            try Self.checkSeeds(held.map(\.seed), ran: ran, path: path, shard: part.manifest.shard)
            for (seed, line) in held { lines[seed] = line }
        }
        return entry.seeds.flatMap { Array(lines[$0]!) + [0x0A] }
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

    /// An entry's observation file (``ObservationFile``) over every seed, at the entry's position
    /// in the suite. A shard with `--output` writes one for every entry it trained, so a missing
    /// one is an error: the merged folder would silently lack what `nnbench report` draws.
    ///
    /// - Throws: ``ShardError`` for a shard's file that is missing or cannot be read, or whose
    ///   records' seeds are not those the shard ran, each once.
    public func observation(of entry: SuiteEntry, record: BaselineRecord) throws(ShardError) -> [UInt8] {
        var records: [UInt64: TrainingRecord] = [:]
        for (part, ran) in holders(of: entry) {
            let path = "\(part.directory)/\(ObservationFile.fileName(of: entry.name))"
            let content: ObservationFile.Content
            do { content = try ObservationFile.read(path) } catch { throw ShardError("shard \(part.manifest.shard): \(error.description)") }
            try Self.checkSeeds(content.records.map(\.seed), ran: ran, path: path, shard: part.manifest.shard)
            for run in content.records { records[run.seed] = run }
        }
        let position = suite.entries.firstIndex { $0.name == entry.name }!
        let result = EntryResult(
            entry: entry, datasetFingerprint: record.datasetSHA256, splitSizes: record.splitSizes,
            runs: entry.seeds.map { records[$0]! })
        return ObservationFile.encode(result, position: position)
    }
}
