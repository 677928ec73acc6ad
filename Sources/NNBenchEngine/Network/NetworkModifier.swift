import NNBenchDatasets

/// A change to a network's computation made from outside the engine: the way in for nnbench's
/// checking tools, such as the classic bugs of `NNBenchFaults`, so that the engine itself carries
/// no code for them.
///
/// A ``Network`` built with a modifier asks it once for each layer, once when the weights are
/// initialised, and on every loss and training step (its inputs and targets); one built without
/// a modifier (every network the public API builds) never consults one.
package protocol NetworkModifier<Scalar>: AnyObject {
    associatedtype Scalar: EngineScalar

    /// The layer to use in place of `layer` (which it may wrap), or `nil` to keep it.
    func layer(replacing layer: any Layer<Scalar>) -> (any Layer<Scalar>)?

    /// Called once every parameter holds its initial value.
    func initialised(_ parameters: [Parameter<Scalar>])

    /// The mean loss of a batch and, when `gradient` is given, d loss / d prediction, in place of
    /// the engine's (``EngineScalar/_loss(_:predictions:targets:samples:width:gradient:)``);
    /// `nil` to keep the engine's.
    func loss(
        _ loss: Loss, predictions: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, samples: Int, width: Int,
        gradient: UnsafeMutablePointer<Scalar>?) -> Scalar?

    /// The targets a training step uses: `targets` itself, or others of the same size.
    func trainingTargets(_ targets: UnsafePointer<Scalar>, samples: Int, width: Int) -> UnsafePointer<Scalar>

    /// The inputs a training step runs forward: `inputs` itself (`samples × width` values), or
    /// others of the same size.
    func trainingInputs(_ inputs: UnsafeMutablePointer<Scalar>, samples: Int, width: Int) -> UnsafeMutablePointer<Scalar>
}

extension NetworkModifier {
    /// The step's own inputs: a modifier that leaves them alone need not say so.
    package func trainingInputs(_ inputs: UnsafeMutablePointer<Scalar>, samples: Int, width: Int) -> UnsafeMutablePointer<Scalar> { inputs }
}
