import NNBenchDatasets
import NNBenchIO

/// One benchmark of a suite: a task instance, an architecture, how it is trained, on which seeds,
/// and the target it is expected to meet (or, for a deliberately too small model, to miss).
public struct SuiteEntry: Sendable, Hashable, Codable {
    /// The name, unique in its suite; also the baseline's file name (`Baselines/NAME.json.gz`).
    public var name: String
    /// The catalogue task, e.g. `"xor"`.
    public var task: String
    /// Task parameters as text, by name (`{"classes": "5"}`); the others keep their defaults.
    public var parameters: [String: String]
    /// The seed of the task's data.
    public var dataSeed: UInt64
    /// The architecture, in canonical spec form.
    public var architecture: String
    /// The optimizer with its hyperparameters, in canonical spec form.
    public var optimizer: String
    /// The learning-rate schedule, in canonical spec form.
    public var schedule: String
    /// Samples per step.
    public var batchSize: Int
    /// The most passes over the training split; a run stops at the first epoch that meets the target.
    public var epochs: Int
    /// The seeds of the runs (initial weights, shuffling, dropout), one run each.
    public var seeds: [UInt64]
    /// The result that counts as success.
    public var target: Target
    /// Whether the entry is meant to meet its target or, as a lesson about capacity, to miss it.
    public var expectation: Expectation
    /// Why the entry is there, in one line.
    public var note: String

    /// Whether an entry is meant to meet or to miss its target.
    public enum Expectation: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every seed meets the target; a seed that does not is a failure.
        case meet
        /// The model is too small to meet the target; the harness reports the miss as expected.
        case miss
    }

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - name: The entry's name.
    ///   - task: The catalogue task.
    ///   - parameters: Task parameters as text.
    ///   - dataSeed: The seed of the task's data.
    ///   - architecture: The architecture spec.
    ///   - optimizer: The optimizer spec.
    ///   - schedule: The schedule spec.
    ///   - batchSize: Samples per step.
    ///   - epochs: The most passes over the training split.
    ///   - seeds: The seeds of the runs.
    ///   - target: The target.
    ///   - expectation: Whether the target is to be met.
    ///   - note: Why the entry is there.
    public init(
        name: String, task: String, parameters: [String: String] = [:], dataSeed: UInt64 = 0, architecture: String,
        optimizer: String, schedule: String = "constant", batchSize: Int, epochs: Int, seeds: [UInt64],
        target: Target, expectation: Expectation = .meet, note: String = ""
    ) {
        self.name = name
        self.task = task
        self.parameters = parameters
        self.dataSeed = dataSeed
        self.architecture = architecture
        self.optimizer = optimizer
        self.schedule = schedule
        self.batchSize = batchSize
        self.epochs = epochs
        self.seeds = seeds
        self.target = target
        self.expectation = expectation
        self.note = note
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, task, parameters, architecture, optimizer, schedule, epochs, seeds, target, note
        case dataSeed = "data_seed"
        case batchSize = "batch_size"
        case expectation = "expect"
    }

    /// The largest seed: the integers up to 2⁵³ are those a JSON number holds exactly.
    package static let largestSeed = 1 << 53

    /// Reads an entry strictly: `parameters`, `data_seed` (0), `schedule` (`constant`), `expect`
    /// (`meet`) and `note` may be left out; any other field missing, any unknown field, and any
    /// value of the wrong kind or out of range is an error.
    ///
    /// - Throws: `DecodingError` naming the field, its path labelled with the entry's name when the
    ///   name is valid: `entries[3] ('xor').batch_size: expected an integer in 1...1000000, got 0`.
    public init(from decoder: any Decoder) throws {
        let name = try? decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
        do {
            try self.init(fields: decoder.strictContainer(keyedBy: CodingKeys.self))
        } catch let error as DecodingError {
            guard let name, Self.isValidName(name) else { throw error }
            throw error.labelling(decoder.codingPath, with: "'\(name)'")
        }
    }

    private init(fields: KeyedDecodingContainer<CodingKeys>) throws {
        let seeds = "a non-empty list of distinct integers in 0...\(Self.largestSeed)"
        self.init(
            name: try fields.value(.name, expected: "lowercase letters, digits, '-' and '_' (it names the baseline file)") { json in
                json.string.flatMap { Self.isValidName($0) ? $0 : nil }
            },
            task: try fields.string(.task),
            parameters: try fields.value(.parameters, expected: "an object of strings", default: [:]) { json in
                guard case .object(let object) = json else { return nil }
                let strings = object.compactMapValues(\.string)
                return strings.count == object.count ? strings : nil
            },
            dataSeed: UInt64(try fields.integer(.dataSeed, in: 0...Self.largestSeed, default: 0)),
            architecture: try fields.string(.architecture), optimizer: try fields.string(.optimizer),
            schedule: try fields.string(.schedule, default: "constant"),
            batchSize: try fields.integer(.batchSize, in: 1...1_000_000), epochs: try fields.integer(.epochs, in: 1...1_000_000),
            seeds: try fields.value(.seeds, expected: seeds) { json in
                guard case .array(let items) = json, !items.isEmpty else { return nil }
                let values = items.compactMap { $0.integer.flatMap { (0...Self.largestSeed).contains($0) ? UInt64($0) : nil } }
                return values.count == items.count && Set(values).count == values.count ? values : nil
            },
            target: try fields.decode(Target.self, forKey: .target),
            expectation: try fields.oneOf(.expectation, default: .meet), note: try fields.string(.note, default: ""))
    }

    /// Whether `name` can name an entry: lowercase letters, digits, `-` and `_`, as it names a file.
    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Whether two entries train the same runs: everything but the note.
    ///
    /// - Parameter other: Another entry.
    /// - Returns: `true` when only the notes differ.
    public func trainsLike(_ other: SuiteEntry) -> Bool {
        var this = self, that = other
        this.note = ""
        that.note = ""
        return this == that
    }
}
