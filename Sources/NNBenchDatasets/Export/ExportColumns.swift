/// The columns shared by the CSV and NPY exports: an optional split column, the flattened
/// inputs, then the targets.
struct ExportColumns: Sendable {
    /// The selected splits, in export order.
    let splits: [SplitName]
    /// The number of samples in each split.
    let sizes: SplitSizes
    /// Whether the first column names each row's split.
    let hasSplitColumn: Bool
    /// The number of input columns, `x0` ... .
    let inputWidth: Int
    /// The number of target columns: 1 (`y`), or the regression's outputs or the steps' class
    /// indices (`y0` ...).
    let targetWidth: Int
    /// Whether targets are class labels or binary targets, written as integers.
    let targetsAreLabels: Bool

    /// The columns of a source's selected splits.
    init(_ source: DatasetSource, splits selection: SplitSelection) {
        splits = selection.names
        sizes = source.sizes
        hasSplitColumn = selection == .all
        inputWidth = source.task.inputShape.reduce(1, *)
        targetWidth = source.task.targetShape.reduce(1, *)
        targetsAreLabels = source.task.kind.hasLabelTargets
    }

    /// The total number of columns.
    var count: Int { (hasSplitColumn ? 1 : 0) + inputWidth + targetWidth }

    /// The total number of rows, one per sample of the selected splits.
    var rowCount: Int { splits.reduce(0) { $0 + sizes[$1] } }

    /// The column names, `split`, `x0` ..., then `y` or `y0` ... .
    var names: [String] {
        (hasSplitColumn ? ["split"] : [])
            + (0..<inputWidth).map { "x\($0)" }
            + (targetWidth == 1 ? ["y"] : (0..<targetWidth).map { "y\($0)" })
    }

    /// The code of a split in a numeric split column: 0 train, 1 valid, 2 test.
    static func code(of name: SplitName) -> Double {
        switch name {
        case .train: return 0
        case .validation: return 1
        case .test: return 2
        }
    }
}

extension TaskKind {
    /// Whether the targets are class labels or binary targets, which the exports write as integers.
    var hasLabelTargets: Bool {
        switch self {
        case .regression: return false
        case .binary, .multiclass: return true
        }
    }
}
