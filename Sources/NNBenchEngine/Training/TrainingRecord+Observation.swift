extension TrainingRecord {
    /// The record without what observing the run added (``TrainingConfiguration/observation``):
    /// no snapshots, activation statistics, mean gradient norms, histograms or norms per time step. Observation never
    /// changes a run's numbers, so an observed run's record without them equals the unobserved
    /// run's (wall time aside).
    public var withoutObservations: TrainingRecord {
        var record = self
        record.snapshots = nil
        record.timeStepGradients = nil
        for index in record.epochs.indices {
            record.epochs[index].activations = nil
            for parameter in record.epochs[index].parameters.indices {
                record.epochs[index].parameters[parameter].meanGradientNorm = nil
                record.epochs[index].parameters[parameter].weightHistogram = nil
                record.epochs[index].parameters[parameter].gradientHistogram = nil
            }
        }
        return record
    }
}
