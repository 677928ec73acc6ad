/// One rule's figure on one place of a run, whether or not it crossed the threshold: what the
/// margins of docs/diagnoses.md are measured on (`nnbench run --diagnoses-margins`).
public struct TrainingMeasurement: Sendable {
    /// The rule's name, as its diagnosis would be named (`update-ratio`).
    public var rule: String
    /// Where it was measured (``TrainingDiagnosis/subject``).
    public var subject: String
    /// The figure.
    public var value: Double
    /// How far inside its healthy range the figure is, in ``marginUnit``: negative when the rule
    /// fires.
    public var margin: Double
    /// The unit of ``margin``: `decades` (orders of magnitude, for update and gradient ratios),
    /// `× drop` or `× initial loss` (the loss rules' ratios), `of the units` or `of the outputs`
    /// (fractions of a layer), or a word in parentheses for a rule that only fires or not
    /// (`(none frozen)`, `(diverged)`: the margin is then ±1).
    public var marginUnit: String
    /// The threshold, as text.
    public var threshold: String
    /// The diagnosis when the rule fires.
    public var diagnosis: TrainingDiagnosis?
}
