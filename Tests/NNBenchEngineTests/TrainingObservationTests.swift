import NNBenchDatasets
import NNBenchEngine
import Testing

/// What an observed run measures for reports: the same run, bit for bit, and measurements that
/// are what they say.
@Suite("Training observation")
struct TrainingObservationTests {
    static func run(
        _ task: LearningTask, _ architecture: String, optimizer: OptimizerSpec, epochs: Int, batch: Int,
        observation: TrainingObservation? = nil, stopAtTarget: Bool = false
    ) throws -> TrainingRecord {
        var record = try TrainingRun<Float>(
            task: task, architecture: try ArchitectureSpec(parsing: architecture),
            configuration: TrainingConfiguration(
                optimizer: optimizer, epochs: epochs, batchSize: batch, seed: 3, stopAtTarget: stopAtTarget, observation: observation)
        ).run()
        record.wallSeconds = 0
        return record
    }

    @Test func observingChangesNoNumberOfTheRun() throws {
        // Dropout draws from a stream and batchnorm keeps running statistics: the extra
        // evaluation passes must disturb neither.
        let task = try Generators.spirals(sizes: SplitSizes(train: 48, validation: 16, test: 16))
        let architecture = "dense(8) relu dropout(0.2) dense(8) batchnorm tanh dense(3)"
        let observation = TrainingObservation(histogramBins: 7, histogramEpochs: 2, snapshotEpochs: [1])
        let plain = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.02), epochs: 5, batch: 16)
        let observed = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.02), epochs: 5, batch: 16, observation: observation)
        #expect(observed.withoutObservations == plain)
        // Keeping the weights alone (saved weights) measures nothing else, and keeps the same weights.
        var weightsOnly = try Self.run(
            task, architecture, optimizer: .adam(learningRate: 0.02), epochs: 5, batch: 16,
            observation: TrainingObservation(snapshotEpochs: [1], measures: false))
        #expect(weightsOnly.snapshots == observed.snapshots)
        weightsOnly.snapshots = nil
        #expect(weightsOnly == plain)
        #expect(plain.snapshots == nil && plain.epochs.allSatisfy { $0.activations == nil && $0.parameters.allSatisfy { $0.meanGradientNorm == nil } })
        // Histograms every ⌈5/2⌉ = 3rd epoch, at 0 and at the last.
        let histogramEpochs = observed.epochs.filter { $0.parameters[0].weightHistogram != nil }.map(\.epoch)
        #expect(histogramEpochs == [0, 3, 5])
        #expect(observed.epochs[3].parameters.allSatisfy { $0.gradientHistogram != nil } && observed.epochs[0].parameters[0].gradientHistogram == nil)
        #expect(observed.snapshots?.map(\.epoch) == [0, 1, 5])
        #expect(observed.epochs[2].activations?.map(\.name) == ["1.relu", "5.tanh"])
    }

    @Test func unitStatisticsAloneAreMeasuredAtTheTwoEndsAndChangeNoNumber() throws {
        // What the training diagnoses observe by default: activation statistics at epoch 0 and at
        // the last epoch, also when the run stops early at its target (one more evaluation).
        let task = try Generators.spirals(sizes: SplitSizes(train: 48, validation: 16, test: 16))
        let architecture = "dense(8) relu dropout(0.2) dense(8) batchnorm tanh dense(3)"
        let units = TrainingObservation(measures: false, unitStatistics: true)
        for stop in [false, true] {
            let plain = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 6, batch: 16, stopAtTarget: stop)
            let observed = try Self.run(
                task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 6, batch: 16, observation: units, stopAtTarget: stop)
            #expect(observed.withoutObservations == plain)
            let last = observed.epochs.count - 1
            #expect(observed.epochs.indices.filter { observed.epochs[$0].activations != nil } == [0, last])
            #expect(observed.epochs[last].activations?.map(\.name) == ["1.relu", "5.tanh"])
            #expect(observed.epochs.allSatisfy { $0.parameters.allSatisfy { $0.meanGradientNorm == nil && $0.weightHistogram == nil } })
            #expect(observed.snapshots?.map(\.epoch) == [0, last])
            // The same fractions as the full observation measures at those epochs.
            let full = try Self.run(
                task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 6, batch: 16, observation: TrainingObservation(), stopAtTarget: stop)
            #expect(full.epochs[0].activations?.map(\.deadFraction) == observed.epochs[0].activations?.map(\.deadFraction))
            #expect(full.epochs[last].activations?.map(\.saturatedFraction) == observed.epochs[last].activations?.map(\.saturatedFraction))
        }
    }

    @Test func theMeanGradientNormIsTheMeanOverEveryStep() throws {
        // With a learning rate of 0 the weights never move, and with one sample a step each epoch's
        // steps see every sample once, whatever the order: the mean is the mean of the samples'
        // gradient norms at the initial weights, computed here without the training loop.
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let architecture = "dense(3) tanh dense(1)"
        let record = try Self.run(task, architecture, optimizer: .sgd(learningRate: 0), epochs: 2, batch: 1, observation: TrainingObservation())
        let network = Network<Float>(try ArchitectureSpec(parsing: architecture).resolve(for: task), loss: task.loss, seed: 3)
        var sums = [Double](repeating: 0, count: network.parameters.count)
        for sample in 0..<task.train.count {
            network.gradients(
                inputs: Tensor(shape: [1, 2], scalars: task.train.input(sample).map { Float($0) }),
                targets: Tensor(shape: [1, 1], scalars: task.train.target(sample).map { Float($0) }))
            for (index, gradient) in network.gradients.enumerated() {
                sums[index] += gradient.value.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
        }
        for epoch in 1...2 {
            for (index, parameter) in record.epochs[epoch].parameters.enumerated() {
                let expected = sums[index] / 4
                // The same four norms, summed in another order: each of three additions rounds by
                // at most half an ulp of the sum.
                #expect(Swift.abs(parameter.meanGradientNorm! - expected) <= 2 * Double.ulpOfOne * expected)
            }
        }
        #expect(record.epochs[0].parameters.allSatisfy { $0.meanGradientNorm == nil })
    }

    @Test func withOneStepAnEpochTheMeanIsTheLastStepsNorm() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let record = try Self.run(task, "dense(4) tanh dense(1)", optimizer: .adam(learningRate: 0.05), epochs: 3, batch: 4, observation: TrainingObservation())
        for epoch in record.epochs.dropFirst() {
            for parameter in epoch.parameters { #expect(parameter.meanGradientNorm == parameter.gradientNorm) }
        }
    }

    @Test func histogramsAndSnapshotsHoldTheWeights() throws {
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let architecture = "dense(5) relu dense(1)"
        let record = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 4, batch: 2, observation: TrainingObservation(histogramBins: 6))
        let snapshots = try #require(record.snapshots)
        #expect(snapshots.map(\.epoch) == [0, 4])
        let initial = Network<Float>(try ArchitectureSpec(parsing: architecture).resolve(for: task), loss: task.loss, seed: 3)
        for (values, parameter) in zip(snapshots[0].tensors, initial.parameters) {
            #expect(values.name == parameter.name && values.shape == parameter.value.shape && values.values == parameter.value.scalars.map { Double($0) })
        }
        for (values, statistics) in zip(snapshots[1].tensors, record.final.parameters) {
            #expect(statistics.weightHistogram == Histogram(values.values, bins: 6))
            #expect(statistics.weightHistogram?.total == values.values.count)
            let norm = values.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(norm == statistics.weightNorm)
        }
    }

    @Test func deadReLUsAndSaturatedTanhsAreCounted() throws {
        // xor's inputs are 0 or 1; weights of −1 and zero biases put every pre-activation at or
        // below 0, so no relu unit ever outputs more than 0: all dead. Weights of 10 put tanh's
        // input at 10·(x0 + x1): saturated (|tanh| > 0.99) for every sample but (0, 0).
        let task = try Generators.xor(sizes: SplitSizes(train: 4, validation: 4, test: 4))
        let record = try Self.run(
            task, "dense(3, init: constant(-1)) relu dense(2, init: constant(10)) tanh dense(1)", optimizer: .sgd(learningRate: 0), epochs: 1,
            batch: 4, observation: TrainingObservation())
        let activations = try #require(record.epochs[0].activations)
        #expect(activations.map(\.name) == ["1.relu", "3.tanh"])
        #expect(activations[0].deadFraction == 1 && activations[0].saturatedFraction == nil)
        // The relu layer outputs only zeros, so the tanh layer sees only its zero biases: none saturated.
        #expect(activations[1].saturatedFraction == 0 && activations[1].deadFraction == nil)
        #expect(activations[0].histogram == Histogram([Double](repeating: 0, count: 12), bins: 30))
        let direct = try Self.run(task, "dense(2, init: constant(10)) tanh dense(1)", optimizer: .sgd(learningRate: 0), epochs: 1, batch: 4, observation: TrainingObservation())
        let saturated = (0..<4).filter { task.train.input($0).reduce(0, +) > 0 }.count
        #expect(direct.epochs[0].activations?[0].saturatedFraction == Double(saturated) / 4)
    }

    @Test func recurrentLayersAreObservedWithoutChangingTheRun() throws {
        // Parity's bits as tokens: an embedding, a recurrent layer keeping the whole sequence
        // [n, 3, 16] through a relu, then a GRU keeping its last step.
        let task = try Generators.parity(bits: 3)
        let architecture = "embedding(2, 4) rnn(16) relu gru(8, sequence: false) dense(1)"
        let plain = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 3, batch: 4)
        let observed = try Self.run(task, architecture, optimizer: .adam(learningRate: 0.05), epochs: 3, batch: 4, observation: TrainingObservation())
        #expect(observed.withoutObservations == plain)
        #expect(observed.epochs[0].parameters.map(\.name) == [
            "0.weight", "1.weight_ih", "1.weight_hh", "1.bias_ih", "1.bias_hh", "3.weight_ih", "3.weight_hh", "3.bias_ih", "3.bias_hh",
            "4.weight", "4.bias",
        ])
        #expect(observed.epochs[3].parameters.allSatisfy { $0.weightHistogram != nil && $0.gradientHistogram != nil && $0.meanGradientNorm != nil })
        // A unit of the sequence is one of the 16 features, dead when it is 0 at every step of
        // every sample: counted here from the initial network's outputs (the same seed, 3).
        let network = Network<Float>(try ArchitectureSpec(parsing: architecture).resolve(for: task), loss: task.loss, seed: 3)
        let relu = network.trace(Tensor(shape: [task.train.count, 3], scalars: task.train.inputs.map { Float($0) }))[2]
        #expect(relu.shape == [8, 3, 16])
        func dead(_ units: Int) -> Double {
            Double((0..<units).filter { unit in stride(from: unit, to: relu.scalars.count, by: units).allSatisfy { relu.scalars[$0] <= 0 } }.count) / Double(units)
        }
        // The first step sees two states (token 0 or 1), the last eight: some (step, feature)
        // positions are dead that no feature is, so counting positions would give another fraction.
        try #require(dead(16) != dead(48))
        let statistics = try #require(observed.epochs[0].activations?.first)
        #expect(statistics.name == "2.relu" && statistics.deadFraction == dead(16))
        #expect(statistics.histogram?.total == relu.scalars.count)
    }

    @Test func aHistogramOfValuesSpanningMoreThanDoublesRangeIsBinned() throws {
        // The span 2e308 overflows to inf (bins 1e308 wide); the values are still binned, halved.
        #expect(Histogram([-1e308, -0.5e308, 0.9e308, 1e308], bins: 2)?.counts == [2, 2])
    }

    @Test func aHistogramCountsEqualWidthBins() throws {
        let histogram = try #require(Histogram([0.0, 0.1, 0.5, 0.99, 1, .nan], bins: 4))
        #expect(histogram.lower == 0 && histogram.upper == 1 && histogram.counts == [2, 0, 1, 2])
        #expect(histogram.total == 5 && histogram.nonFinite == 1 && histogram.upperEdges == [0.25, 0.5, 0.75, 1])
        #expect(Swift.abs(histogram.sum - 2.59) < 1e-15 && Swift.abs(histogram.sumOfSquares - (0.01 + 0.25 + 0.9801 + 1)) < 1e-15)
        #expect(Histogram([2.0, 2, 2], bins: 4)?.counts == [3])
        #expect(Histogram([Double.nan], bins: 4) == nil)
    }
}
