extension Split {
    /// The mean over outputs of each output's variance across the split: the mean squared error
    /// of predicting every output's mean, and the denominator of R².
    ///
    /// - Complexity: O(count × target width).
    public var targetVariance: Double {
        Math.meanColumnVariance(targets, width: Swift.max(targetWidth, 1))
    }
}
