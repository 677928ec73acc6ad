/// The list of canonical dataset instances in `Datasets/manifest.json`, each with the SHA-256 of
/// its canonical CSV, so that anyone can check that their build of nnbench generates the same
/// bytes, and people who do not run Swift can use the compressed files beside it.
public struct DatasetManifest: Codable, Sendable, Hashable {
    /// The version of this file's layout.
    public var schema: Int
    /// The canonical instances, in catalogue order.
    public var instances: [CanonicalInstance]

    /// The current layout version.
    public static let currentSchema = 1

    /// Creates a manifest.
    public init(instances: [CanonicalInstance]) {
        self.schema = Self.currentSchema
        self.instances = instances
    }
}

/// One canonical dataset: a task at given parameters and seed, and the digest of its data.
public struct CanonicalInstance: Codable, Sendable, Hashable {
    /// The task's name.
    public var task: String
    /// Parameter values given as text; the others keep their defaults.
    public var parameters: [String: String]
    /// The seed.
    public var seed: UInt64
    /// The SHA-256, in hex, of the instance's canonical CSV: all three splits, as written by
    /// `nnbench generate TASK --split all --format csv`.
    public var sha256: String
    /// The gzip-compressed canonical CSV, relative to the manifest's folder.
    public var file: String

    /// Creates an instance record.
    public init(task: String, parameters: [String: String], seed: UInt64, sha256: String, file: String) {
        self.task = task
        self.parameters = parameters
        self.seed = seed
        self.sha256 = sha256
        self.file = file
    }
}
