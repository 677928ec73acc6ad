import NNBenchEngine
import NNBenchFaults

extension FaultSite {
    /// The place a check must name to locate the fault in `architecture`, in words: the layers
    /// of the broken type (`layers 1 (relu)`), or the non-layer place.
    public func description(in architecture: ArchitectureSpec) -> String {
        switch self {
        case .layerType(let type):
            BugLocation.layers(architecture.layers.indices.filter { architecture.layers[$0].name == type }.map { LayerLocation(index: $0, type: type) })
                .description
        case .loss: BugLocation.loss.description
        case .optimizer(let rules): "optimizer " + (rules.map { $0.sorted().joined(separator: ", ") } ?? "(any)")
        case .initialisation: BugLocation.initialisation.description
        case .data: BugLocation.data.description
        }
    }

    /// Whether `location` is where the fault is in `architecture`: for a layer fault, named layers
    /// that are not none and all of the broken type (one of them is enough: several layers of the
    /// type may share the bug while the data shows it in only some); the loss alone for a loss
    /// fault; one of the broken update rules for an optimizer fault; the initial weights; the data.
    public func isLocated(by location: BugLocation, in architecture: ArchitectureSpec) -> Bool {
        switch (self, location) {
        case (.layerType(let type), .layers(let layers)), (.layerType(let type), .suspects(let layers, loss: false)):
            !layers.isEmpty && layers.allSatisfy { architecture.layers.indices.contains($0.index) && architecture.layers[$0.index].name == type }
        case (.loss, .loss), (.loss, .suspects([], loss: true)): true
        case (.optimizer(let rules), .optimizer(let rule, _)): rules?.contains(rule) ?? true
        case (.initialisation, .initialisation), (.data, .data): true
        default: false
        }
    }
}
