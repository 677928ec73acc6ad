import RealModule

/// A scalar type the engine computes in: `Float` for training, `Double` for checking.
///
/// The engine's layers are generic over their scalar, and every loop over the values of a batch
/// is a *kernel*: a requirement with one generic default implementation, written once for both
/// types. Each layer, loss or optimizer declares its kernels as a protocol of its own in its own
/// file (``_DenseKernels`` in `Layers/Dense.swift`, ...), which this protocol refines: adding a
/// layer adds a file and one name to the list below. Declaring the kernels as requirements is
/// what makes them fast: the conformances of `Float` and `Double` make
/// the compiler specialise each kernel for each type inside this module, so the loops run at full
/// speed even when the generic layers that call them run unspecialised, as they do when they are
/// used from another module. (Measured on this project's machine: the same loop ran 80× slower as
/// plain generic code called across a module boundary than behind a protocol requirement.)
///
/// Some kernels are C instead, with an AVX2 version chosen at run time (`Sources/CKernels`): the
/// matrix product; Adam's update, whose √ and ÷ per value the baseline x86-64 code that Swift
/// compiles (no unsafe flags) could not vectorise wider than four lanes; and the engine's own σ and
/// tanh with the recurrent cells' steps built on them (``_GateFunctionKernels``,
/// ``_RecurrentKernels``). Their Float and Double conformances call the C functions; the C code
/// rounds every operation as the formula is written (FMAs only where written as such), so the
/// AVX2 and the portable versions give the same bits.
///
/// The kernels work on raw pointers and are meant for the engine's layers, not for direct use:
/// their names start with an underscore, Swift's mark of a public name that is not API (a
/// requirement of a public protocol cannot be `package`), so that they stay out of the
/// documentation and of code completion for `Float` and `Double` in every program that imports
/// nnbench.
public protocol EngineScalar:
    GEMMScalar, Real, Hashable, Codable, LosslessStringConvertible,
    _VectorKernels, _LossKernels,
    _ActivationKernels, _DenseKernels, _ConvolutionKernels, _PoolingKernels, _BatchNormKernels, _DropoutKernels,
    _RecurrentKernels, _EmbeddingKernels, _ObservationKernels,
    _SGDKernels, _AdamKernels, _RMSpropKernels, _GateFunctionKernels
{}

extension Float: EngineScalar {}
extension Double: EngineScalar {}
