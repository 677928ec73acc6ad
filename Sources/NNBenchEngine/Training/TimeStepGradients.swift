/// A recurrent layer's gradient through time in a training run: `‖∂L/∂h_t‖` for every step `t`,
/// the norm over the batch of the whole gradient of the step's loss reaching the hidden state
/// `h_t` (from the layer's output at `t` and from every later step), at the run's first step and
/// at its last. For a layer that returns its last step alone, every earlier `h_t` hears of the
/// loss only through the steps after it, so the norms show how the signal decays (vanishes) or
/// grows (explodes) going back in time (Bengio et al. 1994; Pascanu et al. 2013).
public struct TimeStepGradients: Sendable, Hashable, Codable {
    /// The recurrent layer's index.
    public var layer: Int
    /// The layer as the architecture writes it (`rnn(8, sequence: false)`).
    public var spec: String
    /// Whether the layer returns every step's `h` (each `h_t` then also gets its own output's
    /// gradient) rather than the last one alone.
    public var returnsSequence: Bool
    /// `‖∂L/∂h_t‖`, `t = 0..<steps`, at the run's first step: the initial weights, the first batch.
    public var initial: [Double]
    /// The epoch of ``final``.
    public var finalEpoch: Int
    /// The step of ``finalEpoch`` (from 1) ``final`` was read at: the epoch's last, or 1 when the
    /// loss stopped being finite within the first epoch (the run's first step is the only other
    /// one kept); `nil` in a record written before it was kept.
    public var finalStep: Int?
    /// `‖∂L/∂h_t‖` at the last step kept (the last batch of ``finalEpoch``, before its update):
    /// a run whose loss stops being finite within an epoch keeps the previous epoch's last step,
    /// or within the first epoch the run's first step.
    public var final: [Double]
    /// The unit roundoff `u` of the scalar the run computed in (`2⁻²⁴` for Float): a term below `u`
    /// times another is lost when the two are added.
    public var unitRoundoff: Double

    /// Creates a layer's profile.
    public init(layer: Int, spec: String, returnsSequence: Bool, initial: [Double], finalEpoch: Int, finalStep: Int? = nil, final: [Double], unitRoundoff: Double) {
        self.layer = layer
        self.spec = spec
        self.returnsSequence = returnsSequence
        self.initial = initial
        self.finalEpoch = finalEpoch
        self.finalStep = finalStep
        self.final = final
        self.unitRoundoff = unitRoundoff
    }

    /// `‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖` of `norms`: how much of the last step's gradient reaches the first
    /// step, infinite when the first overflowed; `nil` with fewer than 2 steps, a last norm that
    /// is zero or not finite, or a first that is NaN.
    public static func firstToLast(_ norms: [Double]) -> Double? {
        guard norms.count >= 2, let first = norms.first, let last = norms.last, last > 0, last.isFinite, !first.isNaN else { return nil }
        return first / last
    }

    /// The steps `0...k` at whose hidden state the gradient is exactly 0 (no gradient reaches
    /// them at all: dead relu units, saturated gates, or an underflow on the way back), `k` the
    /// last such step before the first nonzero norm; `nil` when `norms[0]` is not 0.
    public static func zeroPrefix(_ norms: [Double]) -> ClosedRange<Int>? {
        guard norms.first == 0 else { return nil }
        return 0...((norms.firstIndex { $0 != 0 } ?? norms.count) - 1)
    }
}
