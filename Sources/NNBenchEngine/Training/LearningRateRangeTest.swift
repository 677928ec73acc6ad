import Foundation

/// The learning-rate range test: train from the initial weights with a learning rate that grows
/// exponentially at every step, and record the loss against the rate (Smith, "Cyclical Learning
/// Rates for Training Neural Networks", WACV 2017, section 3.3; fastai's `lr_find`).
///
/// Step `i` (from 0) trains on one mini-batch at
/// `lr_i = start · (end/start)^(i/(steps−1))`, so the first step is at `start` and the last at
/// `end`. The loss recorded at step `i` is the mini-batch's loss before that step's update, as
/// fastai records it; it is smoothed by an exponential moving average with bias correction
/// (``SmoothedLoss``), and the test stops at the first step whose smoothed loss exceeds
/// ``divergenceFactor`` times the smallest smoothed loss so far, or is not finite.
public struct LearningRateRangeTest: Sendable, Hashable {
    /// The first step's learning rate.
    public let start: Double
    /// The last step's learning rate.
    public let end: Double
    /// The most steps taken (one mini-batch each).
    public let steps: Int

    /// fastai's smoothing of the recorded loss: `β` of its `AvgSmoothLoss`.
    public static let smoothing = 0.98
    /// fastai's divergence rule: stop when the smoothed loss exceeds this many times its minimum.
    public static let divergenceFactor = 4.0
    /// The most steps a test may take: 10^5, a thousand times fastai's default of 100. The test
    /// keeps every step (32 bytes each) and trains one mini-batch per step, so the bound keeps a
    /// mistyped count from running for minutes with memory growing; more steps only sample the
    /// same curve more finely.
    public static let maximumSteps = 100_000

    /// A range test from `start` to `end` in `steps` steps; fastai's defaults are 1e-7, 10, 100.
    ///
    /// - Throws: ``SpecError`` naming the value when `start` or `end` is not a positive finite
    ///   number, `start ≥ end`, `steps < 2` (one step has no rate to grow to) or
    ///   `steps >` ``maximumSteps``.
    public init(start: Double = 1e-7, end: Double = 10, steps: Int = 100) throws(SpecError) {
        guard start.isFinite, start > 0 else {
            throw SpecError("expected a positive learning rate, got \(start.numberText)", subject: "start")
        }
        guard end.isFinite, end > 0 else {
            throw SpecError("expected a positive learning rate, got \(end.numberText)", subject: "end")
        }
        guard start < end else {
            throw SpecError("expected a start below the end, got start \(start.numberText) and end \(end.numberText)", subject: "start")
        }
        guard steps >= 2 else {
            throw SpecError("expected at least 2 steps, got \(steps)", subject: "steps")
        }
        guard steps <= Self.maximumSteps else {
            throw SpecError("expected at most \(Self.maximumSteps) steps, got \(steps)", subject: "steps")
        }
        self.start = start
        self.end = end
        self.steps = steps
    }

    /// Whether the test stops at a step: when its loss or smoothed loss is not finite, or the
    /// smoothed loss exceeds ``divergenceFactor`` times `minimum`, the smallest smoothed loss of
    /// the steps so far, this one included; `nil` to go on.
    public static func stop(loss: Double, smoothedLoss: Double, minimum: Double) -> LearningRateRangeResult.Stop? {
        guard loss.isFinite, smoothedLoss.isFinite else { return .notFinite }
        return smoothedLoss > divergenceFactor * minimum ? .diverged : nil
    }

    /// The learning rate of step `index` (from 0): `start · (end/start)^t` with
    /// `t = index/(steps−1)`, computed as `start^(1−t) · end^t`, the same number, so that the
    /// first step is `start` and the last `end` exactly (`x¹ = x` and `x⁰ = 1` in IEEE `pow`).
    public func learningRate(at index: Int) -> Double {
        precondition(index >= 0 && index < steps, "step \(index) is outside the test's \(steps) steps")
        let t = Double(index) / Double(steps - 1)
        return Foundation.pow(start, 1 - t) * Foundation.pow(end, t)
    }
}

/// fastai's smoothed loss (`AvgSmoothLoss`): the exponential moving average
/// `a_i = β·a_{i−1} + (1−β)·loss_i` from `a_{−1} = 0`, divided by `1 − β^(i+1)` so that the early
/// values are not biased towards zero (the bias correction of Adam, Kingma & Ba 2015).
public struct SmoothedLoss: Sendable, Hashable {
    /// `β`, the weight of the past.
    public let beta: Double
    private var average = 0.0
    private var weight = 1.0

    /// An average with no value yet.
    public init(beta: Double = LearningRateRangeTest.smoothing) {
        precondition(beta >= 0 && beta < 1, "the smoothing must be in 0..<1")
        self.beta = beta
    }

    /// Adds `loss` and returns the smoothed loss including it.
    public mutating func add(_ loss: Double) -> Double {
        average = beta * average + (1 - beta) * loss
        weight *= beta
        return average / (1 - weight)
    }
}
