extension TrainingRun {
    /// Runs the learning-rate range test (``LearningRateRangeTest``) from the network's initial
    /// weights, with the run's optimizer (its state starting empty), clipping and batch size;
    /// the configuration's learning rate and schedule are replaced by the test's rates.
    ///
    /// The mini-batches are those ``run(onEpoch:)`` trains on, in the same order: epoch 1's
    /// shuffle, then epoch 2's when the test outlasts an epoch, and so on. Each step is the
    /// engine's training step (forward, loss, backward, clipping, one optimizer update). The
    /// network is left as the last step left it: train a new run, not this one.
    ///
    /// - Parameter test: The rates and the number of steps.
    /// - Returns: Every step's rate and loss, and why the test stopped.
    public func rangeTest(_ test: LearningRateRangeTest) -> LearningRateRangeResult {
        var order = Array(0..<train.count)
        var epoch = 1
        shuffle(&order, epoch: epoch)
        var next = 0
        var smoothed = SmoothedLoss()
        var best = Double.infinity
        var points: [LearningRateRangeResult.Point] = []
        for step in 0..<test.steps {
            if next >= train.count {
                epoch += 1
                shuffle(&order, epoch: epoch)
                next = 0
            }
            let indices = order[next..<Swift.min(next + configuration.batchSize, train.count)]
            next += configuration.batchSize
            let learningRate = test.learningRate(at: step)
            let loss = Double(network.step(gather(indices), targets: batchTargets.pointer, training: true))
            let smoothedLoss = smoothed.add(loss)
            points.append(.init(step: step, learningRate: learningRate, loss: loss, smoothedLoss: smoothedLoss))
            if smoothedLoss.isFinite { best = Swift.min(best, smoothedLoss) }
            if let stop = LearningRateRangeTest.stop(loss: loss, smoothedLoss: smoothedLoss, minimum: best) {
                return result(test, points, stop: stop)
            }
            if let clipping = configuration.clipping { GradientClipping.apply(clipping, to: network.trainable) }
            optimizer.step(learningRate: learningRate)
        }
        return result(test, points, stop: .completed)
    }

    private func result(
        _ test: LearningRateRangeTest, _ points: [LearningRateRangeResult.Point], stop: LearningRateRangeResult.Stop
    ) -> LearningRateRangeResult {
        LearningRateRangeResult(start: test.start, end: test.end, steps: test.steps, points: points, stop: stop)
    }
}
