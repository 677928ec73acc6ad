import NNBenchDatasets
import NNBenchEngine
import NNBenchHarness
import NNBenchIO

/// What one suite entry gave, recorded so that later runs can be compared with it: the entry,
/// the data, the engine and platform it ran on, and every seed's curves and results.
///
/// It holds no wall time or date, so the same results give the same bytes, and an unchanged
/// baseline never shows as a difference in version control.
public struct BaselineRecord: Sendable, Hashable, Codable {
    /// The entry as it was run, in canonical form.
    public var entry: SuiteEntry
    /// The SHA-256 of the bit patterns of every split's inputs and targets.
    public var datasetSHA256: String
    /// The number of samples of each split, by split name (`train`, `valid`, `test`): an
    /// accuracy moves in steps of one sample, which the comparison needs to know.
    public var splitSizes: [String: Int]
    /// The engine that trained it.
    public var engine: EngineIdentity
    /// The platform it ran on.
    public var platform: PlatformDescription
    /// One result per seed, in the entry's seed order.
    public var seeds: [SeedResult]

    /// Creates a record.
    ///
    /// - Parameters:
    ///   - entry: The entry.
    ///   - datasetSHA256: The dataset's fingerprint.
    ///   - splitSizes: The samples of each split, by split name.
    ///   - engine: The engine's version and fingerprint.
    ///   - platform: The platform.
    ///   - seeds: One result per seed.
    public init(
        entry: SuiteEntry, datasetSHA256: String, splitSizes: [String: Int], engine: EngineIdentity,
        platform: PlatformDescription, seeds: [SeedResult]
    ) {
        self.entry = entry
        self.datasetSHA256 = datasetSHA256
        self.splitSizes = splitSizes
        self.engine = engine
        self.platform = platform
        self.seeds = seeds
    }

    /// The record of a run of this process's engine on this platform.
    ///
    /// - Parameter result: The entry's runs.
    public init(_ result: EntryResult) {
        self.init(
            entry: result.entry, datasetSHA256: result.datasetFingerprint, splitSizes: result.splitSizes,
            engine: .current, platform: .current,
            seeds: result.runs.map(SeedResult.init))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entry, engine, platform, seeds
        case datasetSHA256 = "dataset_sha256"
        case splitSizes = "split_sizes"
    }

    /// Reads a record strictly: every field present, no other field.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            entry: try fields.decode(SuiteEntry.self, forKey: .entry),
            datasetSHA256: try fields.string(.datasetSHA256),
            splitSizes: try fields.value(.splitSizes, expected: "an object of sample counts") { json in
                guard case .object(let object) = json else { return nil }
                let counts = object.compactMapValues { $0.integer.flatMap { $0 >= 0 ? $0 : nil } }
                return counts.count == object.count ? counts : nil
            },
            engine: try fields.decode(EngineIdentity.self, forKey: .engine),
            platform: try fields.decode(PlatformDescription.self, forKey: .platform),
            seeds: try fields.decode([SeedResult].self, forKey: .seeds, expected: "an array of seed results"))
    }
}

/// An engine build: its version and its fingerprint (``EngineFingerprint``).
public struct EngineIdentity: Sendable, Hashable, Codable {
    /// The engine's version.
    public var version: String
    /// The SHA-256 of the engine's fixed numeric battery.
    public var fingerprint: String

    /// Creates an identity.
    ///
    /// - Parameters:
    ///   - version: The engine's version.
    ///   - fingerprint: The battery's SHA-256.
    public init(version: String, fingerprint: String) {
        self.version = version
        self.fingerprint = fingerprint
    }

    /// This process's engine.
    public static let current = EngineIdentity(version: EngineFingerprint.version, fingerprint: EngineFingerprint.current)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, fingerprint
    }

    /// Reads an identity strictly: both fields, no other.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(version: try fields.string(.version), fingerprint: try fields.string(.fingerprint))
    }
}

/// One seed's run: how it ended, when it met the target, and its per-epoch metrics.
public struct SeedResult: Sendable, Hashable, Codable {
    /// The run's seed.
    public var seed: UInt64
    /// How the run ended.
    public var outcome: TrainingOutcome
    /// The first epoch that met the target, if any.
    public var epochsToTarget: Int?
    /// The metrics of the last epoch run.
    public var final: CurvePoint
    /// Every epoch's metrics, from epoch 0 (before training).
    public var curve: [CurvePoint]

    /// Creates a seed's result.
    ///
    /// - Parameters:
    ///   - seed: The seed.
    ///   - outcome: How the run ended.
    ///   - epochsToTarget: The first epoch that met the target.
    ///   - curve: Every epoch's metrics; the last is the final one.
    public init(seed: UInt64, outcome: TrainingOutcome, epochsToTarget: Int?, curve: [CurvePoint]) {
        precondition(!curve.isEmpty, "a curve has at least epoch 0")
        self.seed = seed
        self.outcome = outcome
        self.epochsToTarget = epochsToTarget
        self.final = curve[curve.count - 1]
        self.curve = curve
    }

    /// The result of a training run.
    ///
    /// - Parameter record: The run's record.
    public init(_ record: TrainingRecord) {
        self.init(
            seed: record.seed, outcome: record.outcome, epochsToTarget: record.epochsToTarget,
            curve: record.epochs.map(CurvePoint.init))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, outcome, final, curve
        case epochsToTarget = "epochs_to_target"
    }

    /// Reads a seed's result strictly: `epochs_to_target` only when the target was met, every
    /// other field always, no other field. `final` is read as written, for the file check to
    /// compare with the curve.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        seed = UInt64(try fields.integer(.seed, in: 0...SuiteEntry.largestSeed))
        outcome = try fields.decode(TrainingOutcome.self, forKey: .outcome)
        epochsToTarget = fields.contains(.epochsToTarget) ? try fields.integer(.epochsToTarget, in: 0...1_000_000) : nil
        final = try fields.decode(CurvePoint.self, forKey: .final)
        curve = try fields.decode([CurvePoint].self, forKey: .curve, expected: "an array of epochs")
    }
}

/// One epoch's learning rate and metrics on the three splits.
public struct CurvePoint: Sendable, Hashable, Codable {
    /// The epoch, from 0 (before training).
    public var epoch: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Metrics on the training split.
    public var train: SplitMetrics
    /// Metrics on the validation split.
    public var validation: SplitMetrics
    /// Metrics on the test split.
    public var test: SplitMetrics

    /// The metrics of an epoch record.
    ///
    /// - Parameter record: The epoch's record.
    public init(_ record: EpochRecord) {
        epoch = record.epoch
        learningRate = record.learningRate
        train = record.train
        validation = record.validation
        test = record.test
    }

    /// The metrics of the named split.
    public subscript(split: SplitName) -> SplitMetrics {
        switch split {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epoch, train, test
        case learningRate = "lr"
        case validation = "valid"
    }

    /// Reads an epoch's point strictly: every field, no other.
    ///
    /// - Throws: `DecodingError` naming the field.
    public init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        epoch = try fields.integer(.epoch, in: 0...1_000_000)
        learningRate = try fields.decode(Double.self, forKey: .learningRate)
        train = try fields.decode(SplitMetrics.self, forKey: .train)
        validation = try fields.decode(SplitMetrics.self, forKey: .validation)
        test = try fields.decode(SplitMetrics.self, forKey: .test)
    }
}
