import NNBenchDatasets
import NNBenchEngine

/// Where a bug can be, from which parameters' gradients differ from the reference's.
///
/// The backward pass carries an error in a layer's input gradient down to every parameter below
/// that layer, and an error in one parameter's gradient nowhere else. So with `k` the deepest
/// layer whose parameter gradient differs and `m` the next layer above it with parameters (whose
/// gradients agree), the bug is in layer `k`'s parameter gradient or in the input gradient of a
/// layer in `k+1…m`, or of the loss when no layer above `k` has parameters. When another
/// parameter of layer `k` agrees, its output gradient is right; when layers below `k` have
/// parameters and all of theirs agree, nothing above `k` is wrong: either way only the
/// parameter's own gradient is left.
struct GradientLocation {
    /// The parameter reported: the deepest whose gradient differs.
    let parameter: String
    /// The layer it belongs to.
    let layer: Int
    /// Why only the parameter's own gradient is left, when it is.
    let ownGradientOnly: String?
    /// The layers whose input gradient could carry the bug, in order.
    let suspects: [Int]
    /// Whether the loss's gradient could carry it.
    let lossSuspect: Bool
    /// Whether gradients below the layer differ too (one bug above explains them all).
    let lowerDiffer: Bool

    /// - Parameters:
    ///   - parameters: Every parameter's name (`2.weight`), in the network's order.
    ///   - differing: The names of those whose gradients differ, in the same order; not empty.
    ///   - layerCount: The number of layers.
    init(parameters: [String], differing: [String], layerCount: Int) {
        let differingSet = Set(differing)
        let parameter = differing.last ?? "", layer = Self.layer(of: parameter) ?? 0
        (self.parameter, self.layer) = (parameter, layer)
        let parameterLayers = Set(parameters.compactMap(Self.layer(of:)))
        lowerDiffer = differing.compactMap(Self.layer(of:)).contains { $0 < layer }
        if let agreeing = parameters.first(where: { Self.layer(of: $0) == layer && !differingSet.contains($0) }) {
            ownGradientOnly = "the gradient of \(agreeing) agrees, so this layer's output gradient is right"
        } else if parameterLayers.contains(where: { $0 < layer }) && !lowerDiffer {
            ownGradientOnly = "every layer below it has the right gradients, so no backward pass above it is wrong"
        } else {
            ownGradientOnly = nil
        }
        if ownGradientOnly != nil {
            (suspects, lossSuspect) = ([], false)
        } else if let next = parameterLayers.filter({ $0 > layer }).min() {
            (suspects, lossSuspect) = (Array(layer + 1...next), false)
        } else {
            (suspects, lossSuspect) = (Array(layer + 1..<layerCount), true)
        }
    }

    /// The layer index a parameter name (`2.weight`) belongs to.
    static func layer(of name: String) -> Int? { Int(name.prefix { $0 != "." }) }

    /// Where the bug is, in words.
    func sentence(describe: (Int) -> String) -> String {
        if let ownGradientOnly { return "\(ownGradientOnly): the bug is in \(parameter)'s own gradient" }
        var places = suspects.map(describe)
        if lossSuspect { places.append("the loss") }
        let list = places.count <= 1 ? places.joined() : places.dropLast().joined(separator: ", ") + " or " + places.last!
        let premise = lossSuspect ? "no layer above it has parameters" : "every gradient above it agrees"
        return "\(premise), so the bug is in the backward pass of \(list), or in this layer's parameter gradient"
            + (lowerDiffer ? " (less likely: the layers below differ too, which one bug above explains)" : "")
    }

    /// The place in data: the layer alone when only its parameter's own gradient is left, else
    /// it with the suspects (and the loss).
    func location(in context: CheckContext) -> BugLocation {
        ownGradientOnly != nil
            ? context.location(layers: layer) : .suspects(context.locate(layers: [layer] + suspects), loss: lossSuspect)
    }

    /// The causes that fit: the parameter's own gradient's, each suspect layer's backward
    /// pass's and the loss gradient's, the backward passes first when the layers below differ too.
    func symptom(_ layers: [LayerSpec], loss: Loss) -> Symptom {
        // The suspects' own causes replace the generic "a layer above" ones.
        let own = Symptom.parameterGradient(of: layers[layer], parameter: parameter, above: false).likelyCauses
        var above = suspects.flatMap { Symptom.backward(of: layers[$0], scale: nil).likelyCauses }
        if lossSuspect { above += Symptom.lossGradient(loss, scale: nil, batch: 0, outputs: 0).likelyCauses }
        var seen = Set<String>()
        let causes = (lowerDiffer ? above + own : own + above).filter { seen.insert($0).inserted }
        return Symptom(name: "a parameter's gradient differs from the reference", likelyCauses: causes)
    }
}
