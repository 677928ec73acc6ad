import Foundation

/// What a learning-rate range test recorded, and what it suggests.
public struct LearningRateRangeResult: Sendable, Hashable, Codable {
    /// One step of the test.
    public struct Point: Sendable, Hashable, Codable {
        /// The step, from 0.
        public var step: Int
        /// The step's learning rate.
        public var learningRate: Double
        /// The mini-batch's loss before the step's update (NaN or infinite at a divergence).
        public var loss: Double
        /// The smoothed loss (``SmoothedLoss``) including this step's.
        public var smoothedLoss: Double

        /// Creates a point.
        public init(step: Int, learningRate: Double, loss: Double, smoothedLoss: Double) {
            self.step = step
            self.learningRate = learningRate
            self.loss = loss
            self.smoothedLoss = smoothedLoss
        }
    }

    /// Why the test stopped.
    public enum Stop: String, Sendable, Hashable, Codable {
        /// Every step ran without the loss diverging.
        case completed
        /// The smoothed loss exceeded ``LearningRateRangeTest/divergenceFactor`` times its minimum.
        case diverged
        /// The loss was not finite.
        case notFinite = "not-finite"
    }

    /// The test's first learning rate.
    public var start: Double
    /// The test's last learning rate.
    public var end: Double
    /// The most steps the test could take.
    public var steps: Int
    /// Every step taken, the last one the step where it stopped.
    public var points: [Point]
    /// Why it stopped.
    public var stop: Stop

    /// Creates a result.
    public init(start: Double, end: Double, steps: Int, points: [Point], stop: Stop) {
        self.start = start
        self.end = end
        self.steps = steps
        self.points = points
        self.stop = stop
    }

    /// The step where the loss diverged (the test's last), or `nil` when every step ran.
    public var divergence: Point? {
        stop == .completed ? nil : points.last
    }

    /// The points the suggestions are read from, as fastai's `lr_find` reads them: without the
    /// first `steps/10` (integer division) and the last 5 recorded, and ending before the first
    /// smoothed loss that is not finite. Empty when the test stopped too early to leave any.
    public var suggestionWindow: ArraySlice<Point> {
        let first = steps / 10, last = points.count - 5
        guard first < last else { return [] }
        let window = points[first..<last]
        let finite = window.prefix { $0.smoothedLoss.isFinite }
        return finite
    }

    /// fastai's `steep` suggestion: the point where the smoothed loss falls fastest against the
    /// logarithm of the rate, the left point `j` of the pair `(j, j+1)` in the window with the
    /// smallest `(s_{j+1} − s_j) / (ln lr_{j+1} − ln lr_j)` (the first such pair on a tie); `nil`
    /// with fewer than two points in the window.
    public var steep: Point? {
        let window = Array(suggestionWindow)
        guard window.count >= 2 else { return nil }
        var best: (index: Int, slope: Double)?
        for j in 0..<(window.count - 1) {
            let slope = slope(from: window[j], to: window[j + 1])
            if best == nil || slope < best!.slope { best = (j, slope) }
        }
        return best.map { window[$0.index] }
    }

    /// The slope of the smoothed loss at ``steep``: `Δ smoothed loss / Δ ln lr`, in loss units per
    /// factor of e in the rate.
    public var steepSlope: Double? {
        guard let steep, let next = points.first(where: { $0.step == steep.step + 1 }) else { return nil }
        return slope(from: steep, to: next)
    }

    /// The point of the window with the smallest smoothed loss (the first on a tie); fastai's
    /// `minimum` suggestion is a tenth of its rate. `nil` when the window is empty.
    public var minimum: Point? {
        suggestionWindow.min { $0.smoothedLoss < $1.smoothedLoss }
    }

    private func slope(from a: Point, to b: Point) -> Double {
        (b.smoothedLoss - a.smoothedLoss) / (Foundation.log(b.learningRate) - Foundation.log(a.learningRate))
    }

    /// How a configured learning rate stands against the test: past the divergence or not.
    ///
    /// There is no "too low" verdict: a note on rates far below fastai's steep point fired on
    /// every reference optimizer of the catalogue (their rates are one to three decades below it,
    /// and they train), so it would cry wolf; a rate that barely moves the loss is diagnosed on the
    /// run itself (docs/diagnoses.md).
    public enum Assessment: String, Sendable, Hashable, Codable {
        /// At or above the rate where the test diverged: training at it will likely diverge.
        case pastDivergence = "past-divergence"
        /// Within the sweep (`start...end`) and below the divergence point, or within a sweep
        /// that never diverged.
        case inRange = "in-range"
        /// Outside the rates the test tried and not past a divergence it found: above `end` of a
        /// test that never diverged, or below `start`. The test says nothing about it.
        case beyondSweep = "beyond-sweep"
    }

    /// How `learningRate` stands against the test (``Assessment``). A test that never diverged
    /// cannot call a rate past divergence; a rate outside `start...end` that is not past a
    /// divergence was never tried, and is ``Assessment/beyondSweep``.
    public func assess(_ learningRate: Double) -> Assessment {
        if let divergence, learningRate >= divergence.learningRate { return .pastDivergence }
        if learningRate > end || learningRate < start { return .beyondSweep }
        return .inRange
    }
}
