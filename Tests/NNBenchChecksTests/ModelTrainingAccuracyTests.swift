@testable import NNBenchChecks
import NNBenchEngine
import Testing

/// The accuracy the overfit and known-answer checks print: one prediction per target.
@Suite("Check accuracy")
struct ModelTrainingAccuracyTests {
    @Test func perStepTargetsCountEverySampleAndStep() {
        // Two samples, two steps, three classes: arg-maxes 1, 2 / 0, 2 against targets 1, 2 / 0, 1.
        let output = Tensor<Double>(shape: [2, 2, 3], scalars: [0, 5, 1, 0, 1, 5, 5, 0, 1, 0, 1, 5])
        let targets = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 0, 1])
        #expect(ModelTraining.accuracy(output, targets: targets) == 0.75)
    }

    @Test func oneTargetPerSampleIsUnchanged() {
        let logits = Tensor<Double>(shape: [3, 1], scalars: [2, -1, 0.5])
        #expect(ModelTraining.accuracy(logits, targets: Tensor(shape: [3, 1], scalars: [1, 0, 0])) == 2.0 / 3)
        let classes = Tensor<Double>(shape: [2, 3], scalars: [0, 5, 1, 7, 0, 1])
        #expect(ModelTraining.accuracy(classes, targets: Tensor(shape: [2], scalars: [1, 2])) == 0.5)
    }
}
