/// One layer of a network: its forward pass, its hand-written backward pass, and its parameters.
///
/// A layer keeps what its backward pass needs (its input, its output) from the last forward pass,
/// and owns the buffers its output and input gradient live in, reused from batch to batch.
package protocol Layer<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// The trainable tensors, in the model protocol's order (`L.weight`, then `L.bias`; `docs/protocol.md`).
    var parameters: [Parameter<Scalar>] { get }

    /// Tensors that are learnt but not trained by gradient, such as batchnorm's running statistics.
    var state: [Parameter<Scalar>] { get }

    /// Whether ``backward(_:)`` must compute the gradient with respect to the input. The network
    /// turns it off for its first layer unless input gradients are asked for.
    var computesInputGradient: Bool { get set }

    /// Computes the layer's output for a batch.
    ///
    /// - Parameters:
    ///   - input: The batch; it must stay valid until ``backward(_:)``.
    ///   - training: Training mode (dropout drops, batchnorm uses batch statistics) or evaluation.
    /// - Returns: The output, in a buffer the layer owns.
    func forward(_ input: Batch<Scalar>, training: Bool) -> Batch<Scalar>

    /// Writes the gradients of the loss with respect to the parameters (overwriting them) and
    /// returns the gradient with respect to the input of the last forward pass.
    ///
    /// - Parameter outputGradient: d loss / d output, shaped as the last output.
    /// - Returns: d loss / d input, in a buffer the layer owns; unspecified when
    ///   ``computesInputGradient`` is off.
    func backward(_ outputGradient: Batch<Scalar>) -> Batch<Scalar>

    /// The layer's dropout masking, when it has one (``DropoutMasking``); `nil` for every other layer.
    var dropout: (any DropoutMasking<Scalar>)? { get }

    /// The state a recurrent layer carries through the steps, its initial and final values and
    /// their gradients (``RecurrentSequence``); `nil` for every other layer.
    var recurrent: RecurrentSequence<Scalar>? { get }
}

extension Layer {
    package var parameters: [Parameter<Scalar>] { [] }
    package var state: [Parameter<Scalar>] { [] }
    package var dropout: (any DropoutMasking<Scalar>)? { nil }
    package var recurrent: RecurrentSequence<Scalar>? { nil }
}

/// A layer that multiplies its input by a random mask in training (dropout, or a layer wrapping
/// one): the mask it last drew, and one it is told to use instead.
package protocol DropoutMasking<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar
    /// The drop probability.
    var rate: Double { get }
    /// The multipliers of the last training forward (0 or `1 / (1 − rate)` for correct dropout).
    var lastMask: [Scalar] { get }
    /// The mask training forwards use instead of drawing one, while set.
    var replayedMask: [Scalar]? { get set }
}
