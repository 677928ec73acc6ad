/// A lookup table as PyTorch's `nn.Embedding`: each input value is a token index, replaced by its
/// row of `weight [vocabulary, dim]`; `[n, steps]` becomes `[n, steps, dim]`.
///
/// An index is an exact integer in `0..<vocabulary`; any other value gives a row of NaN (where
/// PyTorch raises) and no gradient, so that a wrong input shows in the output instead of stopping
/// the program. The input gradient is 0: indices are not differentiable.
package final class EmbeddingLayer<Scalar: EngineScalar>: Layer {
    package let vocabulary: Int
    package let dim: Int
    package let weight: Parameter<Scalar>
    package var computesInputGradient = true
    private var input: Batch<Scalar>?
    private let output = Buffer<Scalar>()
    private let inputGradient = Buffer<Scalar>()

    package init(index: Int, vocabulary: Int, dim: Int) {
        (self.vocabulary, self.dim) = (vocabulary, dim)
        weight = Parameter(name: "\(index).weight", shape: [vocabulary, dim])
    }

    package var parameters: [Parameter<Scalar>] { [weight] }

    package func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar> {
        self.input = input
        output.resize(input.size * dim)
        Scalar._embed(input.pointer, count: input.size, table: weight.value.pointer, vocabulary: vocabulary, dim: dim, into: output.pointer)
        return Batch(count: input.count, shape: input.shape + [dim], pointer: output.pointer)
    }

    package func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar> {
        guard let input else { preconditionFailure("backward before forward") }
        Scalar._embeddingGradient(
            outputGradient.pointer, tokens: input.pointer, count: input.size, vocabulary: vocabulary, dim: dim,
            into: weight.gradient.pointer)
        inputGradient.resize(input.size)
        inputGradient.zero()
        return Batch(count: input.count, shape: input.shape, pointer: inputGradient.pointer)
    }
}

/// The embedding's kernels.
///
/// A requirement of ``EngineScalar``, for the engine's own layers: see there why kernels are
/// requirements, and why their names start with an underscore.
public protocol _EmbeddingKernels {
    /// Writes row `tokens[i]` of `table [vocabulary, dim]` to `output[i]` for `count` tokens; NaN
    /// for a token that is not an integer in `0..<vocabulary`.
    static func _embed(
        _ tokens: UnsafePointer<Self>, count: Int, table: UnsafePointer<Self>, vocabulary: Int, dim: Int,
        into output: UnsafeMutablePointer<Self>)

    /// Overwrites `gradient [vocabulary, dim]` with the sum, per row, of the output gradients of the
    /// tokens that read it, in token order.
    static func _embeddingGradient(
        _ outputGradient: UnsafePointer<Self>, tokens: UnsafePointer<Self>, count: Int, vocabulary: Int, dim: Int,
        into gradient: UnsafeMutablePointer<Self>)
}

extension EngineScalar {
    /// The row a token reads, or `nil` for a value that is not an index.
    private static func row(of token: Self, vocabulary: Int) -> Int? {
        token >= 0 && token < Self(vocabulary) && token == token.rounded(.towardZero) ? Int(token) : nil
    }

    public static func _embed(
        _ tokens: UnsafePointer<Self>, count: Int, table: UnsafePointer<Self>, vocabulary: Int, dim: Int,
        into output: UnsafeMutablePointer<Self>
    ) {
        for i in 0..<count {
            if let row = row(of: tokens[i], vocabulary: vocabulary) {
                (output + i * dim).update(from: table + row * dim, count: dim)
            } else {
                (output + i * dim).update(repeating: .nan, count: dim)
            }
        }
    }

    public static func _embeddingGradient(
        _ outputGradient: UnsafePointer<Self>, tokens: UnsafePointer<Self>, count: Int, vocabulary: Int, dim: Int,
        into gradient: UnsafeMutablePointer<Self>
    ) {
        gradient.update(repeating: 0, count: vocabulary * dim)
        for i in 0..<count {
            guard let row = row(of: tokens[i], vocabulary: vocabulary) else { continue }
            let source = outputGradient + i * dim, target = gradient + row * dim
            for j in 0..<dim { target[j] += source[j] }
        }
    }
}
