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

    /// Shard 1's manifest, whose suite, seeds, engine and platform all share (its suite source
    /// names the suite in the merge's header and reports).
    public var manifest: ShardManifest { parts[0].manifest }

    /// Reads the manifests of `directories` and checks that they are one run's shards, all of them.
    ///
    /// - Parameter directories: The shards' `--output` folders, in any order.
    /// - Throws: ``ShardError`` in one line: a folder without a readable manifest; shards of
    ///   different suites (naming the entries or the first entry that differs), seed labels, engines, platforms, shard counts or plans (naming both folders and what
    ///   differs); a shard given twice; missing shards; pairs run twice or by no shard, or not the
    ///   plan the manifests name.
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
            // Same suite, other seed option: one shard ran with --seeds, another without, or a
            // manifest was edited. The suite's source may differ: shards run from other folders
            // name one suite file by other paths, and the merge names shard 1's.
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
        var assignments: [(entry: String, seed: UInt64, shard: Int)] = []
        for entry in a.suite.entries {
            for seed in entry.seeds {
                guard let shard = runBy[ShardManifest.Pair(entry: entry.name, seed: seed)] else {
                    throw ShardError("entry '\(entry.name)' seed \(seed) was run by no shard")
                }
                assignments.append((entry.name, seed, shard.index))
            }
        }
        // The pairs the manifests list must be the plan their digest names: a manifest whose
        // pairs were edited, or whose digest was, in every shard alike, is not one plan's shard.
        guard ShardPlan.digest(count: a.shard.count, assignments) == a.partitionSHA256 else {
            throw ShardError("the shards' pairs are not the plan their manifests name (partition_sha256 \(a.partitionSHA256.prefix(12))); were the manifests edited?")
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
    func holders(of entry: SuiteEntry) -> [(part: Part, seeds: [UInt64])] {
        parts.compactMap { part in
            let seeds = Set(part.manifest.pairs.filter { $0.entry == entry.name }.map(\.seed))
            return seeds.isEmpty ? nil : (part, entry.seeds.filter(seeds.contains))
        }
    }

    /// Why a shard could not train `entry`, if one could not.
    public func failure(of entry: String) -> String? {
        parts.lazy.compactMap { $0.manifest.failed.first { $0.entry == entry }?.reason }.first
    }
}
