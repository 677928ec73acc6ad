import NNBenchIO

extension LearningCurve {
    /// What a learning curve supports at its largest size: high bias, high variance, both, or
    /// neither, with the figures behind it (docs/learning-curve.md, "The verdict").
    ///
    /// With the errors of `n` seeds at the largest size, train `tᵢ` and validation `vᵢ`, the
    /// optimum `e*` and the chance error `e₀` (``LearningCurve/optimum``, ``LearningCurve/chance``):
    ///
    /// - avoidable bias `B = mean(tᵢ) − e*`, the training error above what is reachable;
    /// - variance `V = mean(vᵢ − tᵢ)`, the train–validation gap, paired by seed;
    /// - each is *high* when it exceeds its margin `δ · e₀ + k · s/√n`, with `s` the sample standard
    ///   deviation over seeds (of `tᵢ`, of the gaps), `k = t(0.99, n − 1)` (one-sided Student t at
    ///   1 %, as `run`'s statistical mode; the normal 2.3263 with one seed, whose spread is 0) and
    ///   `δ = 0.1`: a tenth of the error of a model that ignores its input;
    /// - the gap *widens* when it grows from the smallest size to the largest by more than
    ///   `δ · e₀ + k · √(s₁²/n + s_L²/n)`; it is *unchanged* when it moves by no more than the
    ///   seed term `k · √(s₁²/n + s_L²/n)` (or 10⁻⁹ of itself, rounding), and *closing* when it
    ///   falls by more.
    ///
    /// Each is *low* when even its upper confidence bound is within the fixed part:
    /// `X + k · s/√n ≤ δ · e₀`.
    ///
    /// High bias alone: `B` high, `V` not (both errors high and close). High variance: `V` high,
    /// `B` not, and the gap does not widen as data grows. Both high: both. Neither: both low. The
    /// curve is undecided when neither is high and one is not low either (the seeds disagree too
    /// much to tell: more seeds narrow the margin), when the gap widens, or when a seed's loss
    /// stopped being finite at the largest size.
    public struct Diagnosis: Sendable, Hashable, Encodable {
        /// The verdict.
        public enum Verdict: String, Sendable, Hashable, Encodable {
            /// The model cannot fit even its training data: a bigger model (or longer training)
            /// helps, more data does not.
            case highBias = "high bias"
            /// The model fits its training data far better than held-out data: more data or
            /// regularisation helps.
            case highVariance = "high variance"
            /// Both at once.
            case highBiasAndVariance = "high bias and high variance"
            /// Neither: the errors are close to each other and to the optimum.
            case neither
            /// The curve does not fit the rules: a widening gap, seeds that disagree too much to
            /// call the errors low, or runs that diverged.
            case undecided
        }

        /// The fraction `δ` of the chance error that counts as a real difference.
        public static let fraction = 0.1
        /// The confidence of the seed-spread term, as `run`'s one-sided test.
        public static let confidence = 0.99

        /// The verdict.
        public var verdict: Verdict
        /// The size it is read at: the curve's largest.
        public var size: Int
        /// `B`: the mean training error minus the optimum.
        public var bias: Double
        /// `B`'s margin, `δ · e₀ + k · s_t/√n`.
        public var biasMargin: Double
        /// `V`: the mean of the seeds' validation minus training error.
        public var gap: Double
        /// `V`'s margin, `δ · e₀ + k · s_g/√n`.
        public var gapMargin: Double
        /// The mean gap at the smallest size.
        public var firstGap: Double
        /// How much the gap may grow from the smallest size before it counts as widening.
        public var wideningMargin: Double
        /// `k`, the Student t quantile of the margins.
        public var k: Double
        /// The figures behind the verdict, in words, one per line.
        public var reasons: [String]

        /// Diagnoses a curve.
        ///
        /// - Parameters:
        ///   - points: At least one point, increasing in size, with the same seeds each.
        ///   - optimum: `e*`, the least reachable error.
        ///   - chance: `e₀`, the error of a model that ignores its input.
        ///   - capacityLesson: The best error without hidden layers or memory, where known.
        init(points: [Point], optimum: Double, chance: Double, capacityLesson: Level?) {
            let last = points[points.count - 1], first = points[0]
            let n = last.train.count
            let k = n > 1 ? StudentT.quantile(Self.confidence, degrees: n - 1) : StudentT.normalQuantile(Self.confidence)
            func standardError(_ values: [Double]) -> Double {
                (Summary(values).standardDeviation ?? 0) / Double(values.count).squareRoot()
            }
            let floor = Self.fraction * chance
            let train = Summary(last.train).mean, validation = Summary(last.validation).mean
            size = last.size
            self.k = k
            bias = train - optimum
            biasMargin = floor + k * standardError(last.train)
            gap = Summary(last.gaps).mean
            gapMargin = floor + k * standardError(last.gaps)
            firstGap = Summary(first.gaps).mean
            let firstError = standardError(first.gaps), lastError = standardError(last.gaps)
            wideningMargin = floor + k * (firstError * firstError + lastError * lastError).squareRoot()
            let highBias = bias > biasMargin, highVariance = gap > gapMargin
            let lowBias = bias + (biasMargin - floor) <= floor, lowVariance = gap + (gapMargin - floor) <= floor
            let widens = points.count > 1 && gap - firstGap > wideningMargin
            func figure(_ value: Double) -> String { value.numberText }
            // A diverged seed's errors are NaN: no figure of that size can be compared.
            if last.diverged > 0 || !(train.isFinite && validation.isFinite) {
                self.reasons = ["\(last.diverged) of \(n) seeds diverged at \(last.size) samples: no verdict; try a lower learning rate"]
                verdict = .undecided
                return
            }
            var reasons = [
                "at \(last.size) samples: train error \(figure(train)), validation error \(figure(validation)), optimum \(figure(optimum)), chance \(figure(chance))",
                "bias \(figure(bias)) (train − optimum) \(highBias ? ">" : "≤") margin \(figure(biasMargin)): \(highBias ? "high" : "not high")",
                "gap \(figure(gap)) (validation − train) \(highVariance ? ">" : "≤") margin \(figure(gapMargin)): \(highVariance ? "wide" : "not wide")",
            ]
            if points.count > 1, first.diverged > 0 || !firstGap.isFinite {
                reasons.append("gap at \(first.size) samples: \(first.diverged) of \(n) seeds diverged, no trend")
            } else if points.count > 1 {
                // A change within the seeds' spread (the widening margin's seed term) or within
                // rounding (1e-9 of the gap: the means differ in their last bits) is no change.
                let change = gap - firstGap
                let unchanged = Swift.abs(change) <= Swift.max(wideningMargin - floor, 1e-9 * Swift.max(Swift.abs(gap), Swift.abs(firstGap)))
                let trend = widens ? ", widening by more than \(figure(wideningMargin))" : unchanged ? ", unchanged" : change < 0 ? ", closing" : ", not widening"
                reasons.append("gap from \(first.size) to \(last.size) samples: \(figure(firstGap)) → \(figure(gap))\(trend)")
            }
            if let capacityLesson, highBias {
                reasons.append("train error \(figure(train)) \(train >= capacityLesson.value - floor ? "near or above" : "below") the capacity lesson \(figure(capacityLesson.value)) (\(capacityLesson.source))")
            }
            if highBias && highVariance {
                verdict = .highBiasAndVariance
            } else if highBias {
                verdict = .highBias
            } else if highVariance {
                verdict = widens ? .undecided : .highVariance
            } else if lowBias && lowVariance {
                verdict = .neither
            } else {
                reasons.append("neither is high, but the seeds spread too widely to call \(lowBias ? "the gap" : "the bias") low: more seeds narrow the margin")
                verdict = .undecided
            }
            self.reasons = reasons
        }
    }
}
