/// Reshapes `[n, c, h, w]` to `[n, c·h·w]`; the values and their order do not change.
package final class FlattenLayer<Scalar: EngineScalar>: Layer {
    package var computesInputGradient = true
    private var inputShape: [Int] = []

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        inputShape = input.shape
        return Batch(count: input.count, shape: [input.width], pointer: input.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        Batch(count: outputGradient.count, shape: inputShape, pointer: outputGradient.pointer)
    }
}
