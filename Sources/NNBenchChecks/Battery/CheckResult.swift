/// How a check ended.
public enum CheckStatus: String, Sendable, Hashable, Codable {
    /// The model behaved as a correct implementation must.
    case passed
    /// The model did something a correct implementation cannot.
    case failed
    /// The check needs an op or layer the model does not offer, or does not apply to the architecture.
    case skipped
    /// The model answered with an error, so the check could not be done.
    case error
}

/// The outcome of one check: a status, the measured figure against its bound, and for a failure a
/// one-line diagnosis with the likely causes.
public struct CheckResult: Sendable, Hashable, Codable {
    /// The check's name (`gradient`).
    public var check: String
    /// How it ended.
    public var status: CheckStatus
    /// The measured number that decided it, in words (`rel. error 3.1e-1 at 0.weight[2,0]`).
    public var figure: String
    /// The bound it was held to (`≤ 1e-5`).
    public var bound: String
    /// For a failure: what is wrong and where, in one line; for a skip or an error: why.
    public var diagnosis: String?
    /// For a failure: the classic bugs that produce this symptom.
    public var likelyCauses: [String]
    /// Remarks that do not decide the result (kinks skipped, parts not measured).
    public var notes: [String]
    /// The decisive figure as a fraction of its bound: 0 is the ideal, 1 the bound itself, above 1
    /// a failure; `nil` when the check has no such scale (a yes/no property). The margin of a
    /// correct model is `1 − load`; `docs/checks.md` tabulates the worst over the self-test.
    public var load: Double?
    /// For a failure of a check that localises: where the bug is, as the diagnosis names it
    /// (``BugLocation``); `nil` when the check cannot tell.
    public var location: BugLocation?
    /// The figures behind ``figure`` per tensor or layer, for the checks that measure them
    /// (`gradient`, `reference`); `nil` for the others.
    public var measurements: [CheckMeasurement]?

    /// Creates a result.
    public init(
        check: String, status: CheckStatus, figure: String = "", bound: String = "", diagnosis: String? = nil,
        likelyCauses: [String] = [], notes: [String] = [], load: Double? = nil, location: BugLocation? = nil,
        measurements: [CheckMeasurement]? = nil
    ) {
        self.check = check
        self.status = status
        self.figure = figure
        self.bound = bound
        self.diagnosis = diagnosis
        self.likelyCauses = likelyCauses
        self.notes = notes
        self.load = load
        self.location = location
        self.measurements = measurements
    }
}

/// What a check's body returns: passed, or failed with a diagnosis; the battery adds the name.
struct CheckOutcome: Sendable, Hashable {
    var status: CheckStatus
    var figure: String
    var bound: String
    var diagnosis: String?
    var symptom: Symptom?
    var notes: [String]
    /// The figure as a fraction of its bound (``CheckResult/load``).
    var load: Double?
    /// Where the bug is, for a failure the check can place (``CheckResult/location``).
    var location: BugLocation?
    /// The figures per tensor or layer (``CheckResult/measurements``).
    var measurements: [CheckMeasurement] = []

    /// The check passed with `figure` within `bound`, at `load` of it.
    static func passed(_ figure: String, bound: String, load: Double? = nil, notes: [String] = []) -> CheckOutcome {
        CheckOutcome(status: .passed, figure: figure, bound: bound, diagnosis: nil, symptom: nil, notes: notes, load: load, location: nil)
    }

    /// The check failed: `diagnosis` says what and where, `symptom` gives the likely causes,
    /// `location` the place the diagnosis names, when it names one.
    static func failed(
        _ figure: String, bound: String, _ diagnosis: String, _ symptom: Symptom, load: Double? = nil, notes: [String] = [],
        at location: BugLocation? = nil
    ) -> CheckOutcome {
        CheckOutcome(
            status: .failed, figure: figure, bound: bound, diagnosis: diagnosis, symptom: symptom, notes: notes, load: load, location: location)
    }

    /// The check does not apply, for `reason`.
    static func skipped(_ reason: String) -> CheckOutcome {
        CheckOutcome(status: .skipped, figure: "", bound: "", diagnosis: reason, symptom: nil, notes: [], load: nil, location: nil)
    }
}
